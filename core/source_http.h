/* What the polled HTTP sources (Nagios, ServiceNow, MapR, KrakenD) share, so that each one's
 * folder holds only its own: which URL, how to read its answer, how its server words an
 * error.
 *
 * - Credentials from the source's section: basic (`user` with `password_file`, refused
 *   unless 0600 or stricter, or $GOVCONSOLE_<SECTION>_PASSWORD) or a bearer token
 *   (`token_file`); TLS from `[tls]` with the section's override (core/config.h). They stay
 *   in memory only: never in argv, the log, the screen, an error or the audit log.
 * - A shared poller (core/poller.h) on the source's URL every `interval`: its health is the
 *   source's ("stale since 14:02", "credentials rejected", "bad answer" ...).
 * - The probe of `govconsole check`: one GET of the same URL, read by the same function.
 *
 * The source_http_op_* functions are source_ops hooks: a source sets .start =
 * source_http_op_start and so on, and its init returns source_http_new(). Loop thread only. */
#ifndef GC_CORE_SOURCE_HTTP_H
#define GC_CORE_SOURCE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/http.h"
#include "core/source.h"

struct gc_config;
struct source_http;

/* One answer's verdict. */
enum source_http_verdict {
    SOURCE_HTTP_OK,       /* the API answered as it should */
    SOURCE_HTTP_BAD,      /* not this API's answer (HTML, another JSON), or an error in it */
    SOURCE_HTTP_REJECTED, /* an answer that holds nothing for this user: not authorised */
};

struct source_http_def {
    const char *name; /* its [section], static */
    /* The URL to poll and probe (caller frees), or NULL when the section sets none; with
     * --demo, govsim's (demo_url is its base). */
    char *(*url)(const struct gc_config *cfg, const char *demo_url);
    /* Reads a 2xx answer (on a worker thread for the poller): the verdict, with *about (what
     * the server says about itself, sanitized) or *why (one line) set, caller frees. `user`
     * is the configured user (NULL when none). */
    enum source_http_verdict (*answer)(const char *body, size_t len, const char *user,
                                       char **about, char **why);
    /* Optional: one line for a failed answer of this server (caller frees); default: the
     * transport error, else "HTTP <status>". */
    char *(*error_text)(long status, const char *body, size_t len, const char *transport);
};

/* Whether the section names a URL for this source (or --demo gives one). */
bool source_http_configured(const struct source_http_def *def, const struct gc_config *cfg,
                            const char *demo_url);

/* Reads the section (credentials, TLS, interval); NULL with *err (caller frees) when it
 * cannot be used: no URL, a password file with loose permissions, a user without a password.
 * Registers no store kind: these sources only say how they are, until their views come. */
struct source_http *source_http_new(const struct source_env *env,
                                    const struct source_http_def *def, char **err);

/* source_ops hooks; `s` is what source_http_new() returned. */
void source_http_op_start(void *s);
void source_http_op_stop(void *s);
void source_http_op_fini(void *s);
const struct source_health *source_http_op_health(void *s);
const char *source_http_op_url(void *s);
const struct http_stats *source_http_op_stats(void *s);
void source_http_op_probe(void *s, source_probe_fn done, void *arg);

/* The probe of source_http_op_probe() with other request options than the section's (an
 * OAuth token in place of the user and password: ServiceNow). */
void source_http_probe_with(struct source_http *sh, const struct http_opts *base,
                            source_probe_fn done, void *arg);

/* The base options of every request of the source (credentials, TLS, counters); borrowed. */
const struct http_opts *source_http_base(const struct source_http *sh);

/* The HTTP client the source's requests go through; borrowed. */
struct http *source_http_client(const struct source_http *sh);

/* A source's own data beside the shared part (freed with it by free_fn). */
void source_http_set_extra(struct source_http *sh, void *extra, void (*free_fn)(void *));
void *source_http_extra(const struct source_http *sh);

/* Fills the probe's TLS and credentials fields from how the source is configured: tls -1 for
 * http://, 0 insecure, 1 verified; auth -1 without credentials, else 1 (the caller lowers it
 * when the server says otherwise). */
void source_http_probe_init(const struct source_http *sh, const char *url,
                            struct source_probe *p);

/* The probe's verdict on one exchange: reachable, the round trip, auth 0 on 401/403, and
 * about or error from the answer; returns true when the answer was good. */
bool source_http_probe_result(const struct source_http *sh, struct http_result *res,
                              double rtt_ms, struct source_probe *p);

#endif
