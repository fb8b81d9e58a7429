/* The world's data in MapR: per tenant a home volume mounted at /tenants/NAME; dmi's 4 GB
 * forecast dump every 4 hours into t.dmi.forecast (with a mirror) and its observation stream
 * /tenants/dmi/observations written every second; registry's 1 GB a day into
 * t.registry.orgs, past its advisory quota (an alarm). Times follow the real clock, so the
 * newest data moves as it would: the forecast volume changes 10 minutes after each 4-hour
 * boundary (UTC), the registry's at 02:00 UTC, the stream's topics every second.
 *
 * dmi and registry also hold MapR-DB tables (an index rewritten with each forecast dump, one
 * rebuilt nightly, and registry's legacy table no longer fed: see `tables`).
 *
 * Commands: volume list (columns=), volume info (name= or path=), volume snapshot list
 * (columns=), stream info, stream topic list, stream topic info (path=, topic=), alarm list,
 * table metadata list, table info (path=); HttpFS GETFILESTATUS of a volume's mount path, a stream's or a table's path.
 * Controls: POST /_sim/mapr/late?dataset=NAME&seconds=S pins a volume's (or stream's or table's)
 * newest data S seconds before the call (0 lets it go again); POST
 * /_sim/mapr/fail?mode=error|html|off makes every /rest/ command but node list answer an ERROR
 * envelope, or a login page (mode=httpfs: HttpFS answers 403 instead), until turned off; POST
 * /_sim/mapr/scale?volumes=N adds N generated volumes (t.TENANT.vNNNNN, the tenants in turn) for
 * benchmarks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fields.h"
#include "sim/mapr/mapr.h"
#include "sim/sim_util.h"

#define MB 1LL
#define GB (1024 * MB)
#define HOUR_MS (3600 * 1000LL)
#define DAY_MS (24 * HOUR_MS)
#define STREAM_TOPICS 2

enum cadence { CAD_NONE, CAD_4H, CAD_1D };

/* One volume as govsim derives it. */
struct vol {
    char name[96];
    char mount[96];
    int64_t quota, advisory, used; /* MB */
    int64_t newest_ms;             /* modification time of the mount path */
    int64_t snap_newest_ms;
    int snapshots;
    bool mirror;
    int64_t mirror_ms;
};

static const struct {
    const char *name;
    int partitions;
} topics[STREAM_TOPICS] = {{"synop", 3}, {"lightning", 1}};

#define STREAM_PATH "/tenants/dmi/observations"

/* What the controls set; under `ctl_lock`. */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char dataset[96];
    int64_t pinned_ms;
} pins[8];
static char fail_mode[8];    /* "", "error", "html", "httpfs" */
static size_t extra_volumes; /* /_sim/mapr/scale: generated volumes beside the named ones */

static int64_t now_ms(void)
{
    return sim_now_ns() / 1000000;
}

/* The time a dataset's newest data is pinned at, or -1. */
static int64_t pinned(const char *dataset)
{
    int64_t t = -1;
    pthread_mutex_lock(&ctl_lock);
    for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
        if (pins[i].dataset[0] && strcmp(pins[i].dataset, dataset) == 0) {
            t = pins[i].pinned_ms;
        }
    }
    pthread_mutex_unlock(&ctl_lock);
    return t;
}

/* The last write of a dataset written `off` after each multiple of `every`. */
static int64_t last_write(int64_t now, int64_t every, int64_t off)
{
    int64_t t = (now - off) / every * every + off;
    return t;
}

/* How many volumes /_sim/mapr/scale adds. */
static size_t scale_volumes(void)
{
    pthread_mutex_lock(&ctl_lock);
    size_t extra = extra_volumes;
    pthread_mutex_unlock(&ctl_lock);
    return extra;
}

/* Generated volume number g (/_sim/mapr/scale), tenant t's. Lock held. */
static void generated_vol(const struct world *w, const struct world_ns *t, size_t g, int64_t now,
                          struct vol *v)
{
    memset(v, 0, sizeof(*v));
    uint64_t h = sim_hash64(&g, sizeof(g), w->cfg.seed);
    snprintf(v->name, sizeof(v->name), "t.%s.v%05zu", t->tenant, g);
    snprintf(v->mount, sizeof(v->mount), "/tenants/%s/v%05zu", t->tenant, g);
    v->quota = 10 * GB;
    v->advisory = 8 * GB;
    v->used = (int64_t)(h % (10 * GB));
    v->snapshots = 7;
    v->newest_ms = now - (int64_t)(h % 86400) * 1000;
    v->snap_newest_ms = last_write(now, DAY_MS, 0);
}

