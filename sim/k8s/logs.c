/* Pod logs: GET /api/v1/namespaces/NS/pods/NAME/log with container, previous, tailLines,
 * timestamps, sinceSeconds, sinceTime, limitBytes and follow, answered as the apiserver and
 * the kubelet do (including their 400 messages).
 *
 * A container run's log is a pure function of time: line k of a run that started at S is
 * stamped S + (k + j_k) / rate seconds, with j_k in [0, 0.8) drawn from the run's seed and k,
 * so a later request sees the same lines plus the new ones, and a followed log gets line k
 * when its time comes (--log-rate lines a second on average). Terminated runs end with the
 * lines of their ending (a fatal error, an OOM warning, a completed run). A few lines carry
 * control characters and escape sequences on purpose (colours, a bell, CR, an OSC title)
 * so that clients' sanitizing gets tested. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/k8s/k8s.h"
#include "sim/sim_util.h"

#define LOG_KEEP 1000       /* lines a request without tailLines gets at most */
#define LOG_TAIL_MAX 100000 /* the largest tailLines honoured */
#define LOG_CHUNK (64 * 1024)
#define LOG_CHECK_MS 200 /* how often a follower looks at the pod and the client */

enum log_end { END_NONE, END_CRASH, END_OOM, END_DONE, END_MIGRATED };

enum log_flavour { FLAVOUR_APP, FLAVOUR_SHIPPER, FLAVOUR_MIGRATE, FLAVOUR_POSTGRES };

struct log_stream {
    struct k8s_server *api;
    /* Which pod and container run. */
    int ns;
    char pod[WORLD_NAME_MAX];
    char app[48];
    struct world_uid uid;
    int64_t pod_started; /* the main container's run start when following it */
    int container;       /* enum world_container */
    int flavour;
    int ending;
    int64_t start_ns;
    int64_t end_ns; /* 0: running */
    uint64_t seed;
    double period_ns;
    /* What to send. */
    bool timestamps;
    bool live; /* follow a running container */
    int64_t next;
    int64_t last_regular; /* last regular line of the history */
    int64_t last;         /* last line of the history, ending lines included */
    int n_end;
    uint64_t limit;
    uint64_t sent;
    int fd;
    int64_t next_check_ms;
    bool done;
    struct jbuf buf;
    size_t off;
};

/* ---- the timeline ------------------------------------------------------------------ */

static uint64_t line_hash(const struct log_stream *ls, int64_t k)
{
    uint64_t key[2] = {ls->seed, (uint64_t)k};
    return sim_hash64(key, sizeof(key), 17);
}

static int64_t line_time(const struct log_stream *ls, int64_t k)
{
    double jitter = (double)(line_hash(ls, k) % 800000) / 1e6;
    return ls->start_ns + (int64_t)(((double)k + jitter) * ls->period_ns);
}

/* The last line stamped at or before t (-1 when none). */
static int64_t line_at(const struct log_stream *ls, int64_t t)
{
    if (t < line_time(ls, 0)) {
        return -1;
    }
    int64_t k = (int64_t)((double)(t - ls->start_ns) / ls->period_ns);
    while (k > 0 && line_time(ls, k) > t) {
        k--;
    }
    while (line_time(ls, k + 1) <= t) {
        k++;
    }
    return k;
}

/* ---- line text --------------------------------------------------------------------- */

static void put_ms_time(struct jbuf *b, int64_t ns)
{
    char t[31];
    sim_format_time_ns(ns, t);
    jbuf_put(b, t, 23); /* YYYY-MM-DDTHH:MM:SS.mmm */
    jbuf_putc(b, 'Z');
}

/* The deliberate troublemakers: escape sequences and control characters. */
static const char *hostile_line(uint64_t h)
{
    static const char *const lines[] = {
        "\x1b[33mWARN\x1b[0m [pool] connection pool at 90% capacity (45/50)",
        "\x1b[31mERROR\x1b[0m [db] query canceled after 5000ms: statement timeout",
        "ALERT\x07 disk usage 91% on /data",
        "progress 10%\rprogress 55%\rprogress 100%",
        "\x1b]0;log-title\x07 window title set by a log line",
        "\x1b[1;32mINFO\x1b[0m \x1b[2Kcache warmed in 812ms",
        "\xc3\x86ndring gemt for \xc3\xb8vrige data \xe2\x80\x94 ok",
        "tab\tseparated\tfields\tfrom\ta legacy logger",
    };
    return lines[h % (sizeof(lines) / sizeof(lines[0]))];
}

