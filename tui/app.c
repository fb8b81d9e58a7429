/* tui/app: not yet written. */