/* Named volume number i of the world (the tenants' own, before the generated ones); false
 * past the last, with *named their number. Lock held. */
static bool named_at(const struct world *w, size_t i, int64_t now, struct vol *v, size_t *named)
{
    size_t pos = 0, k = 0;
    const struct world_ns *t;
    memset(v, 0, sizeof(*v));
    while ((t = world_tenant_next(w, &pos))) {
        uint64_t h = sim_hash64(t->tenant, strlen(t->tenant), w->cfg.seed);
        bool dmi = strcmp(t->tenant, "dmi") == 0, reg = strcmp(t->tenant, "registry") == 0;
        size_t n = dmi ? 3 : reg ? 2 : 1;
        if (i >= k + n) {
            k += n;
            continue;
        }
        size_t j = i - k;
        v->snapshots = 7;
        if (j == 0) {
            snprintf(v->name, sizeof(v->name), "t.%s.home", t->tenant);
            snprintf(v->mount, sizeof(v->mount), "/tenants/%s", t->tenant);
            v->quota = 100 * GB;
            v->advisory = 80 * GB;
            v->used = (int64_t)(h % 40000) + 2 * GB;
            v->newest_ms = now - (int64_t)(h % 7200) * 1000;
            v->snap_newest_ms = last_write(now, DAY_MS, 0);
        } else if (dmi && j == 1) {
            snprintf(v->name, sizeof(v->name), "t.dmi.forecast");
            snprintf(v->mount, sizeof(v->mount), "/tenants/dmi/forecast");
            v->quota = 16 * GB;
            v->advisory = 14 * GB;
            v->used = 3 * 4 * GB + (int64_t)(h % 500); /* the last three dumps are kept */
            v->newest_ms = last_write(now, 4 * HOUR_MS, 10 * 60 * 1000);
            v->snap_newest_ms = v->newest_ms;
            v->snapshots = 6;
        } else if (dmi && j == 2) {
            snprintf(v->name, sizeof(v->name), "t.dmi.forecast.mirror");
            v->quota = 16 * GB;
            v->used = 3 * 4 * GB;
            v->mirror = true;
            v->mirror_ms = last_write(now, 4 * HOUR_MS, 25 * 60 * 1000);
            v->newest_ms = v->mirror_ms;
            v->snap_newest_ms = -1;
            v->snapshots = 0;
        } else {
            snprintf(v->name, sizeof(v->name), "t.registry.orgs");
            snprintf(v->mount, sizeof(v->mount), "/tenants/registry/orgs");
            v->quota = 32 * GB;
            v->advisory = 28 * GB;
            v->used = 30 * GB + (int64_t)(h % 300); /* 30 days of 1 GB, past the advisory */
            v->newest_ms = last_write(now, DAY_MS, 2 * HOUR_MS);
            v->snap_newest_ms = v->newest_ms;
        }
        int64_t pin = pinned(v->name);
        if (pin >= 0) {
            v->newest_ms = pin;
            v->snap_newest_ms = v->snap_newest_ms >= 0 ? pin : -1;
        }
        return true;
    }
    *named = k;
    return false;
}

/* The volume named `name`, else the one mounted at `path` (either may be NULL); false if
 * none. Lock held. A generated volume is found from its name ("t.TENANT.vNNNNN") or path
 * ("/tenants/TENANT/vNNNNN"), not searched for among the 10,000 of /_sim/mapr/scale. */
static bool volume_find(const struct world *w, int64_t now, const char *name, const char *path,
                        struct vol *v)
{
    size_t named = 0, g = 0, pos = 0, nt = 0;
    int end = -1;
    char tenant[64];
    const struct world_ns *t, *owner = NULL;
    for (size_t i = 0; named_at(w, i, now, v, &named); i++) {
        if ((name && strcmp(v->name, name) == 0) ||
            (path && v->mount[0] && strcmp(v->mount, path) == 0)) {
            return true;
        }
    }
    bool by_name = name && sscanf(name, "t.%63[^.].v%zu%n", tenant, &g, &end) == 2 &&
                   name[end] == '\0';
    if (!by_name && !(path && sscanf(path, "/tenants/%63[^/]/v%zu%n", tenant, &g, &end) == 2 &&
                      path[end] == '\0')) {
        return false;
    }
    while ((t = world_tenant_next(w, &pos))) {
        nt++;
    }
    if (nt == 0 || g >= scale_volumes()) {
        return false;
    }
    pos = 0;
    for (size_t k = 0; (t = world_tenant_next(w, &pos)) && k <= g % nt; k++) {
        owner = t; /* volume g is the (g mod tenants)th tenant's, as copy_volumes() deals them */
    }
    if (!owner || strcmp(owner->tenant, tenant) != 0) {
        return false;
    }
    generated_vol(w, owner, g, now, v);
    /* "v5" is no volume: the names are written "v00005" */
    return by_name ? strcmp(v->name, name) == 0 : strcmp(v->mount, path) == 0;
}

