/* Conformance run over the real payloads in ../shared/fixtures/k8s/ (read in place):
 * every PodList and NamespaceList item parses into a usable row (a pod's last_reason agrees
 * with its containers' lastState), every ResourceQuotaList and NodeList item and every
 * PodMetrics and NodeMetrics object (alone or in a list) too, every other .json file loads (or is reported
 * as not JSON), every .ndjson line is JSON and its pod parses, and no parser crashes on any
 * object in any file. Without ../shared/fixtures the run says so and passes. The same run
 * goes over tests/data/k8s (written here). ../shared/fixtures/nagios goes through the Nagios
 * parsers: every file through the host and service status readers and the host map, each
 * giving rows or one line of error, never a crash; the details lists give rows. ServiceNow's
 * (../shared/fixtures/servicenow): every list decodes into incidents (records without number
 * left out, counted), every single record reads as a detail naming its number, every error
 * envelope as its message. MapR's and KrakenD's fixtures go through their readers the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/jsonflat.h"
#include "core/k8s/k8s_model.h"
#include "core/nagios/archive.h" /* sla (issue 13) */
#include "core/nagios/nagios_objects.h"
#include "core/nagios/nagios_status.h"
#include "core/poller.h"
#include "core/krakend/krakend_config.h"
#include "core/krakend/prom.h"
#include "core/mapr/mapr_model.h"
#include "core/servicenow/sn_model.h"
#include "core/xalloc.h"
#include "tests/unit/file_fixture.h"

struct tally {
    int files;
    int pods;
    int namespaces;
    int other_objects;
    int ndjson_lines;
    int quotas;
    int metrics;
    int nodes;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_kind(const json_t *obj, const char *kind)
{
    const char *k = json_string_value(json_object_get(obj, "kind"));

    return k != NULL && strcmp(k, kind) == 0;
}

/* Runs the other parsers over an object that may be anything: a row, or NULL and a message;
 * never a crash. */
static void try_others(const json_t *obj)
{
    static const enum store_kind kinds[] = {STORE_REPLICASET, STORE_QUOTA, STORE_POD_METRICS,
                                            STORE_NODE_METRICS, STORE_NODE};

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char *err = NULL;
        struct store_row *row = k8s_row_parse(kinds[k], obj, &err);

        if (row == NULL) {
            assert_non_null(err);
            free(err);
        } else {
            assert_null(err);
            assert_non_null(row->uid);
            k8s_row_free_fn(kinds[k])(row);
        }
    }
}

/* Runs the pod parser over an object that may be anything: it must return a row or an error
 * message, never crash. Returns true when it gave a row. */
static bool try_pod(const json_t *obj)
{
    char *err = NULL;
    struct k8s_pod *p = k8s_pod_parse(obj, &err);

    try_others(obj);
    if (p == NULL) {
        assert_non_null(err);
        free(err);
        return false;
    }
    assert_null(err);
    k8s_pod_free(&p->row);
    return true;
}

static bool has_control(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return true;
        }
    }
    return false;
}

/* Is `reason` the lastState.terminated.reason of one of the pod's containers, and is it NULL
 * only when none has one? */
static void check_last_reason(const char *path, size_t i, const json_t *item,
                              const struct k8s_pod *p)
{
    static const char *const keys[] = {"initContainerStatuses", "containerStatuses"};
    const json_t *status = json_object_get(item, "status");
    bool any = false, match = false;

    for (size_t k = 0; k < 2; k++) {
        size_t j;
        const json_t *cs;

        json_array_foreach (json_object_get(status, keys[k]), j, cs) {
            const char *r = json_string_value(json_object_get(
                json_object_get(json_object_get(cs, "lastState"), "terminated"), "reason"));

            if (r != NULL && r[0] != '\0') {
                any = true;
                match |= p->last_reason != NULL && strcmp(r, p->last_reason) == 0;
            }
        }
    }
    if (any != (p->last_reason != NULL) || (any && !match)) {
        print_error("%s: items[%zu] (%s): last_reason %s\n", path, i, p->name,
                    p->last_reason != NULL ? p->last_reason : "(none)");
    }
    assert_int_equal(any, p->last_reason != NULL);
    assert_true(!any || match);
    assert_true(p->last_reason == NULL || !has_control(p->last_reason));
}

