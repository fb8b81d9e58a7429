/* Conformance run over the real payloads in ../shared/fixtures/k8s/ (read in place):
 * every PodList and NamespaceList item parses into a usable row, every other .json file loads
 * (or is reported as not JSON), every .ndjson line is JSON and its pod parses, and pod parsing
 * never crashes on any object in any file. Without ../shared/fixtures the run says so and
 * passes. */
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

#include "core/k8s_model.h"
#include "core/xalloc.h"

struct tally {
    int files;
    int pods;
    int namespaces;
    int other_objects;
    int ndjson_lines;
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

/* Runs the pod parser over an object that may be anything: it must return a row or an error
 * message, never crash. Returns true when it gave a row. */
static bool try_pod(const json_t *obj)
{
    char *err = NULL;
    struct k8s_pod *p = k8s_pod_parse(obj, &err);

    if (p == NULL) {
        assert_non_null(err);
        free(err);
        return false;
    }
    assert_null(err);
    k8s_pod_free(&p->row);
    return true;
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
    k8s_pod_free(&p->row);
    t->pods++;
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
    printf("# fixtures: %d files checked (%d pods, %d namespaces, %d other list items, "
           "%d watch events)\n",
           t.files, t.pods, t.namespaces, t.other_objects, t.ndjson_lines);
    /* the fixture set has pods and namespaces; a run that found none checked nothing */
    assert_true(t.files > 0);
    assert_true(t.pods > 0);
    assert_true(t.namespaces > 0);
    free(base);
    free(k8s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