/* An item's members are defined once (sim/fields.h): volume info builds jansson objects, the
 * lists write MapR text with columns= applied (text_sink). */

/* Whether `key` is one of the comma-separated `columns`. */
static bool wanted(const char *columns, const char *key)
{
    size_t n = strlen(key);
    for (const char *c = columns; *c;) {
        const char *end = strchr(c, ',');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len == n && strncmp(c, key, n) == 0) {
            return true;
        }
        c += len + (end ? 1 : 0);
    }
    return false;
}

/* The sink that writes an item's members as MapR text (mapr_text_member): every member
 * without columns= (NULL or ""), else those it names and the keys in `always`. */
struct text_sink {
    struct field_sink sink; /* first: the callback gets this */
    struct jbuf *b;
    const char *columns;
    const char *const *always; /* NULL-terminated */
    bool first;                /* no member of the current item written yet */
    struct {
        const char *key;
        bool keep;
    } seen[32]; /* the keys decided so far, by address (the field lists pass literals) */
    size_t n_seen;
};

static bool text_keeps(struct text_sink *t, const char *key)
{
    if (!t->columns || !*t->columns) {
        return true;
    }
    for (size_t i = 0; i < t->n_seen; i++) {
        if (t->seen[i].key == key) {
            return t->seen[i].keep;
        }
    }
    bool keep = wanted(t->columns, key);
    for (const char *const *a = t->always; !keep && *a; a++) {
        keep = strcmp(*a, key) == 0;
    }
    if (t->n_seen < sizeof(t->seen) / sizeof(t->seen[0])) {
        t->seen[t->n_seen].key = key;
        t->seen[t->n_seen].keep = keep;
        t->n_seen++;
    }
    return keep;
}

static void text_put(struct field_sink *sink, const struct field *f)
{
    struct text_sink *t = (struct text_sink *)sink;
    if (!text_keeps(t, f->key)) {
        return;
    }
    mapr_text_member(t->b, t->first, f->key);
    t->first = false;
    field_text_value(t->b, f); /* the MapR items have no objects or arrays but INTS */
}

static void text_sink_init(struct text_sink *t, struct jbuf *b, const char *columns,
                           const char *const *always)
{
    memset(t, 0, sizeof(*t));
    t->sink.put = text_put;
    t->b = b;
    t->columns = columns;
    t->always = always;
}

/* Starts item i (from 0) of the text's data array. */
static void text_item(struct text_sink *t, size_t i)
{
    mapr_text_item(t->b, i);
    t->first = true;
}

/* A volume's members, in MapR's order: the one definition behind volume info and volume list. */
static void volume_fields(struct field_sink *k, const struct vol *v)
{
    static const int64_t replication[] = {0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0};
    put_str(k, "volumename", v->name);
    put_str(k, "mountdir", v->mount);
    put_int(k, "mounted", v->mount[0] ? 1 : 0);
    put_qint(k, "quota", v->quota);
    put_qint(k, "advisoryquota", v->advisory);
    put_qint(k, "used", v->used);
    put_qint(k, "snapshotused", v->used / 20);
    put_qint(k, "totalused", v->used + v->used / 20);
    put_qint(k, "logicalUsed", v->used * 2);
    put_str(k, "numreplicas", "3");
    put_str(k, "minreplicas", "2");
    put_ints(k, "actualreplication", replication, sizeof(replication) / sizeof(replication[0]));
    put_qint(k, "snapshotcount", v->snapshots);
    put_int(k, "volumetype", v->mirror ? 1 : 0);
    put_int(k, "mirrortype", v->mirror ? 1 : 3);
    if (v->mirror) {
        put_int(k, "mirror-percent-complete", 100);
        put_int(k, "lastSuccessfulMirrorTime", v->mirror_ms);
    }
    put_str(k, "rackpath", "/data");
    put_str(k, "aename", "mapr");
    put_str(k, "creator", "mapr");
    put_int(k, "volumeid", (int64_t)(sim_hash64(v->name, strlen(v->name), 7) >> 36));
}

static json_t *volume_json(const struct vol *v)
{
    struct field_json j;
    json_t *obj = field_json_init(&j);
    volume_fields(&j.sink, v);
    return obj;
}

/* How many snapshots volume v lists, and the creation time of its s-th, the newest first. */
static int snapshot_count(const struct vol *v)
{
    return v->snap_newest_ms >= 0 ? v->snapshots : 0;
}

