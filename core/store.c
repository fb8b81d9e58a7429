/* core/store: not yet written. */