static void app_line(const struct log_stream *ls, int64_t k, int64_t t, struct jbuf *b)
{
    static const char *const paths[] = {"/v1/items",   "/v1/search", "/healthz",
                                        "/v2/records", "/ready",     "/v1/export"};
    static const char *const methods[] = {"GET", "GET", "GET", "POST", "PUT"};
    uint64_t h = line_hash(ls, k) >> 8;
    unsigned roll = (unsigned)(h % 1000);
    h /= 1000;
    if (roll < 25) {
        jbuf_puts(b, hostile_line(h));
        return;
    }
    JB_LIT(b, "{\"time\":\"");
    put_ms_time(b, t);
    if (roll < 60) {
        JB_LIT(b, "\",\"level\":\"warn\",\"app\":");
        jbuf_put_str(b, ls->app);
        jbuf_printf(b, ",\"msg\":\"slow upstream\",\"upstream\":\"postgres\",\"duration_ms\":%u}",
                    (unsigned)(800 + h % 4000));
    } else if (roll < 80) {
        JB_LIT(b, "\",\"level\":\"error\",\"app\":");
        jbuf_put_str(b, ls->app);
        jbuf_printf(b,
                    ",\"msg\":\"request failed\",\"method\":\"GET\",\"path\":\"%s\",\"status\":%u,"
                    "\"error\":\"upstream timeout\"}",
                    paths[h % 6], (h & 1) ? 503u : 500u);
    } else if (roll < 180) {
        JB_LIT(b, "\",\"level\":\"info\",\"app\":");
        jbuf_put_str(b, ls->app);
        jbuf_printf(b, ",\"msg\":\"batch processed\",\"records\":%u,\"bytes\":%u}",
                    (unsigned)(10 + h % 5000), (unsigned)(1000 + (h >> 13) % 900000));
    } else {
        JB_LIT(b, "\",\"level\":\"info\",\"app\":");
        jbuf_put_str(b, ls->app);
        jbuf_printf(b,
                    ",\"msg\":\"request served\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%u,"
                    "\"duration_ms\":%u,\"trace_id\":\"%016llx\"}",
                    methods[h % 5], paths[(h >> 3) % 6], roll < 200 ? 404u : 200u,
                    (unsigned)(1 + (h >> 7) % 250), (unsigned long long)line_hash(ls, ~k));
    }
}

static void shipper_line(const struct log_stream *ls, int64_t k, int64_t t, struct jbuf *b)
{
    uint64_t h = line_hash(ls, k) >> 8;
    JB_LIT(b, "level=");
    jbuf_puts(b, h % 50 == 0 ? "warn" : "info");
    JB_LIT(b, " ts=");
    put_ms_time(b, t);
    if (h % 50 == 0) {
        jbuf_printf(b, " msg=\"retrying push\" attempt=%u err=\"context deadline exceeded\"",
                    (unsigned)(1 + (h >> 6) % 4));
    } else {
        jbuf_printf(b, " msg=\"shipped batch\" records=%u dest=loki", (unsigned)(10 + h % 900));
    }
}

static void migrate_line(const struct log_stream *ls, int64_t k, struct jbuf *b)
{
    uint64_t h = line_hash(ls, k) >> 8;
    if (k == 0) {
        JB_LIT(b, "waiting for database ... ok");
    } else {
        jbuf_printf(b, "applied %04lld_%s.sql in %ums", (long long)(40 + k),
                    (h & 1) ? "add_index" : "alter_table", (unsigned)(20 + h % 900));
    }
}

static void postgres_line(const struct log_stream *ls, int64_t k, int64_t t, struct jbuf *b)
{
    uint64_t h = line_hash(ls, k) >> 8;
    char when[31];
    sim_format_time_ns(t, when);
    when[10] = ' ';
    when[23] = '\0';
    jbuf_printf(b, "%s UTC [%u] ", when, (unsigned)(60 + h % 9000));
    switch (h % 5) {
    case 0:
        JB_LIT(b, "LOG:  checkpoint starting: time");
        break;
    case 1:
        jbuf_printf(b, "LOG:  checkpoint complete: wrote %u buffers (%u.%u%%); 0 WAL file(s) added",
                    (unsigned)(h % 3000), (unsigned)(h % 9), (unsigned)(h % 10));
        break;
    case 2:
        jbuf_printf(b, "LOG:  duration: %u.%03u ms  statement: SELECT * FROM observations",
                    (unsigned)(200 + h % 3000), (unsigned)(h % 1000));
        break;
    case 3:
        JB_LIT(b, "LOG:  automatic vacuum of table \"app.public.events\": index scans: 1");
        break;
    default:
        JB_LIT(b, "LOG:  connection received: host=10.64.1.23 port=41822");
        break;
    }
}

