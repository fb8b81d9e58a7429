/* The source interface: one folder a source under core/ (core/k8s/, core/nagios/, ...), one
 * `const struct source_ops` each, listed once in core/sources.c. A source owns store kinds
 * (declared with their tenancy when it registers them), keeps them current (watch or poll),
 * says how it is (health), and performs what views ask of it as requests: details, changes,
 * streams. The console (tui/) and main.c only ever loop over the registry: adding a source
 * edits neither, nor core/access.c.
 *
 * Requests are data. A view's `request` hook turns (row, action) into a `struct
 * source_request` built by the source's own helpers (the method, path and body stay in the
 * request's `priv`, which only the source reads); the console prompts for input if asked,
 * checks access with the tenant the source resolved, confirms, runs it through the source's
 * `perform` or `stream` hook, shows the reply and audits changes. Every hook runs on the loop
 * thread. */
#ifndef GC_CORE_SOURCE_H
#define GC_CORE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/source_health.h"
#include "core/store.h"

struct loop;
struct http;
struct http_stats;
struct workpool;
struct gc_config;
struct config_diag;

/* What a source gets from the program. All borrowed for the source's life. */
struct source_env {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    const struct gc_config *cfg;
    const char *demo_url; /* --demo: govsim's base URL (every source points there), else NULL */
    struct access *access;/* the session: identity, role, scope */
    struct config_diag *diag; /* where init adds warnings for the start (config_diag_warn()),
                                 or NULL */
};

/* ---- requests ----------------------------------------------------------------------------- */

enum source_op {
    SOURCE_OP_DETAIL, /* fetch something to show (describe, the raw object) */
    SOURCE_OP_CHANGE, /* change something (delete, restart, scale): confirmed and audited */
    SOURCE_OP_STREAM, /* follow something (a log) */
};

/* How a detail's text reads: prose to show as it is, or JSON the pager shows as YAML. */
enum source_detail {
    SOURCE_DETAIL_TEXT,
    SOURCE_DETAIL_JSON,
};

struct source_request;

/* A field of a request's form (tui/form.h), for a request that needs several answers before
 * its confirmation (a new incident). Strings owned by the request. */
struct source_field {
    char *label;
    char *value;                /* the initial text or choice; NULL: empty, or the first */
    const char *const *choices; /* static, NULL-terminated: a choice field; NULL: text */
    bool required;
    bool multiline; /* a text field of several lines (a description, notes) */
};

struct source_request_ops {
    /* Optional: the user's answer to input_label; completes the request (its question, its
     * target, its body): 0, or -1 with *err (caller frees) to ask again, or 1 to ask the
     * next value: the hook has set a new input_label (and input_value) for it. */
    int (*input)(struct source_request *r, const char *text, char **err);
    /* Optional: the form's values (one a field, in order); completes the request as input
     * does: 0, or -1 with *err (caller frees; shown in the form, which stays open). */
    int (*form)(struct source_request *r, const char *const *values, char **err);
    /* Frees priv. */
    void (*free)(void *priv);
};

/* Every string is owned by the request (source_request_free()). */
struct source_request {
    const char *source;   /* the name of the source that performs it (static) */
    enum source_op op;
    enum access_verb verb;/* what core/access.c checks */
    const char *action;   /* "delete", "restart", "describe" ...: messages and the audit log */
    const char *done;     /* the flash after a change succeeded: "deleted" (static) */
    char *tenant;         /* the object's tenant as its source resolved it; NULL: none */
    char *target;         /* the object as messages and the audit log name it ("dmi/pods/x") */
    char *title;          /* the pager's title, or the dialog's */
    char *question;       /* the confirmation asked; NULL: none (details, streams) */
    char *confirm;        /* the confirming button ("Delete") */
    char *typed_name;     /* a name the user types to confirm; NULL: not asked */
    char *input_label;    /* a value asked before the confirmation ("replicas"); NULL: none */
    char *input_value;    /* its initial text */
    struct source_field *fields; /* a form asked before the confirmation (ops->form); NULL:
                                    none */
    size_t nfields;
    char **parts;         /* a stream's parts one may switch between (a pod's containers),
                             NULL-terminated; NULL or empty: the source picks */
    size_t nparts;
    const char *members;  /* a merged stream's: what its members are, plural ("pods"; static);
                             NULL for a stream of one thing */
    enum source_detail detail;
    /* A JSON detail: members (dotted paths, "metadata.managedFields") the pager hides until
     * the user asks for them, as kubectl get -o yaml does; static, NULL-terminated; NULL:
     * none. */
    const char *const *folded;
    const struct source_request_ops *ops;
    void *priv;           /* the source's own; freed by ops->free */
    struct access *access;/* the session's, set by the console before perform (borrowed):
                             what the source adds to a reply from the store (a describe's
                             events) passes it too */
};

