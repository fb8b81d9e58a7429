/* core/demo: not yet written. */
