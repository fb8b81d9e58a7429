/* core/workpool: not yet written. */
