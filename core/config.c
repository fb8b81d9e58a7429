/* core/config: being written. */