/* Line i of the ending of a terminated run. */
static void ending_line(const struct log_stream *ls, int i, int64_t t, struct jbuf *b)
{
    if (ls->ending == END_MIGRATED) {
        JB_LIT(b, "migrations complete");
        return;
    }
    if (ls->flavour == FLAVOUR_POSTGRES) {
        JB_LIT(b, "LOG:  received fast shutdown request");
        return;
    }
    JB_LIT(b, "{\"time\":\"");
    put_ms_time(b, t);
    JB_LIT(b, "\",\"level\":\"");
    switch (ls->ending) {
    case END_CRASH:
        jbuf_puts(b, i < 2 ? "error" : "fatal");
        JB_LIT(b, "\",\"app\":");
        jbuf_put_str(b, ls->app);
        if (i < 2) {
            jbuf_printf(b, ",\"msg\":\"retrying database connection\",\"attempt\":%d}", i + 2);
        } else {
            JB_LIT(b, ",\"msg\":\"connection to database refused; exiting\",\"error\":\"dial tcp "
                      "10.96.0.15:5432: connect: connection refused\"}");
        }
        break;
    case END_OOM:
        JB_LIT(b, "warn\",\"app\":");
        jbuf_put_str(b, ls->app);
        jbuf_printf(b, ",\"msg\":\"heap usage high\",\"heap_mb\":%d}", 480 + i * 13);
        break;
    default:
        JB_LIT(b, "info\",\"app\":");
        jbuf_put_str(b, ls->app);
        JB_LIT(b, ",\"msg\":\"run complete\",\"exit\":0}");
        break;
    }
}

static int ending_lines(int ending)
{
    return ending == END_CRASH ? 3 : ending == END_NONE ? 0 : 1;
}

/* Appends line idx (with its timestamp when asked) and a newline. */
static void render_line(const struct log_stream *ls, int64_t idx, struct jbuf *b)
{
    int64_t t;
    bool end_line = idx > ls->last_regular && idx <= ls->last && ls->n_end;
    if (end_line) {
        t = ls->end_ns + (idx - ls->last_regular - 1) * 1000;
    } else {
        t = line_time(ls, idx);
    }
    if (ls->timestamps) {
        char when[31];
        sim_format_time_ns(t, when);
        jbuf_put(b, when, 30);
        jbuf_putc(b, ' ');
    }
    if (end_line) {
        ending_line(ls, (int)(idx - ls->last_regular - 1), t, b);
    } else {
        switch (ls->flavour) {
        case FLAVOUR_SHIPPER:
            shipper_line(ls, idx, t, b);
            break;
        case FLAVOUR_MIGRATE:
            migrate_line(ls, idx, b);
            break;
        case FLAVOUR_POSTGRES:
            postgres_line(ls, idx, t, b);
            break;
        default:
            app_line(ls, idx, t, b);
            break;
        }
    }
    jbuf_putc(b, '\n');
}

/* ---- which run, or why none -------------------------------------------------------- */

static const char *waiting_reason(int state)
{
    switch (state) {
    case POD_ERR_IMAGE_PULL:
        return "image can't be pulled";
    case POD_IMAGE_PULL_BACKOFF:
        return "trying and failing to pull image";
    case POD_INIT:
        return "PodInitializing";
    default:
        return "ContainerCreating";
    }
}

/* Fills the run of the requested container from the pod (lock held). Returns 0, or -1
 * with the kubelet's message in err. */