static void check_pod_item(const char *path, size_t i, const json_t *item, struct tally *t)
{
    char *err = NULL;
    struct k8s_pod *p = k8s_pod_parse(item, &err);

    if (p == NULL) {
        print_error("%s: items[%zu]: %s\n", path, i, err);
    }
    assert_non_null(p);
    assert_non_null(p->row.uid);
    assert_non_null(p->name);
    assert_true(p->name[0] != '\0');
    assert_non_null(p->status);
    if (p->status[0] == '\0') {
        print_error("%s: items[%zu] (%s): empty status\n", path, i, p->name);
    }
    assert_true(p->status[0] != '\0');
    assert_true(p->ready <= p->total);
    assert_true(p->restarts >= 0);
    assert_true(p->created > 0);
    check_last_reason(path, i, item, p);
    k8s_pod_free(&p->row);
    t->pods++;
}

static void check_quota_item(const char *path, size_t i, const json_t *item, struct tally *t)
{
    char *err = NULL;
    struct k8s_quota *q = k8s_quota_parse(item, &err);

    if (q == NULL) {
        print_error("%s: items[%zu]: %s\n", path, i, err);
    }
    assert_non_null(q);
    assert_non_null(q->name);
    assert_true(q->cpu_hard >= -1 && q->cpu_used >= -1);
    assert_true(q->mem_hard >= -1 && q->mem_used >= -1);
    k8s_quota_free(&q->row);
    t->quotas++;
}

/* A PodMetrics or NodeMetrics object: its row, keyed as views look it up. */
static void check_metrics(const char *path, const json_t *obj, bool pod, struct tally *t)
{
    char *err = NULL;
    struct k8s_metrics *m = pod ? k8s_pod_metrics_parse(obj, &err)
                                : k8s_node_metrics_parse(obj, &err);
    char key[K8S_METRICS_KEY_MAX];

    if (m == NULL) {
        print_error("%s: %s\n", path, err);
    }
    assert_non_null(m);
    assert_string_equal(m->row.uid, pod ? k8s_pod_metrics_key(m->ns, m->name, key, sizeof key)
                                        : m->name);
    assert_true(m->cpu_m >= 0);
    assert_true(m->mem_b >= 0);
    assert_true(m->timestamp > 0);
    k8s_metrics_free(&m->row);
    t->metrics++;
}

/* A Node: its kubectl STATUS, and allocatable amounts that are numbers or unknown. */
static void check_node_item(const char *path, size_t i, const json_t *item, struct tally *t)
{
    char *err = NULL;
    struct k8s_node *n = k8s_node_parse(item, &err);

    if (n == NULL) {
        print_error("%s: items[%zu]: %s\n", path, i, err);
    }
    assert_non_null(n);
    assert_non_null(n->name);
    assert_true(strncmp(n->status, "Ready", 5) == 0 || strncmp(n->status, "NotReady", 8) == 0 ||
                strncmp(n->status, "Unknown", 7) == 0);
    assert_true(n->cpu_alloc >= -1 && n->mem_alloc >= -1 && n->pods_alloc >= -1);
    assert_false(n->roles != NULL && has_control(n->roles));
    assert_false(n->taints != NULL && has_control(n->taints));
    k8s_node_free(&n->row);
    t->nodes++;
}

static void check_namespace_item(const char *path, size_t i, const json_t *item, struct tally *t)
{
    char *err = NULL;
    struct k8s_namespace *n = k8s_namespace_parse(item, &err);

    if (n == NULL) {
        print_error("%s: items[%zu]: %s\n", path, i, err);
    }
    assert_non_null(n);
    assert_non_null(n->name);
    assert_true(n->name[0] != '\0');
    assert_non_null(n->row.uid);
    k8s_namespace_free(&n->row);
    t->namespaces++;
}

