/* Asynchronous HTTP over libcurl's multi interface, driven by the loop.
 *
 * Requests never block: sockets and timers are registered with the loop. A request either
 * buffers its body (delivered once in on_done) or streams it (on_data called as bytes arrive,
 * for Kubernetes watches and log follows). TLS is verified unless insecure is set. */
#ifndef GC_CORE_HTTP_H
#define GC_CORE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct http;
struct http_req;

struct http_opts {
    const char *url;
    const char *method;       /* NULL = GET */
    const char *body;         /* request body, copied; NULL = none */
    const char *content_type; /* for body */
    const char *accept;       /* Accept header; NULL = application/json */
    const char *bearer;       /* Authorization: Bearer ..., or NULL */
    const char *username;     /* basic auth when set */
    const char *password;
    const char *ca_file;      /* PEM file, or NULL for the system store */
    const char *ca_pem;       /* PEM text (kubeconfig *-data), or NULL */
    const char *client_cert;  /* client certificate file, or NULL */
    const char *client_key;
    const char *client_cert_pem; /* PEM text, or NULL */
    const char *client_key_pem;
    bool insecure;            /* skip TLS verification (insecure-skip-tls-verify) */
    bool allow_plain;         /* credentials may go over http:// to a host beyond loopback;
                                 without it such a request fails at once ("refused: ...") */
    bool stream;              /* deliver the body through on_data, not buffered */
    long timeout_ms;          /* whole request; 0 = none (streams) */
    long connect_timeout_ms;  /* 0 = 10 s */
    long idle_timeout_ms;     /* abort when no byte arrives for this long (a stalled stream);
                                 checked on the loop's own timer, re-armed lazily from the
                                 time of the last byte, so a quiet stream costs no wakeups;
                                 0 = off */
    size_t max_body;          /* buffered bodies larger than this fail; 0 = 512 MiB */
    const char *if_none_match;     /* If-None-Match (an ETag from an earlier answer), or NULL */
    const char *if_modified_since; /* If-Modified-Since (a Last-Modified value), or NULL */
    const char *cookie;       /* a Cookie header's value ("NAME=VALUE"), or NULL (nagios:
                                 cmd.cgi's CSRF form id) */
    struct http_stats *stats; /* counters to add this request to (borrowed), or NULL */
};

/* What one client (a source) has asked and received; kept by its owner, filled by http. */
#define HTTP_LATENCY_SAMPLES 64
struct http_stats {
    uint64_t requests;        /* started */
    uint64_t failures;        /* ended without a response, or with a status >= 400 */
    uint64_t bytes;           /* response bytes received (bodies, after decoding) */
    double latency_ms[HTTP_LATENCY_SAMPLES]; /* time to the end of the headers, newest last */
    size_t nlatency;          /* samples taken (the ring holds the last 64) */
};

/* The median of the latency samples in ms; -1 when there are none. */
double http_stats_median_ms(const struct http_stats *s);

/* What kind of transport failure ended a request (for "reachable?", "TLS verified?"). */
enum http_failure {
    HTTP_FAIL_NONE,    /* a response arrived (whatever its status) */
    HTTP_FAIL_CONNECT, /* name not resolved, connection refused or unreachable */
    HTTP_FAIL_TIMEOUT, /* connect or request timeout, or a stalled stream */
    HTTP_FAIL_TLS,     /* handshake failed or the certificate was not verified */
    HTTP_FAIL_TOO_BIG, /* the body passed max_body */
    HTTP_FAIL_OTHER,   /* anything else (reset, bad response, cancelled by the data callback) */
};

struct http_result {
    long status;              /* HTTP status, 0 if no response */
    char *body;               /* buffered body, NUL-terminated (NULL for streams); the callee
                                 may take it (set to NULL) to keep it */
    size_t body_len;
    const char *error;        /* transport error text, NULL on a completed exchange */
    double seconds;           /* total time */
    long retry_after_s;       /* Retry-After in seconds (delta or HTTP date), -1 when absent */
    const char *etag;         /* ETag of the response, or NULL (borrowed for the callback) */
    const char *last_modified;/* Last-Modified, or NULL (borrowed for the callback) */
    const char *content_type; /* Content-Type, or NULL (borrowed for the callback) */
    long long total_count;    /* X-Total-Count (the records a paged query matches: ServiceNow
                                 and others), -1 when absent */
    enum http_failure failure;/* HTTP_FAIL_NONE when error is NULL */
};

/* Streamed bytes; return false to cancel the request (on_done then reports "cancelled").
 * Called once with len 0 when the response headers are complete (status known). */
typedef bool (*http_data_cb)(struct http_req *req, const char *data, size_t len, void *arg);
/* Called exactly once per started request unless it was cancelled with http_cancel(). The
 * request is freed right after it returns. */
typedef void (*http_done_cb)(struct http_req *req, struct http_result *res, void *arg);

struct http *http_new(struct loop *l);
/* Cancels every request (no callbacks). */
void http_free(struct http *h);

/* Starts a request. Options are copied. Callbacks run on the loop thread. */
struct http_req *http_start(struct http *h, const struct http_opts *o, http_data_cb on_data,
                            http_done_cb on_done, void *arg);

/* Response status of a streaming request once headers have arrived (0 before). */
long http_req_status(const struct http_req *r);

/* Aborts a request; neither callback runs afterwards. Safe inside callbacks of other requests,
 * not inside this request's own on_done. */
void http_cancel(struct http *h, struct http_req *r);

/* Percent-encodes a query value (RFC 3986 unreserved characters stay). Caller frees. */
char *http_escape(const char *s);

/* Requests in flight. */
size_t http_active(const struct http *h);

#endif