static int pick_run(const struct world *w, const struct world_pod *p, int container, bool previous,
                    struct log_stream *ls, char *err, size_t errsize, const char *cname)
{
    const struct world_app *a = &w->apps[p->app];
    int64_t now = sim_now();
    int64_t start = 0;
    int64_t end = 0;
    int ending = END_NONE;
    bool have = false;
    bool has_last = p->last_finished && p->restarts > 0;
    int64_t last_start = p->last_finished - 60 - (int64_t)(p->serial % 3000);
    int last_end = p->last_reason == LAST_OOMKILLED ? END_OOM : END_CRASH;
    if (container == WORLD_C_MAIN) {
        if (previous) {
            if (has_last) {
                start = last_start;
                end = p->last_finished;
                ending = last_end;
                have = true;
            }
        } else {
            switch (p->state) {
            case POD_RUNNING:
            case POD_SIDECAR_NOT_READY:
                start = p->started;
                have = true;
                break;
            case POD_CRASHLOOP:
                /* Waiting to restart: the kubelet serves the last terminated run. */
                if (has_last) {
                    start = last_start;
                    end = p->last_finished;
                    ending = last_end;
                    have = true;
                }
                break;
            case POD_OOMKILLED: {
                int64_t fin = p->started + 60 + (int64_t)(p->serial % 600);
                start = p->started;
                end = fin > now ? now : fin < p->started ? p->started : fin;
                ending = END_OOM;
                have = true;
                break;
            }
            case POD_COMPLETED:
                start = p->started;
                end = p->started + 20 + (int64_t)(p->serial % 200);
                ending = END_DONE;
                have = true;
                break;
            case POD_FAILED:
                start = p->started;
                end = p->started + 5 + (int64_t)(p->serial % 60);
                ending = END_CRASH;
                have = true;
                break;
            default:
                snprintf(err, errsize, "container \"%s\" in pod \"%s\" is waiting to start: %s",
                         cname, p->name, waiting_reason(p->state));
                return -1;
            }
        }
    } else if (!previous && container == WORLD_C_SIDECAR) {
        bool running = p->state == POD_RUNNING || p->state == POD_CRASHLOOP ||
                       p->state == POD_OOMKILLED || p->state == POD_ERR_IMAGE_PULL ||
                       p->state == POD_IMAGE_PULL_BACKOFF || p->state == POD_SIDECAR_NOT_READY;
        if (!running) {
            snprintf(err, errsize, "container \"%s\" in pod \"%s\" is waiting to start: %s", cname,
                     p->name, p->state == POD_INIT ? "PodInitializing" : "ContainerCreating");
            return -1;
        }
        start = p->created + 6;
        have = true;
    } else if (!previous && container == WORLD_C_INIT) {
        if (p->state == POD_CREATING || p->state == POD_PENDING) {
            snprintf(err, errsize, "container \"%s\" in pod \"%s\" is waiting to start: %s", cname,
                     p->name, "PodInitializing");
            return -1;
        }
        start = p->created + 2;
        if (p->state != POD_INIT) {
            end = p->created + 4;
            ending = END_MIGRATED;
        }
        have = true;
    }
    if (!have) {
        snprintf(err, errsize, "previous terminated container \"%s\" in pod \"%s\" not found",
                 cname, p->name);
        return -1;
    }
    ls->start_ns = start * 1000000000LL;
    ls->end_ns = end * 1000000000LL;
    ls->ending = ending;
    ls->pod_started = p->started;
    uint64_t key[3] = {sim_hash64(p->uid.b, sizeof(p->uid.b), 5), (uint64_t)container,
                       (uint64_t)start};
    ls->seed = sim_hash64(key, sizeof(key), 9);
    ls->flavour = container == WORLD_C_SIDECAR ? FLAVOUR_SHIPPER
                  : container == WORLD_C_INIT  ? FLAVOUR_MIGRATE
                  : a->kind == APP_STATEFULSET ? FLAVOUR_POSTGRES
                                               : FLAVOUR_APP;
    return 0;
}

/* ---- follow ------------------------------------------------------------------------ */

