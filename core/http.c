/* core/http: not yet written. */