/* A new empty request of `source` (caller fills it, or a source helper does). */
struct source_request *source_request_new(const char *source, enum source_op op,
                                          enum access_verb verb, const char *action);
void source_request_free(struct source_request *r);

/* What a stream's reader may change while it follows (the log pager's p, t, c). */
struct source_stream_opts {
    size_t part;     /* index into parts */
    bool previous;   /* the previous container's log */
    bool timestamps;
};

/* The answer to a request. Strings owned by the reply; the callback may take them (set
 * them to NULL). */
struct source_reply {
    bool ok;
    bool cancelled; /* the source was reset (:ctx) before the answer: its outcome is unknown */
    long status;    /* the HTTP status, 0 when there was none */
    char *text;     /* a detail: its text (SOURCE_DETAIL_TEXT) or JSON; a change: what came
                       of it in a few words ("INC0010023"), or NULL */
    char *error;    /* one line (the source's error_text), NULL when ok */
};

typedef void (*source_reply_fn)(struct source_reply *reply, void *arg);
struct source_call;

/* A stream's pieces. A stream of one thing (a pod's log) gives TEXT as bytes arrive. A merged
 * stream (the logs of an app's pods) gives each member's lines whole, never two members'
 * bytes within one line, with the member's short name and colour; NOTE lines of its own (a
 * member gone, restarted, failed); and STATE whenever the counts change. */
enum source_chunk_kind {
    SOURCE_CHUNK_TEXT,
    SOURCE_CHUNK_NOTE,
    SOURCE_CHUNK_STATE,
};

/* The colours a merged stream gives its members (tone 1..SOURCE_TONES). */
#define SOURCE_TONES 6

/* Borrowed for the callback. Nothing in it is sanitized: the reader does that. */
struct source_chunk {
    enum source_chunk_kind kind;
    const char *data;  /* TEXT: the bytes (a merged stream's: whole lines, each ending in LF);
                          NOTE: one line without LF */
    size_t len;
    const char *from;  /* a merged stream's TEXT or NOTE: the member's short name ("x7k2p");
                          NULL for a stream of one thing, or a note about the whole */
    unsigned tone;     /* with `from`: the member's colour, 1..SOURCE_TONES; else 0 */
    unsigned live;     /* STATE: members whose stream is open now */
    unsigned waiting;  /* STATE: members whose stream has not started yet (not ready) */
    unsigned members;  /* STATE: members followed */
    unsigned left_out; /* STATE: things that would be members but for a cap */
};
typedef void (*source_chunk_fn)(const struct source_chunk *c, void *arg);

/* ---- check -------------------------------------------------------------------------------- */

/* What `govconsole check` learns of a source. Strings owned (source_probe_fini()). */
struct source_probe {
    char *url;      /* what was probed */
    bool reachable; /* a connection was made and the server answered */
    int tls;        /* -1 no TLS, 0 TLS not verified (insecure), 1 TLS verified */
    int auth;       /* -1 not asked (no credentials), 0 rejected, 1 accepted */
    double rtt_ms;  /* round trip of the first request */
    char *about;    /* what it says about itself ("Kubernetes v1.29.0"), sanitized */
    char *error;    /* why the probe failed, one line; NULL when it passed */
};
typedef void (*source_probe_fn)(struct source_probe *p, void *arg);

void source_probe_fini(struct source_probe *p);

/* ---- the interface ------------------------------------------------------------------------ */

/* A command of the source's own on the command line (":ctx NAME"). */
struct source_command {
    const char *name;
    const char *const *aliases; /* NULL-terminated, may be NULL */
    const char *help;           /* "switch the Kubernetes context" */
    /* Runs it with its argument (maybe ""): 0 with *msg (info), or -1 with *msg (error);
     * *msg caller frees. */
    int (*run)(void *s, const char *arg, char **msg);
    /* Optional: candidates for the argument that start with word[0..wlen), into out (borrowed
     * until the next call); returns how many. */
    size_t (*complete)(void *s, const char *word, size_t wlen, const char **out, size_t max);
};

typedef void (*source_scope_fn)(const char *name, const char *tenant, void *arg);

struct source_ops {
    const char *name;              /* its [section], its header token, :sources */
    const enum store_kind *kinds;  /* the store kinds it owns */
    size_t nkinds;