/* True while the followed container still runs (lock taken here). */
static bool still_running(struct log_stream *ls)
{
    struct world *w = ls->api->w;
    bool ok = false;
    world_lock(w);
    if (!w->shutting_down) {
        long i = world_pod_find(w, ls->ns, ls->pod);
        if (i >= 0) {
            const struct world_pod *p = w->pods[i];
            ok = memcmp(&p->uid, &ls->uid, sizeof(ls->uid)) == 0;
            if (ok && ls->container == WORLD_C_MAIN) {
                ok = world_pod_running(p) && p->started == ls->pod_started;
            } else if (ok && ls->container == WORLD_C_INIT) {
                ok = p->state == POD_INIT;
            }
        }
    }
    world_unlock(w);
    return ok;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Fills ls->buf with the next lines, waiting for them when following. Returns 0 or an
 * MHD end code. */
static ssize_t log_fill(struct log_stream *ls)
{
    jbuf_reset(&ls->buf);
    ls->off = 0;
    while (ls->buf.len == 0) {
        if (ls->done) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (ls->next <= ls->last) {
            while (ls->next <= ls->last && ls->buf.len < LOG_CHUNK) {
                render_line(ls, ls->next++, &ls->buf);
            }
            continue;
        }
        if (!ls->live) {
            ls->done = true;
            continue;
        }
        int64_t mono = sim_mono_ms();
        if (mono >= ls->next_check_ms) {
            ls->next_check_ms = mono + LOG_CHECK_MS;
            if (router_peer_closed(ls->fd)) {
                return MHD_CONTENT_READER_END_WITH_ERROR;
            }
            if (!still_running(ls)) {
                ls->done = true;
                continue;
            }
        }
        int64_t now = sim_now_ns();
        while (ls->buf.len < LOG_CHUNK && line_time(ls, ls->next) <= now) {
            render_line(ls, ls->next++, &ls->buf);
        }
        if (ls->buf.len) {
            break;
        }
        int64_t wait_ms = (line_time(ls, ls->next) - now) / 1000000 + 1;
        int64_t until_check = ls->next_check_ms - mono;
        if (wait_ms > until_check) {
            wait_ms = until_check > 0 ? until_check : 1;
        }
        sleep_ms(wait_ms);
    }
    return 0;
}

static ssize_t log_reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct log_stream *ls = cls;
    (void)pos;
    if (ls->limit && ls->sent >= ls->limit) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (ls->off >= ls->buf.len) {
        ssize_t rc = log_fill(ls);
        if (rc != 0) {
            return rc;
        }
    }
    size_t n = ls->buf.len - ls->off;
    if (n > max) {
        n = max;
    }
    if (ls->limit && ls->sent + n > ls->limit) {
        n = (size_t)(ls->limit - ls->sent);
    }
    memcpy(out, ls->buf.data + ls->off, n);
    ls->off += n;
    ls->sent += n;
    return (ssize_t)n;
}

static void log_stream_free(void *cls)
{
    struct log_stream *ls = cls;
    jbuf_fini(&ls->buf);
    free(ls);
}

/* ---- the request ------------------------------------------------------------------- */

static int container_of(const struct world_app *a, const char *name)
{
    if (strcmp(name, a->container) == 0) {
        return WORLD_C_MAIN;
    }
    if (a->has_sidecar && strcmp(name, "log-shipper") == 0) {
        return WORLD_C_SIDECAR;
    }
    if (a->has_init && strcmp(name, "db-migrate") == 0) {
        return WORLD_C_INIT;
    }
    return -1;
}

static long long arg_number(struct MHD_Connection *conn, const char *key, long long dflt, bool *bad)
{
    const char *v = router_arg(conn, key);
    if (!v || !*v) {
        return dflt;
    }
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*end) {
        *bad = true;
    }
    return n;
}