static void check_json_file(const char *path, struct tally *t)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_DECODE_ANY, &jerr);
    json_t *items, *item;
    size_t i;

    if (root == NULL) {
        printf("# not JSON: %s:%d: %s\n", path, jerr.line, jerr.text);
        return;
    }
    items = json_object_get(root, "items");
    if (is_kind(root, "PodList")) {
        assert_true(json_is_array(items));
        json_array_foreach (items, i, item) {
            check_pod_item(path, i, item, t);
        }
    } else if (is_kind(root, "NamespaceList")) {
        assert_true(json_is_array(items));
        json_array_foreach (items, i, item) {
            check_namespace_item(path, i, item, t);
        }
    } else if (is_kind(root, "NodeList")) {
        assert_true(json_is_array(items));
        json_array_foreach (items, i, item) {
            check_node_item(path, i, item, t);
        }
    } else if (is_kind(root, "ResourceQuotaList")) {
        assert_true(json_is_array(items));
        json_array_foreach (items, i, item) {
            check_quota_item(path, i, item, t);
        }
    } else if (is_kind(root, "PodMetrics") || is_kind(root, "NodeMetrics")) {
        check_metrics(path, root, is_kind(root, "PodMetrics"), t);
    } else if (is_kind(root, "PodMetricsList") || is_kind(root, "NodeMetricsList")) {
        json_array_foreach (items, i, item) {
            check_metrics(path, item, is_kind(root, "PodMetricsList"), t);
        }
    } else {
        /* not pods: the parser still has to cope with whatever it is handed */
        json_array_foreach (items, i, item) {
            try_pod(item);
            t->other_objects++;
        }
    }
    try_pod(root);
    json_decref(root);
}

static void check_ndjson_file(const char *path, struct tally *t)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;

    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *ev;
        const json_t *obj;

        lineno++;
        if (line[strspn(line, " \t\r\n")] == '\0') {
            continue;
        }
        ev = json_loads(line, JSON_DECODE_ANY, &jerr);
        if (ev == NULL) {
            print_error("%s:%d: %s\n", path, lineno, jerr.text);
        }
        assert_non_null(ev);
        obj = json_object_get(ev, "object");
        if (is_kind(obj, "Pod")) {
            if (!try_pod(obj)) {
                print_error("%s:%d: pod did not parse\n", path, lineno);
            }
            assert_true(try_pod(obj));
        } else {
            try_pod(obj);
        }
        json_decref(ev);
        t->ndjson_lines++;
    }
    free(line);
    fclose(f);
}

/* Visits every regular file below dir in name order. */
static void walk(const char *dir, struct tally *t)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);

    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char *path = xasprintf("%s/%s", dir, name);
        struct stat st;

        if (name[0] == '.' || stat(path, &st) != 0) {
            /* dot entries and dangling links */
        } else if (S_ISDIR(st.st_mode)) {
            walk(path, t);
        } else if (ends_with(name, ".json")) {
            check_json_file(path, t);
            t->files++;
        } else if (ends_with(name, ".ndjson")) {
            check_ndjson_file(path, t);
            t->files++;
        } else {
            printf("# skipped (not JSON by name): %s\n", path);
        }
        free(path);
        free(names[i]);
    }
    free(names);
}

/* One Nagios file through every Nagios parser: rows or an error, never both, never neither
 * for the status readers. Returns the status rows read. */