static int64_t snapshot_time(const struct vol *v, int s)
{
    int64_t every = strcmp(v->name, "t.dmi.forecast") == 0 ? 4 * HOUR_MS : DAY_MS;
    return v->snap_newest_ms - s * every;
}

/* Snapshot s of volume v's members. */
static void snapshot_fields(struct field_sink *k, const struct vol *v, int s)
{
    int64_t t = snapshot_time(v, s);
    char name[140];
    snprintf(name, sizeof(name), "%s.snap-%d", v->name, s);
    put_str(k, "volumename", v->name);
    put_int(k, "creationtime", t);
    put_str(k, "snapshotname", name);
    put_int(k, "expirytime", t + 7 * DAY_MS);
}

/* A topic's partition p: its newest offset and message time. */
static void partition_at(int topic, int p, int64_t now, int64_t *offset, int64_t *ts)
{
    int64_t pin = pinned(STREAM_PATH);
    int64_t t = pin >= 0 ? pin : now / 1000 * 1000; /* one message a second */
    *ts = t;
    *offset = t / 1000 - 1700000000 + 1000 * topic + 17 * p;
}

static void fmt_topic_time(int64_t ms, char *out, size_t size)
{
    char clock[32], half[4];
    sim_format_utc(ms / 1000, "%Y-%m-%dT%I:%M:%S", clock, sizeof(clock));
    sim_format_utc(ms / 1000, "%p", half, sizeof(half));
    snprintf(out, size, "%s.%03d+0000 %s", clock, (int)(ms % 1000), half);
}

/* The world's volumes, copied under its lock so that they are put into JSON outside it and the
 * server answers other requests meanwhile, as a real one does. The generated ones are made
 * from a table of the tenants made once, not by a walk over the tenants for each volume.
 * Caller frees. */
static struct vol *copy_volumes(struct world *w, int64_t now, size_t *count)
{
    struct vol *vols = NULL;
    size_t n = 0, cap = 0, named = 0;
    world_lock(w);
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            vols = sim_xrealloc(vols, cap * sizeof(*vols));
        }
        if (!named_at(w, n, now, &vols[n], &named)) {
            break;
        }
        n++;
    }
    size_t pos = 0, nt = 0;
    const struct world_ns *t, **tenants = NULL;
    while ((t = world_tenant_next(w, &pos))) {
        tenants = sim_xrealloc(tenants, (nt + 1) * sizeof(*tenants));
        tenants[nt++] = t;
    }
    size_t extra = nt ? scale_volumes() : 0;
    vols = sim_xrealloc(vols, (n + extra + 1) * sizeof(*vols));
    for (size_t g = 0; g < extra; g++) {
        generated_vol(w, tenants[g % nt], g, now, &vols[n++]);
    }
    world_unlock(w);
    free(tenants);
    *count = n;
    return vols;
}

/* GET /rest/volume/list[?columns=C,C]: with columns, only those fields (long names; volumename
 * always), as MapR answers. Written as text: the list runs to 10,000 volumes and more. */
static enum MHD_Result volume_list(const struct router_request *req, int64_t now)
{
    static const char *const always[] = {"volumename", NULL};
    size_t n;
    struct vol *vols = copy_volumes(req->world, now, &n);
    struct jbuf b;
    jbuf_init(&b);
    struct text_sink t;
    text_sink_init(&t, &b, router_arg(req->conn, "columns"), always);
    mapr_text_open(&b, n);
    for (size_t i = 0; i < n; i++) {
        text_item(&t, i);
        volume_fields(&t.sink, &vols[i]);
        mapr_text_item_end(&b);
    }
    free(vols);
    return mapr_text_queue(req, &b);
}

static enum MHD_Result volume_info(const struct router_request *req, int64_t now)
{
    const char *name = router_arg(req->conn, "name");
    const char *path = router_arg(req->conn, "path");
    json_t *data = json_array();
    struct vol v, at;
    world_lock(req->world);
    bool named = name && volume_find(req->world, now, name, NULL, &v);
    bool mounted = path && volume_find(req->world, now, NULL, path, &at);
    world_unlock(req->world);
    if (named) {
        json_array_append_new(data, volume_json(&v));
    }
    if (mounted && !(named && strcmp(v.name, at.name) == 0)) {
        json_array_append_new(data, volume_json(&at));
    }
    if (json_array_size(data) == 0) {
        char desc[200];
        snprintf(desc, sizeof(desc), "Volume %.150s does not exist",
                 name   ? name
                 : path ? path
                        : "");
        json_decref(data);
        return mapr_error(req, 200, MAPR_ENOENT, desc);
    }
    return mapr_ok(req, data);
}