    /* Whether the configuration names this source (with --demo, every source is). */
    bool (*configured)(const struct gc_config *cfg, const char *demo_url);
    /* Reads its configuration and registers its kinds (store_register()); nothing starts.
     * NULL with *err (caller frees; "FILE:LINE: ..." or what is wrong) when the
     * configuration cannot be used: the program stops with status 2. */
    void *(*init)(const struct source_env *env, char **err);
    void (*start)(void *s);
    /* Stops every request and timer; calls in flight are answered as cancelled. Rows stay. */
    void (*stop)(void *s);
    /* After stop, and after the workpool is freed (its jobs may point into the source). */
    void (*fini)(void *s);
    /* Borrowed until the next loop pass. */
    const struct source_health *(*health)(void *s);
    /* Optional: the health of a part of it that fails on its own, named as a view names it
     * (view_ops.source_part: a Kubernetes informer, "nodes"); NULL when there is no such part.
     * A part's failure need not be the source's: an account may read namespaced objects and
     * not the cluster's nodes. Borrowed until the next loop pass. */
    const struct source_health *(*part_health)(void *s, const char *part);

    /* Optional: the header's token after "NAME: " (default: source_health_token()). */
    void (*token)(void *s, char *buf, size_t size);
    /* Optional: a standing remark beside the health, for :sources ("dst (labelled dst,
     * mapped to dmi)": namespaces refused for a tenancy conflict); NULL when none. Borrowed
     * until the next loop pass. */
    const char *(*note)(void *s);
    /* Optional (required with perform or stream): the tenant the request's object belongs
     * to now (borrowed until the next loop pass; NULL: none), as its kind's tenancy says:
     * the console checks access again with it when the user confirms, and while a stream
     * runs. */
    const char *(*tenant_of)(void *s, const struct source_request *r);
    /* Optional: where its requests go, for the audit log: a context (a kubeconfig context)
     * and the server's URL; either may be NULL. Borrowed. */
    void (*where)(void *s, const char **context, const char **server);
    /* Optional: what the header's left side says of it ("context: x  server: https://..."). */
    void (*summary)(void *s, char *buf, size_t size);
    /* Optional: the URL it talks to (borrowed). */
    const char *(*url)(void *s);
    /* Optional: its HTTP counters (borrowed). */
    const struct http_stats *(*stats)(void *s);
    /* Optional: the names a view command narrows to besides tenants (Kubernetes namespaces),
     * each with its tenant, those the session may see only. */
    void (*scopes)(void *s, struct access *a, source_scope_fn fn, void *arg);
    /* Optional: runs a detail or change request (borrowed until `done` runs or the call is
     * cancelled); `done` runs once, later, on the loop thread, unless cancelled. Returns a
     * handle valid until then. */
    struct source_call *(*perform)(void *s, const struct source_request *r, source_reply_fn done,
                                   void *arg);
    /* Optional: follows a stream; `on_chunk` as it comes, `done` once at its end (a merged
     * stream that follows members as they come and go ends only when cancelled; with
     * `previous`, once every member's has ended). */
    struct source_call *(*stream)(void *s, const struct source_request *r,
                                  const struct source_stream_opts *o, source_chunk_fn on_chunk,
                                  source_reply_fn done, void *arg);
    /* Optional: whether part `part` of a stream's object has a previous run to show (a
     * container that restarted; for an app, in any of its pods): 1 yes, 0 no, -1 unknown.
     * The log pager keeps `previous` across `c` unless this says 0. */
    int (*part_previous)(void *s, const struct source_request *r, size_t part);
    /* Optional (required with perform or stream): cancels a call: no callback runs after. */
    void (*cancel)(void *s, struct source_call *c);
    /* Optional: one line for a failed answer of its server (caller frees); never a
     * credential. */
    char *(*error_text)(long status, const char *body, size_t len, const char *transport);
    /* Optional: `govconsole check`: probes the server (reachable, TLS, credentials, what it
     * says about itself); `done` runs once on the loop thread. */
    void (*probe)(void *s, source_probe_fn done, void *arg);
    /* Optional: commands of its own, ended by one with a NULL name. */
    const struct source_command *commands;
    /* sla (issue 13). Optional: a view asks for rows that depend on its own parameters (the
     * sla view: a period, "2026-11", or one service's timeline in it); the source fetches
     * them when they are not what it holds or fetches already, and they come into the store
     * as any rows do. "" asks for the source's default (the sla source: the period of
     * [sla] period containing now); `resolved` (size bytes; may be NULL) receives what `what`
     * stands for ("2026-12"). Returns true when the store holds them now. */
    bool (*want)(void *s, const char *what, char *resolved, size_t size);
    /* A helper of another source (sla of nagios): no header token, not in :sources, not
     * probed by `govconsole check`; views reach it by name (sources_find()). Registered after
     * every other source. */
    bool helper;
};

/* A running source. */
struct source {
    const struct source_ops *ops;
    void *state;
};

#endif
