/* tui/screen: not yet written. */