static size_t nagios_file(const char *path)
{
    size_t len = 0, rows = 0;
    char *body = file_fixture_read(path, &len);

    assert_non_null(body);
    for (int hosts = 0; hosts < 2; hosts++) {
        struct poller_decode d = {0}, whole = {0};

        nagios_status_decode(body, len, hosts, &d);
        assert_true((d.error != NULL) != (d.nrows > 0));
        /* the decoder prunes the text first: it reads what the whole text says */
        nagios_status_read(body, len, hosts, &whole);
        assert_int_equal(whole.nrows, d.nrows);
        assert_true((whole.error == NULL) == (d.error == NULL));
        if (d.error != NULL) {
            assert_string_equal(whole.error, d.error);
        }
        for (size_t i = 0; i < d.nrows; i++) {
            const struct nagios_row *r = (const struct nagios_row *)d.rows[i];
            const struct nagios_row *w = (const struct nagios_row *)whole.rows[i];

            assert_non_null(r->host);
            assert_non_null(r->output);
            assert_true(hosts ? r->service == NULL : r->service != NULL);
            assert_string_equal(r->row.uid, w->row.uid);
            assert_string_equal(r->output, w->output);
            assert_true(r->state == w->state && r->hard == w->hard && r->attempt == w->attempt &&
                        r->max_attempts == w->max_attempts &&
                        r->last_state_change == w->last_state_change &&
                        r->last_check == w->last_check && r->acked == w->acked &&
                        r->downtime_depth == w->downtime_depth && r->flapping == w->flapping);
            nagios_row_free(d.rows[i]);
            nagios_row_free(whole.rows[i]);
        }
        rows += d.nrows;
        free(d.rows);
        free(d.error);
        free(whole.rows);
        free(whole.error);
    }
    {
        struct nagios_hostmap *m = nagios_hostmap_new();
        char *err = NULL;

        if (nagios_hostmap_read_groups(m, body, len, NULL, &err) != 0) {
            assert_non_null(err);
            free(err);
            err = NULL;
        }
        if (nagios_hostmap_read_hosts(m, body, len, NULL, &err) != 0) {
            assert_non_null(err);
            free(err);
        }
        nagios_hostmap_resolve(m, NULL, NULL);
        for (size_t i = 0; i < nagios_hostmap_count(m); i++) {
            assert_non_null(nagios_hostmap_host(m, i)->app);
        }
        nagios_hostmap_free(m);
    }
    free(body);
    return rows;
}

static void test_nagios_conformance(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures/nagios",
                          root != NULL && root[0] != '\0' ? root : ".");
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort), files = 0;
    size_t rows = 0;

    (void)state;
    if (n < 0) {
        printf("# shared fixtures not found at %s; Nagios conformance run skipped\n", dir);
        free(dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (ends_with(names[i]->d_name, ".json")) {
            char *path = xasprintf("%s/%s", dir, names[i]->d_name);

            rows += nagios_file(path);
            files++;
            free(path);
        }
        free(names[i]);
    }
    free(names);
    printf("# nagios fixtures: %d files, %zu host and service rows\n", files, rows);
    assert_true(files > 0);
    assert_true(rows >= 13); /* the 8 services and 5 hosts of the details lists at least */
    free(dir);
}

/* ---- nagios archivejson (sla, issue 13) ---------------------------------------------- */

/* The archive readers over one file: availability answers add up to their span for every
 * object; state change lists keep every entry, in order, inside their span; any other file
 * gives a result or a message, never a crash. Returns 1 when the file was an archive answer. */
static int check_archive_file(const char *path, const char *name)
{
    size_t len = 0;
    char *body = file_fixture_read(path, &len);

    assert_non_null(body);
    struct nagios_avail_list av;
    struct nagios_statechanges sc;
    char *err = NULL;
    int rc_av = nagios_archive_read_availability(body, len, &av, &err);
    int checked = 0;

    if (strncmp(name, "archivejson_availability", 24) == 0) {
        assert_int_equal(rc_av, 0);
        assert_true(av.n > 0);
        assert_true(av.end > av.start);
        for (size_t i = 0; i < av.n; i++) {
            assert_int_equal(sla_times_total(&av.items[i].times), av.end - av.start);
            assert_false(has_control(av.items[i].host));
        }
        assert_false(nagios_avail_list_empty_history(&av));
        checked = 1;
    } else {
        assert_true(rc_av == -1 && err != NULL);
    }
    free(err);
    err = NULL;
    nagios_avail_list_fini(&av);

    int rc_sc = nagios_archive_read_statechanges(body, len, &sc, &err);

    if (strncmp(name, "archivejson_statechangelist", 27) == 0) {
        json_t *root = json_loads(body, 0, NULL);
        size_t want = json_array_size(json_object_get(json_object_get(root, "data"),
                                                      "statechangelist"));

        assert_int_equal(rc_sc, 0);
        assert_int_equal(sc.n, want);
        assert_true(sc.n > 0);
        for (size_t i = 0; i < sc.n; i++) {
            assert_true(sc.items[i].t_ms >= sc.start_ms && sc.items[i].t_ms <= sc.end_ms);
            assert_true(i == 0 || sc.items[i].t_ms >= sc.items[i - 1].t_ms);
            assert_non_null(sc.items[i].output);
        }
        /* every list begins with Nagios's initial pseudo-state: no data yet */
        assert_int_equal(sc.items[0].state, SLA_STATE_NODATA);
        json_decref(root);
        checked = 1;
    } else if (rc_sc != 0) {
        assert_non_null(err);
    }
    free(err);
    nagios_statechanges_fini(&sc);
    free(body);
    return checked;
}

