/* core/loop: not yet written. */
