/* What every source records about itself, for the header and the status line: state, last
 * success, last error and staleness. A source that fails keeps its last data in the store and
 * says so here; it never ends the program. */
#ifndef GC_CORE_SOURCE_H
#define GC_CORE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum source_state {
    SOURCE_IDLE,        /* not started */
    SOURCE_CONNECTING,  /* first contact in progress, no data yet */
    SOURCE_LOADING,     /* a list is arriving page by page */
    SOURCE_OK,          /* data current (watching or polled recently) */
    SOURCE_RETRYING,    /* failed; retrying with back-off; data (if any) is stale */
};

struct source_health {
    const char *name;        /* "kubernetes", ... (static) */
    enum source_state state;
    int64_t last_ok;         /* wall clock, epoch seconds; 0 = never */
    int64_t failing_since;   /* wall clock, epoch seconds of the first failure in a row; 0 = ok */
    char *last_error;        /* owned, sanitized, one line; NULL when none */
    size_t loaded;           /* items received by the list in progress */
    size_t expected;         /* loaded + remainingItemCount when the server says, else 0 */
    uint64_t version;        /* bumped on every change of the fields above */
};

/* Marks success: state (OK or LOADING), clears the error. */
void source_health_ok(struct source_health *h, enum source_state state, int64_t now);

/* Marks a failure with a one-line message (copied and sanitized); keeps failing_since of an
 * ongoing failure. */
void source_health_fail(struct source_health *h, const char *msg, int64_t now);

void source_health_fini(struct source_health *h);

/* A short phrase for the header: "connected", "loading 1,500/50,000",
 * "reconnecting since 14:02: <error>", "connecting". Writes into buf, returns buf. */
char *source_health_describe(const struct source_health *h, char *buf, size_t size);

/* Groups digits by thousands with ',' ("50,000"). Returns buf (at least 27 bytes). */
char *source_fmt_count(size_t n, char *buf, size_t size);

#endif