/* The numbered and the enumerated statechangelist of the same service read the same. */
static void check_enumerate_agrees(const char *dir)
{
    char *a = xasprintf("%s/archivejson_statechangelist_service.json", dir);
    char *b = xasprintf("%s/archivejson_statechangelist_service_enumerate.json", dir);
    size_t la = 0, lb = 0;
    char *ba = file_fixture_read(a, &la), *bb = file_fixture_read(b, &lb);

    assert_non_null(ba);
    assert_non_null(bb);
    struct nagios_statechanges x, y;
    char *err = NULL;

    assert_int_equal(nagios_archive_read_statechanges(ba, la, &x, &err), 0);
    assert_int_equal(nagios_archive_read_statechanges(bb, lb, &y, &err), 0);
    assert_int_equal(x.n, y.n);
    for (size_t i = 0; i < x.n; i++) {
        assert_int_equal(x.items[i].t_ms, y.items[i].t_ms);
        assert_int_equal(x.items[i].state, y.items[i].state);
        assert_int_equal(x.items[i].hard, y.items[i].hard);
    }
    nagios_statechanges_fini(&x);
    nagios_statechanges_fini(&y);
    free(ba);
    free(bb);
    free(a);
    free(b);
}

static void test_nagios_archive(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures/nagios",
                          root != NULL && root[0] != '\0' ? root : ".");
    struct dirent **names = NULL;
    int n, files = 0, archive = 0;

    (void)state;
    n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        printf("# shared fixtures not found at %s; archive conformance skipped\n", dir);
        free(dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (ends_with(names[i]->d_name, ".json")) {
            char *path = xasprintf("%s/%s", dir, names[i]->d_name);

            archive += check_archive_file(path, names[i]->d_name);
            files++;
            free(path);
        }
        free(names[i]);
    }
    free(names);
    printf("# nagios fixtures: %d files through the archive readers, %d archive answers\n",
           files, archive);
    assert_true(archive >= 6); /* 3 availability and 3 statechangelist answers */
    check_enumerate_agrees(dir);
    free(dir);
}

static void test_conformance(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *base = xasprintf("%s/../shared/fixtures", root != NULL && root[0] != '\0' ? root : ".");
    char *k8s = xasprintf("%s/k8s", base);
    struct tally t = {0};
    struct stat st;

    (void)state;
    if (stat(base, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("# shared fixtures not found at %s; conformance run skipped\n", base);
        free(base);
        free(k8s);
        return;
    }
    assert_int_equal(stat(k8s, &st), 0);
    walk(k8s, &t);
    printf("# fixtures: %d files checked (%d pods, %d namespaces, %d quotas, %d metrics, "
           "%d nodes, %d other list items, %d watch events)\n",
           t.files, t.pods, t.namespaces, t.quotas, t.metrics, t.nodes, t.other_objects,
           t.ndjson_lines);
    /* the fixture set has pods and namespaces; a run that found none checked nothing */
    assert_true(t.files > 0);
    assert_true(t.pods > 0);
    assert_true(t.namespaces > 0);
    assert_true(t.metrics >= 2); /* the PodMetrics and the NodeMetrics */
    free(base);
    free(k8s);
}

/* The same checks over the inputs written here (tests/data/k8s): a NodeList. */
static void test_local_data(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/tests/data/k8s", root != NULL && root[0] != '\0' ? root : ".");
    struct tally t = {0};

    (void)state;
    walk(dir, &t);
    assert_true(t.files >= 1);
    assert_int_equal(t.nodes, 3);
    free(dir);
}

/* KrakenD (issue 15): every krakend.json in ../shared/fixtures/krakend reads, with as many
 * endpoints and backends as the file has and a JWT route for each auth/validator; every
 * other file goes through the Prometheus reader without a crash (the exposition excerpt
 * without a bad line). */
static char *krakend_slurp(const char *path, size_t *len)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    char *buf;

    assert_non_null(f);
    assert_int_equal(fstat(fileno(f), &st), 0);
    buf = xmalloc((size_t)st.st_size + 1);
    *len = fread(buf, 1, (size_t)st.st_size, f);
    assert_int_equal(*len, (size_t)st.st_size);
    fclose(f);
    return buf;
}

