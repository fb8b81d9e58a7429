/* MapR (HPE Data Fabric) REST, the apiserver's /rest/COMMAND[/SUBCOMMAND]: node list here (the
 * data fabric runs on the world's nodes, one MapR node each), the tenants' datasets and HttpFS
 * in datasets.c. Answers have the maprcli
 * envelope {"timestamp","timeofday","status":"OK","total","data":[...]}; failures
 * {"timestamp","timeofday","status":"ERROR","errors":[{"id","desc"}]}. The apiserver is a
 * Jetty: without the --basic-auth pair it answers Jetty's 401 page. */
#include "sim/mapr/mapr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_util.h"

#define MAPR_PREFIX "/rest/"
#define MAPR_REALM "Basic realm=\"MapR\""
#define MAPR_DOMAIN "govcloud.sit.dk"
#define HTTPFS_PREFIX "/webhdfs/v1/"

/* A node list column: its name in the output, and the short name of MapR's node table that
 * columns= takes too (NULL where govsim does not know it; the long name always works). */
struct mapr_column {
    const char *name;
    const char *short_name;
};

static const struct mapr_column columns[] = {
    {"hostname", NULL},
    {"ip", "ip"},
    {"id", NULL},
    {"health", NULL},
    {"healthDesc", NULL},
    {"service", "svc"},
    {"configuredservice", "csvc"},
    {"racktopo", NULL},
    {"cpus", "cpc"},
    {"mtotal", NULL},
    {"mused", NULL},
    {"disks", "dsc"},
    {"dtotal", NULL},
    {"dused", NULL},
    {"davail", "dsa"},
    {"fs-heartbeat", NULL},
};

#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The envelope's timeofday for epoch ms: "2018-07-16 03:04:32.714 GMT+0000 PM". */
static void timeofday(int64_t ms, char *out, size_t size)
{
    char clock[32];
    char half[4];
    sim_format_utc(ms / 1000, "%Y-%m-%d %I:%M:%S", clock, sizeof(clock));
    sim_format_utc(ms / 1000, "%p", half, sizeof(half));
    snprintf(out, size, "%s.%03d GMT+0000 %s", clock, (int)(ms % 1000), half);
}

/* The envelope's timestamp (epoch ms) and timeofday. */
json_t *mapr_envelope(const char *status)
{
    int64_t ms = sim_now_ns() / 1000000;
    char tod[64];
    timeofday(ms, tod, sizeof(tod));
    return json_pack("{s:I,s:s,s:s}", "timestamp", (json_int_t)ms, "timeofday", tod, "status",
                     status);
}

/* The text writers lay the answer out as the MapR REST API does: one member a line, indented by
 * tabs (the envelope's members one, the items two, their members three), "key":value. Short
 * arrays inside an item stay on one line. */
void mapr_text_open(struct jbuf *b, size_t total)
{
    int64_t ms = sim_now_ns() / 1000000;
    char tod[64];
    timeofday(ms, tod, sizeof(tod));
    JB_LIT(b, "{\n\t\"timestamp\":");
    jbuf_put_i64(b, ms);
    JB_LIT(b, ",\n\t\"timeofday\":");
    jbuf_put_str(b, tod);
    JB_LIT(b, ",\n\t\"status\":\"OK\",\n\t\"total\":");
    jbuf_put_u64(b, total);
    JB_LIT(b, ",\n\t\"data\":[");
}

void mapr_text_item(struct jbuf *b, size_t i)
{
    if (i > 0) {
        jbuf_putc(b, ',');
    }
    JB_LIT(b, "\n\t\t{");
}

void mapr_text_member(struct jbuf *b, bool first, const char *key)
{
    if (!first) {
        jbuf_putc(b, ',');
    }
    JB_LIT(b, "\n\t\t\t");
    jbuf_put_str(b, key);
    jbuf_putc(b, ':');
}

void mapr_text_item_end(struct jbuf *b)
{
    JB_LIT(b, "\n\t\t}");
}

enum MHD_Result mapr_text_queue(const struct router_request *req, struct jbuf *b)
{
    JB_LIT(b, "\n\t]\n}\n");
    return router_queue_jbuf(req->conn, 200, b, NULL);
}

enum MHD_Result mapr_json(const struct router_request *req, unsigned status, json_t *doc)
{
    return router_queue_json_as(req->conn, status, "application/json", doc, JSON_INDENT(1), NULL);
}

enum MHD_Result mapr_error(const struct router_request *req, unsigned status, int id,
                                  const char *desc)
{
    json_t *doc = mapr_envelope("ERROR");
    json_object_set_new(doc, "errors", json_pack("[{s:i,s:s}]", "id", id, "desc", desc));
    return mapr_json(req, status, doc);
}

/* Which columns columns= asks for (long or short names; hostname always; all without it). */
static void wanted_columns(struct MHD_Connection *conn, bool want[N_COLUMNS])
{
    const char *arg = router_arg(conn, "columns");
    for (size_t c = 0; c < N_COLUMNS; c++) {
        want[c] = !arg || !*arg || strcmp(arg, "all") == 0 || c == 0;
    }
    if (!arg || !*arg) {
        return;
    }
    char *copy = sim_xstrdup(arg);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        for (size_t c = 0; c < N_COLUMNS; c++) {
            if (strcmp(t, columns[c].name) == 0 ||
                (columns[c].short_name && strcmp(t, columns[c].short_name) == 0)) {
                want[c] = true;
            }
        }
    }
    free(copy);
}

