/* tui/table: not yet written. */
