/* core/source: not yet written. */