/* GET /rest/volume/snapshot/list[?columns=C,C]: with columns, volumename, creationtime and
 * those it names. Written as text, as the volume list. */
static enum MHD_Result snapshot_list(const struct router_request *req, int64_t now)
{
    static const char *const always[] = {"volumename", "creationtime", NULL};
    size_t n;
    struct vol *vols = copy_volumes(req->world, now, &n);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += (size_t)snapshot_count(&vols[i]);
    }
    struct jbuf b;
    jbuf_init(&b);
    struct text_sink t;
    text_sink_init(&t, &b, router_arg(req->conn, "columns"), always);
    mapr_text_open(&b, total);
    size_t item = 0;
    for (size_t i = 0; i < n; i++) {
        for (int s = 0; s < snapshot_count(&vols[i]); s++) {
            text_item(&t, item++);
            snapshot_fields(&t.sink, &vols[i], s);
            mapr_text_item_end(&b);
        }
    }
    free(vols);
    return mapr_text_queue(req, &b);
}

static bool stream_exists(const struct router_request *req, const char **path)
{
    *path = router_arg(req->conn, "path");
    return *path && strcmp(*path, STREAM_PATH) == 0;
}

static enum MHD_Result no_stream(const struct router_request *req, const char *path)
{
    char desc[200];
    snprintf(desc, sizeof(desc), "Stream %.150s does not exist", path ? path : "");
    return mapr_error(req, 200, MAPR_ENOENT, desc);
}

static enum MHD_Result stream_info(const struct router_request *req)
{
    const char *path;
    if (!stream_exists(req, &path)) {
        return no_stream(req, path);
    }
    json_t *o =
        json_pack("{s:s,s:I,s:I,s:i,s:i,s:i,s:s,s:b}", "path", path, "physicalsize",
                  (json_int_t)3 * 1024 * 1024 * 1024, "logicalsize",
                  (json_int_t)5 * 1024 * 1024 * 1024, "numtopics", STREAM_TOPICS,
                  "defaultpartitions", 1, "ttl", 604800, "compression", "lz4", "autocreate", 1);
    return mapr_ok(req, json_pack("[o]", o));
}

static enum MHD_Result topic_list(const struct router_request *req, int64_t now)
{
    const char *path;
    if (!stream_exists(req, &path)) {
        return no_stream(req, path);
    }
    json_t *data = json_array();
    bool stopped = pinned(STREAM_PATH) >= 0; /* the consumers have caught up */
    for (int t = 0; t < STREAM_TOPICS; t++) {
        int64_t lag = stopped ? 0 : (now / 1000) % 7 + 3 * t;
        json_array_append_new(data, json_pack("{s:s,s:i,s:i,s:I,s:I,s:I}", "topic", topics[t].name,
                                              "partitions", topics[t].partitions, "consumers", 2,
                                              "physicalsize", (json_int_t)(1 + t) * 700000000,
                                              "logicalsize", (json_int_t)(1 + t) * 1400000000,
                                              "maxlag", (json_int_t)lag));
    }
    return mapr_ok(req, data);
}

static enum MHD_Result topic_info(const struct router_request *req, int64_t now)
{
    const char *path, *topic = router_arg(req->conn, "topic");
    if (!stream_exists(req, &path)) {
        return no_stream(req, path);
    }
    int t = 0;
    while (t < STREAM_TOPICS && (!topic || strcmp(topics[t].name, topic) != 0)) {
        t++;
    }
    if (t == STREAM_TOPICS) {
        char desc[200];
        snprintf(desc, sizeof(desc), "Topic %.80s does not exist in stream %.80s",
                 topic ? topic : "", path);
        return mapr_error(req, 200, MAPR_ENOENT, desc);
    }
    json_t *data = json_array();
    for (int p = 0; p < topics[t].partitions; p++) {
        int64_t off, ts;
        char when[64];
        partition_at(t, p, now, &off, &ts);
        fmt_topic_time(ts, when, sizeof(when));
        json_array_append_new(
            data, json_pack("{s:i,s:I,s:I,s:I,s:I,s:s,s:s,s:s}", "partitionid", p, "physicalsize",
                            (json_int_t)700000000 / topics[t].partitions, "logicalsize",
                            (json_int_t)1400000000 / topics[t].partitions, "maxoffset",
                            (json_int_t)off, "minoffsetacrossconsumers", (json_int_t)(off - 3),
                            "mintimestamp", "2026-11-30T12:00:00.000+0000 AM", "maxtimestamp", when,
                            "mintimestampacrossconsumers", when));
    }
    return mapr_ok(req, data);
}