static void krakend_check_config(const char *path, const char *text, size_t len)
{
    struct krakend_config c;
    char *err = NULL;
    json_t *root = json_loadb(text, len, 0, NULL), *eps = json_object_get(root, "endpoints"), *e;
    size_t i, jwt = 0, jwt_read = 0;

    if (krakend_config_read(text, len, path, &c, &err) != 0) {
        print_error("%s\n", err);
    }
    assert_null(err);
    assert_int_equal(c.version, 3);
    assert_int_equal(c.nendpoints, json_array_size(eps));
    json_array_foreach(eps, i, e) {
        assert_string_equal(c.endpoints[i].endpoint,
                            json_string_value(json_object_get(e, "endpoint")));
        assert_int_equal(c.endpoints[i].nbackends, json_array_size(json_object_get(e, "backend")));
        assert_non_null(c.endpoints[i].json);
        jwt += json_object_get(json_object_get(e, "extra_config"), "auth/validator") != NULL;
        jwt_read += c.endpoints[i].auth == KRAKEND_AUTH_JWT;
    }
    assert_int_equal(jwt_read, jwt);
    json_decref(root);
    krakend_config_fini(&c);
}

static void test_krakend_conformance(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures/krakend",
                          root != NULL && root[0] != '\0' ? root : ".");
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort), configs = 0, texts = 0;

    (void)state;
    if (n < 0) {
        printf("# shared fixtures not found at %s; KrakenD conformance run skipped\n", dir);
        free(dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]->d_name);
        size_t len;
        char *text;

        if (names[i]->d_name[0] != '.' && strcmp(names[i]->d_name, "SOURCES.md") != 0) {
            struct prom_result res;

            text = krakend_slurp(path, &len);
            if (ends_with(path, ".json")) {
                krakend_check_config(path, text, len);
                configs++;
            } else {
                prom_parse(text, len, NULL, &res);
                if (strstr(path, "prometheus") != NULL) {
                    assert_int_equal(res.skipped, 0);
                    assert_true(res.samples > 0);
                }
                texts++;
            }
            free(text);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    free(dir);
    printf("# krakend fixtures: %d configurations, %d metrics texts\n", configs, texts);
    assert_true(configs > 0);
    assert_true(texts > 0);
}

/* ---- ServiceNow (core/servicenow/sn_model.c) ---- */

struct sn_tally {
    int files, lists, records, incidents, skipped, errors;
};

