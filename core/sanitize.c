/* core/sanitize: being written. */