/* The tenants' MapR-DB tables: dmi's forecast index, rewritten with each dump; registry's
 * organisation index, rebuilt each night at 03:00 UTC, and its legacy name table, no longer
 * fed since the migration nine days ago (an overdue table for a daily cadence). */
struct table {
    const char *tenant;
    const char *path;
    int64_t every, off;        /* written `off` after each multiple of `every`; every 0: last
                                  written `off` before today's midnight (UTC), and never since */
    int64_t physical, logical; /* MB */
    int regions;
    int64_t rows;
};

static const struct table tables[] = {
    {"dmi", "/tenants/dmi/forecast_index", 4 * HOUR_MS, 12 * 60 * 1000, 96, 310, 4, 2400000},
    {"registry", "/tenants/registry/orgs_index", DAY_MS, 3 * HOUR_MS, 2100, 5800, 12, 890000},
    {"registry", "/tenants/registry/legacy_names", 0, 9 * DAY_MS, 640, 1500, 3, 1200000},
};

#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

/* Table i of the world, when its tenant is one; its last write (pinned by /_sim/mapr/late
 * too) in *mtime. Lock held. */
static bool table_at(const struct world *w, size_t i, int64_t now, int64_t *mtime)
{
    size_t pos = 0;
    const struct world_ns *t;
    bool found = false;
    while (!found && (t = world_tenant_next(w, &pos))) {
        found = strcmp(t->tenant, tables[i].tenant) == 0;
    }
    int64_t pin = pinned(tables[i].path);
    *mtime = pin >= 0               ? pin
             : tables[i].every == 0 ? last_write(now, DAY_MS, 0) - tables[i].off
                                    : last_write(now, tables[i].every, tables[i].off);
    return found;
}

/* GET /rest/table/metadata/list: every table with its size, regions and owner. */
static enum MHD_Result table_list(const struct router_request *req, int64_t now)
{
    json_t *data = json_array();
    int64_t mtime;
    world_lock(req->world);
    for (size_t i = 0; i < N_TABLES; i++) {
        if (table_at(req->world, i, now, &mtime)) {
            json_array_append_new(data,
                                  json_pack("{s:s,s:i,s:I,s:I,s:s}", "path", tables[i].path,
                                            "numregions", tables[i].regions, "totallogicalsize",
                                            (json_int_t)tables[i].logical, "totalphysicalsize",
                                            (json_int_t)tables[i].physical, "owner", "mapr"));
        }
    }
    world_unlock(req->world);
    return mapr_ok(req, data);
}

/* GET /rest/table/info?path=: one table's fields. */
static enum MHD_Result table_info(const struct router_request *req, int64_t now)
{
    const char *path = router_arg(req->conn, "path");
    int64_t mtime;
    bool found = false;
    size_t i = 0;
    world_lock(req->world);
    for (; !found && i < N_TABLES; i++) {
        found = path && strcmp(tables[i].path, path) == 0 && table_at(req->world, i, now, &mtime);
    }
    world_unlock(req->world);
    if (!found) {
        char desc[200];
        snprintf(desc, sizeof(desc), "Lookup of table %.150s failed: No such file or directory",
                 path ? path : "");
        return mapr_error(req, 200, MAPR_ENOENT, desc);
    }
    const struct table *tb = &tables[i - 1];
    return mapr_ok(req,
                   json_pack("[{s:s,s:i,s:I,s:I,s:I,s:b,s:b,s:b,s:i,s:s}]", "path", tb->path,
                             "numregions", tb->regions, "totallogicalsize", (json_int_t)tb->logical,
                             "totalphysicalsize", (json_int_t)tb->physical, "totalrows",
                             (json_int_t)tb->rows, "autosplit", 1, "bulkload", 0, "json", 1,
                             "regionsizemb", 4096, "tabletype", "json"));
}

/* A table's last write, when `path` is a table's. Lock held. */
static bool table_mtime(const struct world *w, const char *path, int64_t now, int64_t *mtime)
{
    for (size_t i = 0; i < N_TABLES; i++) {
        if (strcmp(tables[i].path, path) == 0) {
            return table_at(w, i, now, mtime);
        }
    }
    return false;
}