static void sn_check_file(const char *path, struct sn_tally *t)
{
    json_t *root = json_load_file(path, 0, NULL);
    json_t *result = json_object_get(root, "result");
    char *body = json_dumps(root, JSON_COMPACT), *err = NULL;
    size_t len = body != NULL ? strlen(body) : 0;

    assert_non_null(root);
    t->files++;
    if (json_is_array(result)) {
        struct poller_decode d = {0};
        const struct sn_page_info *info;

        sn_incidents_decode(body, len, 0, &d);
        assert_null(d.error);
        info = d.extra;
        assert_non_null(info);
        assert_int_equal(d.nrows + info->skipped, json_array_size(result));
        for (size_t i = 0; i < d.nrows; i++) {
            const struct sn_incident *in = (const struct sn_incident *)d.rows[i];

            assert_non_null(in->number);
            assert_true(in->updated > 0); /* every fixture record has sys_updated_on */
            sn_incident_free(d.rows[i]);
        }
        t->incidents += (int)d.nrows;
        t->skipped += (int)info->skipped;
        t->lists++;
        free(d.rows);
        free(d.extra);
    } else if (json_is_object(result)) {
        const char *number = json_string_value(json_object_get(result, "number"));
        char *text = sn_detail_text(body, len, NULL, 0, NULL, &err);

        assert_non_null(number);
        assert_non_null(text);
        assert_non_null(strstr(text, number));
        free(text);
        t->records++;
    } else {
        const char *msg =
            json_string_value(json_object_get(json_object_get(root, "error"), "message"));
        char *line = sn_error_text(401, body, len, NULL);

        assert_non_null(msg);
        assert_non_null(strstr(line, msg));
        free(line);
        t->errors++;
    }
    free(err);
    free(body);
    json_decref(root);
}

static void test_servicenow_conformance(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures/servicenow",
                          root != NULL && root[0] != '\0' ? root : ".");
    struct dirent **names = NULL;
    struct sn_tally t = {0};
    int n = scandir(dir, &names, NULL, alphasort);

    (void)state;
    if (n < 0) {
        printf("# ServiceNow fixtures not found at %s; conformance run skipped\n", dir);
        free(dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (ends_with(names[i]->d_name, ".json")) {
            char *path = xasprintf("%s/%s", dir, names[i]->d_name);

            sn_check_file(path, &t);
            free(path);
        }
        free(names[i]);
    }
    free(names);
    printf("# servicenow fixtures: %d files (%d lists: %d incidents, %d records without number; "
           "%d single records; %d error envelopes)\n",
           t.files, t.lists, t.incidents, t.skipped, t.records, t.errors);
    assert_true(t.incidents >= 1);
    assert_true(t.records >= 1);
    assert_true(t.errors >= 1);
    free(dir);
}

/* ---- MapR: every file of ../shared/fixtures/mapr through the parser its name says ---------- */

/* Checks one MapR fixture; returns the rows its parser made. */
static size_t check_mapr_file(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name), *err = NULL, *body;
    size_t len = 0, n = 0;

    body = file_fixture_read(path, &len);
    assert_non_null(body);
    if (strncmp(name, "alarm_list", 10) == 0) {
        struct mapr_alarm **a = mapr_parse_alarms(body, len, &n, &err);

        assert_non_null(a);
        for (size_t i = 0; i < n; i++) {
            assert_non_null(a[i]->entity);
            assert_true(strncmp(a[i]->name, "NODE_ALARM_", 11) == 0 ||
                        strncmp(a[i]->name, "VOLUME_ALARM_", 13) == 0);
            assert_true(a[i]->since_ms > 1400000000000LL);
            mapr_alarm_free(&a[i]->row);
        }
        free(a);
    } else if (strncmp(name, "stream_topic_list", 17) == 0) {
        struct mapr_topic **t = mapr_parse_topics("/films", body, len, &n, &err);

        assert_non_null(t);
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(t[i]->stream, "/films");
            assert_true(t[i]->partitions >= 1);
            assert_true(t[i]->maxlag >= 0);
            mapr_topic_free(&t[i]->row);
        }
        free(t);
    } else if (strncmp(name, "stream_info", 11) == 0) {
        struct mapr_stream *s = mapr_parse_stream_info("/apps/logstash/stream", body, len, &err);

        assert_non_null(s);
        assert_true(s->ntopics >= 0 && s->physical_b > 0 && s->ttl_s > 0);
        mapr_stream_free(&s->row);
        n = 1;
    } else if (strncmp(name, "volume_info_data_item", 21) == 0) {
        /* one element of data[]: the list's envelope around it */
        char *env = xasprintf("{\"status\":\"OK\",\"total\":1,\"data\":[%s]}", body);
        struct mapr_volume **v = mapr_parse_volumes(env, strlen(env), &n, NULL, &err);

        assert_non_null(v);
        assert_int_equal(n, 1);
        assert_non_null(v[0]->name);
        assert_non_null(v[0]->mount);
        assert_true(v[0]->used_mb >= 0 && v[0]->repl_desired >= 1 && v[0]->repl_actual >= 1);
        mapr_volume_free(&v[0]->row);
        free(v);
        free(env);
    } else {
        /* another command's answer (entity info): the envelope reads, with its data */
        void *data = mapr_envelope(body, len, &err);

        assert_non_null(data);
        n = mapr_array_size(data);
        mapr_array_free(data);
    }
    if (err != NULL) {
        printf("# %s: %s\n", path, err);
    }
    assert_null(err);
    free(body);
    free(path);
    return n;
}

