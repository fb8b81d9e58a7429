/* views/pods: not yet written. */
