/* core/theme: being written. */