static void test_mapr_conformance(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures/mapr", root != NULL && root[0] != '\0' ? root : ".");
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort), files = 0;
    size_t rows = 0;

    (void)state;
    if (n < 0) {
        printf("# shared fixtures not found at %s; MapR conformance run skipped\n", dir);
        free(dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (ends_with(names[i]->d_name, ".json")) {
            rows += check_mapr_file(dir, names[i]->d_name);
            files++;
        }
        free(names[i]);
    }
    free(names);
    printf("# mapr fixtures: %d files, %zu rows\n", files, rows);
    assert_true(files >= 8);
    assert_true(rows >= 8);
    free(dir);
}

/* One text of a fixture through jsonflat_tree(): the tree json_loadb() builds, or refused (a
 * real, say) and left to jansson. 1 when read here, 0 when refused. */
static int tree_check(const char *text, size_t len, const char *what)
{
    json_t *t = jsonflat_tree(text, len);
    json_t *j = json_loadb(text, len, 0, NULL);
    int read = t != NULL;

    if (t != NULL) {
        char *a = json_dumps(t, JSON_PRESERVE_ORDER | JSON_COMPACT);
        char *b = j != NULL ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;

        if (b == NULL || strcmp(a, b) != 0 || !json_equal(t, j)) {
            fail_msg("%s: jsonflat_tree built another tree than json_loadb", what);
        }
        free(a);
        free(b);
    }
    json_decref(t);
    json_decref(j);
    return read;
}

/* Every JSON file (and each line of an .ndjson) under dir, recursively. */
static void tree_walk(const char *dir, int *files, int *read)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);

    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char *path = xasprintf("%s/%s", dir, name);
        struct stat st;
        size_t len;
        char *text;

        if (name[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            tree_walk(path, files, read);
        } else if ((ends_with(name, ".json") || ends_with(name, ".ndjson")) &&
                   (text = file_fixture_read(path, &len)) != NULL) {
            if (ends_with(name, ".json")) {
                *read += tree_check(text, len, path);
            } else {
                for (char *p = text, *nl; p < text + len; p = nl + 1) {
                    nl = memchr(p, '\n', (size_t)(text + len - p));
                    nl = nl != NULL ? nl : text + len;
                    *read += nl > p ? tree_check(p, (size_t)(nl - p), path) : 0;
                }
            }
            (*files)++;
            free(text);
        }
        free(path);
        free(names[i]);
    }
    free(n >= 0 ? names : NULL);
}

/* jsonflat_tree() over every real payload: what it reads, it reads as jansson does. */
static void test_tree_conformance(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *base = xasprintf("%s/../shared/fixtures", root != NULL && root[0] != '\0' ? root : ".");
    int files = 0, read = 0;
    struct stat st;

    (void)state;
    if (stat(base, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("# shared fixtures not found at %s; tree conformance skipped\n", base);
        free(base);
        return;
    }
    tree_walk(base, &files, &read);
    printf("# fixtures: %d JSON files, %d texts read by jsonflat_tree, the rest left to jansson\n",
           files, read);
    assert_true(files > 50);
    assert_true(read > 0);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
        cmocka_unit_test(test_local_data),
        cmocka_unit_test(test_nagios_conformance),
        cmocka_unit_test(test_nagios_archive), /* sla (issue 13) */
        cmocka_unit_test(test_krakend_conformance),
        cmocka_unit_test(test_servicenow_conformance),
        cmocka_unit_test(test_mapr_conformance),
        cmocka_unit_test(test_tree_conformance),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
