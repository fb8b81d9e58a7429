/* The one HTTP server of govsim: a libmicrohttpd daemon on 127.0.0.1 with a thread per
 * connection. It collects request bodies, answers the /_sim/ test control endpoints itself,
 * and hands every other request to the first API module in its table (router.c) with a
 * path prefix that matches. It also holds what the modules share: the response helpers,
 * query arguments, HTTP basic authentication, the injected faults and delays, and the byte
 * counters of /_sim/stats.
 *
 * An API module is one folder under sim/ (sim/k8s/, sim/nagios/ ...) exporting one
 * `const struct sim_api NAME_api`, listed once in router.c. A module keeps its data in the
 * world (world.h) or derives it from the world, so that every API tells the same story. */
#ifndef GC_SIM_ROUTER_H
#define GC_SIM_ROUTER_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/jbuf.h"
#include "sim/world.h"

/* What the command line configures, for the router and the API modules. Strings are
 * borrowed and must outlive the router. */
struct router_config {
    struct world *world;       /* must outlive the router */
    uint16_t port;             /* 0: pick a free port */
    const char *token;         /* Kubernetes: require "Authorization: Bearer TOKEN" */
    const char *basic_auth;    /* Nagios, ServiceNow, MapR: require basic auth "USER:PASSWORD" */
    const char *const *forbid; /* Kubernetes: namespaces every request to gets 403 */
    size_t n_forbid;
    unsigned bookmark_interval; /* Kubernetes: seconds between watch BOOKMARK events */
    double log_rate;            /* Kubernetes: lines a second of a followed pod log */
    bool no_metrics;            /* Kubernetes: no metrics.k8s.io API */
};

struct router;

/* One request as an API module gets it; everything is borrowed for the serve call only. */
struct router_request {
    struct router *router;
    const struct router_config *cfg;
    struct world *world;
    struct MHD_Connection *conn;
    const char *url; /* the path, without the query string */
    const char *method;
    const char *body; /* NUL-terminated, "" when there is none */
    size_t body_len;
    bool body_too_large; /* the body passed ROUTER_BODY_MAX and was dropped */
};

#define ROUTER_BODY_MAX (1024 * 1024)

/* An API module. Optional hooks may be NULL. */
struct sim_api {
    const char *name; /* "kubernetes", "nagios", ... for messages */
    /* The paths it serves (NULL-terminated): a request goes to the first module of the table
     * with a prefix its path starts with. */
    const char *const *prefixes;
    /* Optional: builds the module's state once the router exists (caller frees with stop).
     * The bound port is known from router_port() by the time requests arrive. */
    void *(*start)(struct router *router, const struct router_config *cfg);
    void (*stop)(void *state);
    /* Answers one request: queues a response and returns MHD's result (MHD_NO drops the
     * connection). state is what start returned, or NULL. */
    enum MHD_Result (*serve)(void *state, const struct router_request *req);
    /* Optional: its own test controls, /_sim/NAME/... (POST/PUT to change, GET to read). */
    enum MHD_Result (*control)(void *state, const struct router_request *req);
};

/* Starts serving on 127.0.0.1. Returns NULL (with a message on stderr) when the port
 * cannot be bound. Caller stops with router_stop(). */
struct router *router_start(const struct router_config *cfg);
/* Ends every stream and connection (call world_shutdown() first so that watches and
 * waiting requests wake up), stops the modules and frees the router. */
void router_stop(struct router *r);
/* The port listened on. */
uint16_t router_port(const struct router *r);

/* ---- responses --------------------------------------------------------------------- */

/* Queues a response whose body is data (len bytes, taken over: freed by the router even on
 * failure). headers is NULL or a NULL-terminated list of name, value, name, value ... */
enum MHD_Result router_queue_buffer(struct MHD_Connection *conn, unsigned status, const char *ctype,
                                    char *data, size_t len, const char *const *headers);
/* A copy of text. */
enum MHD_Result router_queue_text(struct MHD_Connection *conn, unsigned status, const char *ctype,
                                  const char *text, const char *const *headers);
/* JSON: the buffer's content (b is left empty), or doc (the reference is taken) as compact
 * application/json. */
enum MHD_Result router_queue_jbuf(struct MHD_Connection *conn, unsigned status, struct jbuf *b,
                                  const char *const *headers);
enum MHD_Result router_queue_json(struct MHD_Connection *conn, unsigned status, json_t *doc,
                                  const char *const *headers);
/* The same with the server's own content type and jansson's dump flags (JSON_INDENT ...);
 * members keep their order. */
enum MHD_Result router_queue_json_as(struct MHD_Connection *conn, unsigned status,
                                     const char *ctype, json_t *doc, size_t flags,
                                     const char *const *headers);
/* A 200 whose body reader(cls) produces as the client takes it (size MHD_SIZE_UNKNOWN:
 * chunked). free_fn(cls) runs when the response ends, or at once if queuing fails. */
enum MHD_Result router_queue_stream(struct MHD_Connection *conn, const char *ctype, uint64_t size,
                                    size_t block, MHD_ContentReaderCallback reader, void *cls,
                                    MHD_ContentReaderFreeCallback free_fn,
                                    const char *const *headers);

/* Counts body bytes a module's stream reader sent, for /_sim/stats (buffered bodies are
 * counted by router_queue_buffer). */
enum router_sent { ROUTER_SENT_WATCH, ROUTER_SENT_LIST };
void router_count_sent(enum router_sent kind, size_t n);

/* ---- requests ---------------------------------------------------------------------- */

/* A query argument (borrowed from MHD until the request ends), or NULL. */
const char *router_arg(struct MHD_Connection *conn, const char *key);
/* True for "1", "true" and "True". */
bool router_arg_true(struct MHD_Connection *conn, const char *key);
/* A request header, or NULL. */
const char *router_header(struct MHD_Connection *conn, const char *name);

/* The client's socket, and whether the client has closed its end. */
int router_connection_fd(struct MHD_Connection *conn);
bool router_peer_closed(int fd);

/* HTTP basic authentication against --basic-auth. Without that option everyone passes and
 * *user is "". With it, true only for exactly that pair; *user then receives its user
 * name (at most size - 1 bytes). */
bool router_basic_auth(const struct router_request *req, char *user, size_t size);

/* ---- faults and delays (set through /_sim/, applied by the Kubernetes module) -------- */

enum router_fault {
    ROUTER_FAULT_NONE,
    ROUTER_FAULT_500,
    ROUTER_FAULT_401,
    ROUTER_FAULT_403,
    ROUTER_FAULT_GARBAGE,
    ROUTER_FAULT_TRUNCATE,
    ROUTER_FAULT_HANG,
    ROUTER_FAULT_ESCAPE,
    ROUTER_FAULT_LEAK
};

/* Consumes one pending fault for a request to path, if any; returns its mode. */
enum router_fault router_take_fault(struct router *r, const char *path);
/* Milliseconds to hold back the answer to a GET of one object (/_sim/delay?get=MS; 0 = none). */
int64_t router_get_delay_ms(struct router *r);

#endif