static enum MHD_Result alarm_list(const struct router_request *req, int64_t now)
{
    json_t *data = json_array();
    size_t n;
    struct vol *vols = copy_volumes(req->world, now, &n);
    for (size_t i = 0; i < n; i++) {
        const struct vol v = vols[i];
        char desc[200];
        if (v.quota && v.used > v.quota) {
            snprintf(desc, sizeof(desc),
                     "Volume usage exceeded quota. Used: %lld MB Quota : %lld MB",
                     (long long)v.used, (long long)v.quota);
            json_array_append_new(data, json_pack("{s:s,s:s,s:i,s:I,s:s}", "entity", v.name,
                                                  "alarm name", "VOLUME_ALARM_QUOTA_EXCEEDED",
                                                  "alarm state", 1, "alarm statechange time",
                                                  (json_int_t)v.newest_ms, "description", desc));
        } else if (v.advisory && v.used > v.advisory) {
            snprintf(desc, sizeof(desc),
                     "Volume usage exceeded advisory quota. Used: %lld MB Advisory Quota : %lld MB",
                     (long long)v.used, (long long)v.advisory);
            json_array_append_new(data,
                                  json_pack("{s:s,s:s,s:i,s:I,s:s}", "entity", v.name, "alarm name",
                                            "VOLUME_ALARM_ADVISORY_QUOTA_EXCEEDED", "alarm state",
                                            1, "alarm statechange time", (json_int_t)v.newest_ms,
                                            "description", desc));
        }
    }
    free(vols);
    return mapr_ok(req, data);
}

enum MHD_Result mapr_datasets_serve(const struct router_request *req, const char *command,
                                    bool *served)
{
    int64_t now = now_ms();
    *served = true;
    if (strcmp(command, "volume/list") == 0) {
        return volume_list(req, now);
    }
    if (strcmp(command, "volume/info") == 0) {
        return volume_info(req, now);
    }
    if (strcmp(command, "volume/snapshot/list") == 0) {
        return snapshot_list(req, now);
    }
    if (strcmp(command, "stream/info") == 0) {
        return stream_info(req);
    }
    if (strcmp(command, "stream/topic/list") == 0) {
        return topic_list(req, now);
    }
    if (strcmp(command, "stream/topic/info") == 0) {
        return topic_info(req, now);
    }
    if (strcmp(command, "alarm/list") == 0) {
        return alarm_list(req, now);
    }
    if (strcmp(command, "table/metadata/list") == 0) {
        return table_list(req, now);
    }
    if (strcmp(command, "table/info") == 0) {
        return table_info(req, now);
    }
    *served = false;
    return MHD_YES;
}

static json_t *file_status(int64_t mtime, bool dir)
{
    return json_pack("{s:{s:I,s:I,s:s,s:I,s:I,s:s,s:s,s:s,s:i,s:s}}", "FileStatus", "accessTime",
                     (json_int_t)mtime, "blockSize", (json_int_t)268435456, "group", "mapr",
                     "length", (json_int_t)0, "modificationTime", (json_int_t)mtime, "owner",
                     "mapr", "pathSuffix", "", "permission", "755", "replication", 3, "type",
                     dir ? "DIRECTORY" : "FILE");
}

enum MHD_Result mapr_httpfs_serve(const struct router_request *req)
{
    const char *path = req->url + strlen("/webhdfs/v1");
    const char *op = router_arg(req->conn, "op");
    int64_t now = now_ms();
    pthread_mutex_lock(&ctl_lock);
    bool denied = strcmp(fail_mode, "httpfs") == 0;
    pthread_mutex_unlock(&ctl_lock);
    if (denied) {
        return router_queue_json(
            req->conn, 403,
            json_pack("{s:{s:s,s:s,s:s}}", "RemoteException", "exception", "AccessControlException",
                      "javaClassName", "org.apache.hadoop.security.AccessControlException",
                      "message", "Permission denied: user=govconsole, access=READ_EXECUTE"),
            NULL);
    }
    if (!op || strcasecmp(op, "GETFILESTATUS") != 0) {
        return router_queue_json(req->conn, 400,
                                 json_pack("{s:{s:s,s:s,s:s}}", "RemoteException", "exception",
                                           "IllegalArgumentException", "javaClassName",
                                           "java.lang.IllegalArgumentException", "message",
                                           "Invalid value for webhdfs parameter \"op\""),
                                 NULL);
    }
    if (strcmp(path, STREAM_PATH) == 0) {
        int64_t off, ts;
        partition_at(0, 0, now, &off, &ts);
        return router_queue_json(req->conn, 200, file_status(ts, false), NULL);
    }
    struct vol v;
    int64_t table_ms;
    bool found = false;
    world_lock(req->world);
    bool table = table_mtime(req->world, path, now, &table_ms);
    if (!table) {
        found = volume_find(req->world, now, NULL, path, &v);
    }
    world_unlock(req->world);
    if (table) {
        return router_queue_json(req->conn, 200, file_status(table_ms, false), NULL);
    }
    if (!found) {
        char msg[200];
        snprintf(msg, sizeof(msg), "File does not exist: %.150s", path);
        return router_queue_json(req->conn, 404,
                                 json_pack("{s:{s:s,s:s,s:s}}", "RemoteException", "exception",
                                           "FileNotFoundException", "javaClassName",
                                           "java.io.FileNotFoundException", "message", msg),
                                 NULL);
    }
    return router_queue_json(req->conn, 200, file_status(v.newest_ms, true), NULL);
}