enum MHD_Result k8s_logs_serve(struct k8s_server *api, struct MHD_Connection *conn,
                               struct k8s_req *r)
{
    struct world *w = api->w;
    char err[512];
    bool bad = false;
    long long tail = arg_number(conn, "tailLines", -1, &bad);
    long long since_s = arg_number(conn, "sinceSeconds", 0, &bad);
    long long limit = arg_number(conn, "limitBytes", 0, &bad);
    const char *since_time = router_arg(conn, "sinceTime");
    int64_t since_ns = INT64_MIN;
    if (bad) {
        return k8s_queue_bad_request(conn, "tailLines, sinceSeconds and limitBytes must be "
                                           "integers");
    }
    if (router_arg(conn, "sinceSeconds") != NULL) {
        if (since_s < 1) {
            return k8s_queue_status(
                conn, 422, "Invalid",
                "PodLogOptions \"\" is invalid: sinceSeconds: Invalid value: 0: must be greater "
                "than 0",
                json_pack("{s:s}", "kind", "PodLogOptions"));
        }
        since_ns = sim_now_ns() - since_s * 1000000000LL;
    }
    if (since_time && *since_time) {
        int64_t t;
        if (sim_parse_time(since_time, &t) < 0) {
            snprintf(err, sizeof(err), "parsing time \"%s\" as RFC 3339: cannot parse", since_time);
            return k8s_queue_bad_request(conn, err);
        }
        since_ns = t * 1000000000LL;
    }
    if (limit < 0) {
        return k8s_queue_status(
            conn, 422, "Invalid",
            "PodLogOptions \"\" is invalid: limitBytes: Invalid value: must be greater than 0",
            json_pack("{s:s}", "kind", "PodLogOptions"));
    }
    struct log_stream *ls = sim_xcalloc(1, sizeof(*ls));
    ls->api = api;
    jbuf_init(&ls->buf);
    bool previous = router_arg_true(conn, "previous");
    const char *want = router_arg(conn, "container");
    world_lock(w);
    const struct world_pod *p = r->ns_missing ? NULL : k8s_find_object(w, r);
    if (!p) {
        world_unlock(w);
        log_stream_free(ls);
        return k8s_queue_not_found(conn, WORLD_KIND_POD, r->name);
    }
    const struct world_app *a = &w->apps[p->app];
    char cname[64];
    int container;
    if (!want || !*want) {
        if (a->has_sidecar) {
            snprintf(err, sizeof(err),
                     "a container name must be specified for pod %s, choose one of: [%s "
                     "log-shipper]%s",
                     p->name, a->container,
                     a->has_init ? " or one of the init containers: [db-migrate]" : "");
            world_unlock(w);
            log_stream_free(ls);
            return k8s_queue_bad_request(conn, err);
        }
        container = WORLD_C_MAIN;
        snprintf(cname, sizeof(cname), "%s", a->container);
    } else {
        container = container_of(a, want);
        if (container < 0) {
            snprintf(err, sizeof(err), "container %s is not valid for pod %s", want, p->name);
            world_unlock(w);
            log_stream_free(ls);
            return k8s_queue_bad_request(conn, err);
        }
        snprintf(cname, sizeof(cname), "%s", want);
    }
    if (p->node < 0) {
        /* Not scheduled: the apiserver has no kubelet to ask and answers nothing. */
        world_unlock(w);
        log_stream_free(ls);
        return k8s_queue_buffer(conn, 200, "text/plain", sim_xstrdup(""), 0);
    }
    if (pick_run(w, p, container, previous, ls, err, sizeof(err), cname) < 0) {
        world_unlock(w);
        log_stream_free(ls);
        return k8s_queue_bad_request(conn, err);
    }
    ls->ns = world_pod_ns(w, p);
    snprintf(ls->pod, sizeof(ls->pod), "%s", p->name);
    snprintf(ls->app, sizeof(ls->app), "%s", a->name);
    ls->uid = p->uid;
    ls->container = container;
    world_unlock(w);

    ls->period_ns = 1e9 / api->log_rate;
    ls->timestamps = router_arg_true(conn, "timestamps");
    ls->limit = (uint64_t)limit;
    ls->fd = router_connection_fd(conn);
    int64_t now = sim_now_ns();
    int64_t until = ls->end_ns ? ls->end_ns : now;
    ls->last_regular = line_at(ls, until);
    ls->n_end = ls->end_ns ? ending_lines(ls->ending) : 0;
    ls->last = ls->last_regular + ls->n_end;
    int64_t first = 0;
    if (since_ns != INT64_MIN) {
        first = line_at(ls, since_ns - 1) + 1;
        if (ls->n_end && ls->end_ns < since_ns) {
            ls->last = ls->last_regular; /* the ending is older too */
        }
    }
    int64_t keep = tail >= 0 ? (tail > LOG_TAIL_MAX ? LOG_TAIL_MAX : tail) : LOG_KEEP;
    if (ls->last - keep + 1 > first) {
        first = ls->last - keep + 1;
    }
    ls->next = first;
    ls->live = router_arg_true(conn, "follow") && ls->end_ns == 0;
    if (ls->live && ls->last < ls->last_regular) {
        ls->last = ls->last_regular;
    }
    ls->next_check_ms = sim_mono_ms() + LOG_CHECK_MS;
    if (!ls->live) {
        /* The whole answer at once, with a Content-Length. */
        struct jbuf all;
        jbuf_init(&all);
        while (ls->next <= ls->last && (!ls->limit || all.len < ls->limit)) {
            render_line(ls, ls->next++, &all);
        }
        if (ls->limit && all.len > ls->limit) {
            all.len = (size_t)ls->limit;
        }
        log_stream_free(ls);
        size_t len;
        char *data = jbuf_steal(&all, &len);
        return k8s_queue_buffer(conn, 200, "text/plain", data, len);
    }
    return k8s_queue_stream(conn, "text/plain", MHD_SIZE_UNKNOWN, LOG_CHUNK, log_reader, ls,
                            log_stream_free);
}
