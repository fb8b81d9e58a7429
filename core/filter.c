/* core/filter: being written. */
