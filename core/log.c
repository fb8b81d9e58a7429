/* core/log: not yet written. */
