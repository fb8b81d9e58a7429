/* What every source records about itself, for the header, :sources and `govconsole check`:
 * state, last success, last error (and what kind of failure it is), staleness. A source that
 * fails keeps its last data in the store and says so here; it never ends the program. */
#ifndef GC_CORE_SOURCE_HEALTH_H
#define GC_CORE_SOURCE_HEALTH_H

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

/* What kind of failure, for a short word in the header. */
enum source_fault {
    SOURCE_FAULT_NONE,
    SOURCE_FAULT_UNREACHABLE, /* no connection */
    SOURCE_FAULT_TIMEOUT,     /* no answer in time, or a stalled stream */
    SOURCE_FAULT_TLS,         /* handshake or certificate */
    SOURCE_FAULT_AUTH,        /* 401/403: credentials rejected */
    SOURCE_FAULT_HTTP,        /* another error status (code in http_status) */
    SOURCE_FAULT_ANSWER,      /* an answer that is not what the API sends (HTML, bad JSON) */
    SOURCE_FAULT_TOO_BIG,     /* the answer passed the size cap */
};

struct source_health {
    const char *name;        /* "kubernetes", ... (static) */
    enum source_state state;
    int64_t last_ok;         /* wall clock, epoch seconds; 0 = never */
    int64_t failing_since;   /* wall clock, epoch seconds of the first failure in a row; 0 = ok */
    char *last_error;        /* owned, sanitized, one line; NULL when none */
    enum source_fault fault; /* of last_error while RETRYING */
    long http_status;        /* for SOURCE_FAULT_HTTP and _AUTH */
    int64_t stale_since;     /* last_ok once the data is older than the source allows (three
                                polling intervals); 0 while fresh */
    size_t loaded;           /* items received by the list in progress */
    size_t expected;         /* loaded + remainingItemCount when the server says, else 0 */
    uint64_t version;        /* bumped on every change of the fields above */
};

/* Marks success: state (OK or LOADING), clears the error and staleness. */
void source_health_ok(struct source_health *h, enum source_state state, int64_t now);

/* Marks a failure with a one-line message (copied and sanitized); keeps failing_since of an
 * ongoing failure. The fault is SOURCE_FAULT_ANSWER unless source_health_fault() says more. */
void source_health_fail(struct source_health *h, const char *msg, int64_t now);

/* source_health_fail() with the kind of failure (and the HTTP status, 0 when none). */
void source_health_fault(struct source_health *h, enum source_fault fault, long status,
                         const char *msg, int64_t now);

/* The fault of an HTTP exchange: the transport failure (http.h enum http_failure as an int,
 * 0 = a response came) else the status (401/403 auth, other >= 400 http). */
enum source_fault source_fault_of(int http_failure, long status);

/* Marks the data stale (since the last success), or fresh again with 0. */
void source_health_stale(struct source_health *h, bool stale);

void source_health_fini(struct source_health *h);

/* A word or two for the header's token of the source: "ok", "loading 1,500/50,000",
 * "connecting", "unreachable", "timeout", "TLS error", "credentials rejected", "HTTP 503",
 * "bad answer", "too large", "stale since 14:02", "idle". Writes into buf, returns buf. */
char *source_health_token(const struct source_health *h, char *buf, size_t size);

/* HH:MM of an epoch time in local time, into buf (at least 6 bytes). */
char *source_fmt_clock(int64_t when, char *buf, size_t size);

/* Groups digits by thousands with ',' ("50,000"). Returns buf (at least 27 bytes). */
char *source_fmt_count(size_t n, char *buf, size_t size);

#endif
