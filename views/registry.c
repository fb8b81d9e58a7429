/* views/registry: not yet written. */