bool mapr_failing(const struct router_request *req, enum MHD_Result *result)
{
    char mode[8];
    pthread_mutex_lock(&ctl_lock);
    memcpy(mode, fail_mode, sizeof(mode));
    pthread_mutex_unlock(&ctl_lock);
    if (strcmp(req->url, "/rest/node/list") == 0 || mode[0] == '\0' ||
        strcmp(mode, "httpfs") == 0) {
        return false;
    }
    if (strcmp(mode, "html") == 0) {
        *result = router_queue_text(req->conn, 200, "text/html",
                                    "<html><head><title>Sign in</title></head>"
                                    "<body>Please sign in</body></html>\n",
                                    NULL);
    } else {
        *result = mapr_error(req, 200, 10003, "CLDB is not reachable: retry later");
    }
    return true;
}

static enum MHD_Result control_late(const struct router_request *req)
{
    const char *ds = router_arg(req->conn, "dataset");
    const char *sec = router_arg(req->conn, "seconds");
    long long s = sec ? strtoll(sec, NULL, 10) : -1;
    if (!ds || !*ds || strlen(ds) >= sizeof(pins[0].dataset) || s < 0) {
        return router_queue_json(
            req->conn, 400, json_pack("{s:s}", "error", "need dataset=NAME and seconds=S >= 0"),
            NULL);
    }
    int64_t at = now_ms() - s * 1000;
    bool done = false;
    pthread_mutex_lock(&ctl_lock);
    for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
        if (strcmp(pins[i].dataset, ds) == 0) {
            pins[i].dataset[0] = '\0';
        }
    }
    for (size_t i = 0; s > 0 && !done && i < sizeof(pins) / sizeof(pins[0]); i++) {
        if (!pins[i].dataset[0]) {
            snprintf(pins[i].dataset, sizeof(pins[i].dataset), "%s", ds);
            pins[i].pinned_ms = at;
            done = true;
        }
    }
    pthread_mutex_unlock(&ctl_lock);
    return router_queue_json(
        req->conn, 200,
        json_pack("{s:s,s:I}", "dataset", ds, "newest", (json_int_t)(s > 0 ? at : -1)), NULL);
}

static enum MHD_Result control_fail(const struct router_request *req)
{
    const char *mode = router_arg(req->conn, "mode");
    if (!mode || (strcmp(mode, "error") != 0 && strcmp(mode, "html") != 0 &&
                  strcmp(mode, "httpfs") != 0 && strcmp(mode, "off") != 0)) {
        return router_queue_json(req->conn, 400,
                                 json_pack("{s:s}", "error", "mode is error, html, httpfs or off"),
                                 NULL);
    }
    pthread_mutex_lock(&ctl_lock);
    snprintf(fail_mode, sizeof(fail_mode), "%s", strcmp(mode, "off") == 0 ? "" : mode);
    pthread_mutex_unlock(&ctl_lock);
    return router_queue_json(req->conn, 200, json_pack("{s:s}", "mode", mode), NULL);
}

static enum MHD_Result control_scale(const struct router_request *req)
{
    const char *n = router_arg(req->conn, "volumes");
    long long v = n ? strtoll(n, NULL, 10) : -1;
    if (v < 0 || v > 1000000) {
        return router_queue_json(req->conn, 400,
                                 json_pack("{s:s}", "error", "volumes is 0 to 1000000"), NULL);
    }
    pthread_mutex_lock(&ctl_lock);
    extra_volumes = (size_t)v;
    pthread_mutex_unlock(&ctl_lock);
    return router_queue_json(req->conn, 200, json_pack("{s:I}", "volumes", (json_int_t)v), NULL);
}

enum MHD_Result mapr_control(void *state, const struct router_request *req)
{
    (void)state;
    bool post = strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0;
    if (strcmp(req->url, "/_sim/mapr/late") == 0 && post) {
        return control_late(req);
    }
    if (strcmp(req->url, "/_sim/mapr/fail") == 0 && post) {
        return control_fail(req);
    }
    if (strcmp(req->url, "/_sim/mapr/scale") == 0 && post) {
        return control_scale(req);
    }
    return router_queue_json(req->conn, 404,
                             json_pack("{s:s}", "error", "POST /_sim/mapr/late or /_sim/mapr/fail"),
                             NULL);
}
