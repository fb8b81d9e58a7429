/* Conformance run over the real payloads in ../shared/fixtures/k8s/ (read in place):
 * every PodList and NamespaceList item parses into a usable row (a pod's last_reason agrees
 * with its containers' lastState), every ResourceQuotaList and NodeList item and every
 * PodMetrics and NodeMetrics object (alone or in a list) too, every other .json file loads (or is reported
 * as not JSON), every .ndjson line is JSON and its pod parses, and no parser crashes on any
 * object in any file. Without ../shared/fixtures the run says so and passes. The same run
 * goes over tests/data/k8s (written here). */
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

#include "core/k8s/k8s_model.h"
#include "core/mapr/mapr_model.h"
#include "core/xalloc.h"

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

/* ---- MapR: every file of ../shared/fixtures/mapr through the parser its name says ---------- */

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = xmalloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Checks one MapR fixture; returns the rows its parser made. */
static size_t check_mapr_file(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name), *err = NULL, *body;
    size_t len, n = 0;

    body = read_text(path, &len);
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
        struct mapr_volume **v = mapr_parse_volumes(env, strlen(env), &n, &err);

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
        cmocka_unit_test(test_local_data),
        cmocka_unit_test(test_mapr_conformance),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