/* One node, its values derived from the world's node and seed. Lock held. */
static json_t *node_row(const struct world *w, const struct world_node *n, const bool want[])
{
    uint64_t h = sim_hash64(n->name, strlen(n->name), w->cfg.seed);
    char host[64];
    snprintf(host, sizeof(host), "%s." MAPR_DOMAIN, n->name);
    char ip[20];
    world_node_ip(n, ip);
    char id[24];
    snprintf(id, sizeof(id), "%llu", (unsigned long long)(h >> 1));
    char rack[96];
    snprintf(rack, sizeof(rack), "/data/rack-%u/%s", 1 + n->index % 3, host);
    /* The first three nodes run the CLDB, ZooKeeper and the apiserver, as a small cluster does. */
    const char *service = n->index < 3 ? "cldb,fileserver,zookeeper,apiserver,hoststats,nfs"
                                       : "fileserver,hoststats,nfs";
    json_int_t mtotal = 64 * 1024;
    json_int_t dtotal = 6 * 1800;
    json_int_t dused = dtotal * (json_int_t)(25 + h % 50) / 100;
    json_t *values[N_COLUMNS] = {
        json_string(host),
        json_string(ip),
        json_string(id),
        json_integer(0),
        json_string("Healthy"),
        json_string(service),
        json_string(service),
        json_string(rack),
        json_integer(16),
        json_integer(mtotal),
        json_integer(mtotal * (json_int_t)(40 + (h >> 8) % 40) / 100),
        json_integer(6),
        json_integer(dtotal),
        json_integer(dused),
        json_integer(dtotal - dused),
        json_integer((json_int_t)((h >> 16) % 3)),
    };
    json_t *row = json_object();
    for (size_t c = 0; c < N_COLUMNS; c++) {
        if (want[c]) {
            json_object_set_new(row, columns[c].name, values[c]);
        } else {
            json_decref(values[c]);
        }
    }
    return row;
}

/* GET /rest/node/list[?columns=...][&start=N][&limit=N] */
static enum MHD_Result node_list(const struct router_request *req)
{
    bool want[N_COLUMNS];
    wanted_columns(req->conn, want);
    const char *s = router_arg(req->conn, "start");
    const char *l = router_arg(req->conn, "limit");
    long long start = s ? strtoll(s, NULL, 10) : 0;
    long long limit = l ? strtoll(l, NULL, 10) : -1;
    struct world *w = req->world;
    json_t *data = json_array();
    world_lock(w);
    size_t total = w->n_nodes;
    for (size_t i = 0; i < w->n_nodes; i++) {
        if ((long long)i < start || (limit >= 0 && (long long)json_array_size(data) >= limit)) {
            continue;
        }
        json_array_append_new(data, node_row(w, &w->nodes[i], want));
    }
    world_unlock(w);
    json_t *doc = mapr_envelope("OK");
    json_object_set_new(doc, "total", json_integer((json_int_t)total));
    json_object_set_new(doc, "data", data);
    return mapr_json(req, 200, doc);
}

enum MHD_Result mapr_ok(const struct router_request *req, json_t *data)
{
    json_t *doc = mapr_envelope("OK");
    json_object_set_new(doc, "total", json_integer((json_int_t)json_array_size(data)));
    json_object_set_new(doc, "data", data);
    return mapr_json(req, 200, doc);
}

static enum MHD_Result mapr_serve(void *state, const struct router_request *req)
{
    (void)state;
    char user[128];
    if (!router_basic_auth(req, user, sizeof(user))) {
        char page[512];
        snprintf(page, sizeof(page),
                 "<html>\n<head>\n"
                 "<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n"
                 "<title>Error 401 Unauthorized</title>\n</head>\n"
                 "<body><h2>HTTP ERROR 401</h2>\n"
                 "<p>Problem accessing %.200s. Reason:\n<pre>    Unauthorized</pre></p>"
                 "<hr><i><small>Powered by Jetty://</small></i><hr/>\n\n</body>\n</html>\n",
                 req->url);
        static const char *const challenge[] = {"WWW-Authenticate", MAPR_REALM, NULL};
        return router_queue_text(req->conn, 401, "text/html;charset=ISO-8859-1", page, challenge);
    }
    if (strncmp(req->url, HTTPFS_PREFIX, strlen(HTTPFS_PREFIX)) == 0) {
        return mapr_httpfs_serve(req);
    }
    enum MHD_Result failed;
    if (mapr_failing(req, &failed)) {
        return failed;
    }
    if (strcmp(req->url, MAPR_PREFIX "node/list") == 0) {
        return node_list(req);
    }
    bool served = false;
    enum MHD_Result res = mapr_datasets_serve(req, req->url + strlen(MAPR_PREFIX), &served);
    if (served) {
        return res;
    }
    char desc[256];
    snprintf(desc, sizeof(desc), "Unknown command: %.200s", req->url + strlen(MAPR_PREFIX));
    return mapr_error(req, 404, MAPR_EINVAL, desc);
}

static const char *const mapr_prefixes[] = {MAPR_PREFIX, HTTPFS_PREFIX, NULL};

const struct sim_api mapr_api = {
    .name = "mapr",
    .prefixes = mapr_prefixes,
    .serve = mapr_serve,
    .control = mapr_control,
};
