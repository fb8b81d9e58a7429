/* The metrics decoder's fast path against jansson and k8s_row_parse(): on every item it
 * accepts (the shared fixtures' PodMetrics and NodeMetrics, govsim's form, whitespace and
 * field-order variants) both give the same row; items in another form (escapes, numbers for
 * strings, odd nesting) it refuses, so that they take the jansson path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/k8s/k8s_metrics.h"
#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"

static void expect_same(const struct k8s_metrics *a, const struct k8s_metrics *b)
{
    assert_string_equal(a->row.uid, b->row.uid);
    assert_string_equal(a->name, b->name);
    if (a->ns == NULL || b->ns == NULL) {
        assert_null(a->ns);
        assert_null(b->ns);
    } else {
        assert_string_equal(a->ns, b->ns);
    }
    assert_int_equal(a->cpu_m, b->cpu_m);
    assert_int_equal(a->mem_b, b->mem_b);
    assert_int_equal(a->timestamp, b->timestamp);
    assert_int_equal(a->window_s, b->window_s);
}

/* Both paths on `text`; returns true when the fast path took it (and then agreed). */
static bool both(const char *text, bool pod)
{
    const char *p = text;
    struct k8s_metrics *fast = k8s_metrics_scan_text(&p, text + strlen(text), pod);
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    struct store_row *slow;

    assert_non_null(j);
    slow = k8s_row_parse(pod ? STORE_POD_METRICS : STORE_NODE_METRICS, j, NULL);
    json_decref(j);
    if (fast == NULL) {
        if (slow != NULL) {
            k8s_metrics_free(slow);
        }
        return false;
    }
    assert_non_null(slow);
    expect_same(fast, (const struct k8s_metrics *)slow);
    assert_int_equal(strspn(p, " \t\r\n"), strlen(p)); /* moved past the whole item */
    k8s_metrics_free(&fast->row);
    k8s_metrics_free(slow);
    return true;
}

#define POD_ITEM(META, CONTAINERS)                                                           \
    "{\"metadata\":" META ",\"timestamp\":\"2026-11-27T03:00:00Z\",\"window\":\"15.02s\","   \
    "\"containers\":" CONTAINERS "}"

static void test_plain_items_agree(void **state)
{
    (void)state;
    /* govsim's form, kubectl top's rounding: 108750259n -> 109m, Ki to bytes */
    assert_true(both(POD_ITEM("{\"name\":\"a\",\"namespace\":\"dmi\",\"creationTimestamp\":"
                              "\"2026-11-27T03:00:01Z\"}",
                              "[{\"name\":\"app\",\"usage\":{\"cpu\":\"108750259n\","
                              "\"memory\":\"153354Ki\"}},{\"name\":\"log-shipper\","
                              "\"usage\":{\"cpu\":\"2m\",\"memory\":\"12Mi\"}}]"),
                     true));
    /* whitespace, another field order, unknown fields with nesting */
    assert_true(both(" { \"window\" : \"30s\" , \"kind\":\"PodMetrics\", \"metadata\" : "
                     "{ \"namespace\" : \"skat\" , \"name\" : \"b\", \"labels\": {\"x\": "
                     "\"y\"} } , \"timestamp\":\"2026-11-27T03:00:00Z\", \"containers\" : [ "
                     "{ \"usage\" : { \"memory\" : \"1Gi\" , \"cpu\" : \"1\" } , \"name\" : "
                     "\"app\" } ] } ",
                     true));
    /* a node */
    assert_true(both("{\"metadata\":{\"name\":\"node-01\"},\"timestamp\":"
                     "\"2026-11-27T03:00:00Z\",\"window\":\"20s\",\"usage\":{\"cpu\":"
                     "\"1504718332n\",\"memory\":\"8123456Ki\"}}",
                     false));
    /* no containers yet: usage unknown, -1 on both paths */
    assert_true(both(POD_ITEM("{\"name\":\"c\",\"namespace\":\"dmi\"}", "[]"), true));
    /* many containers (there is no limit on the fast path) */
    {
        char many[4096] = "[", item[4500];

        for (int i = 0; i < 40; i++) {
            size_t o = strlen(many);

            snprintf(many + o, sizeof many - o, "%s{\"name\":\"c%d\",\"usage\":{\"cpu\":\"%dm\","
                     "\"memory\":\"%dKi\"}}", i ? "," : "", i, i + 1, 1000 + i);
        }
        strcat(many, "]");
        snprintf(item, sizeof item, POD_ITEM("{\"name\":\"m\",\"namespace\":\"dmi\"}", "%s"),
                 many);
        assert_true(both(item, true));
    }
    /* an empty timestamp and window are absent on both paths */
    assert_true(both("{\"metadata\":{\"name\":\"d\",\"namespace\":\"dmi\"},\"timestamp\":\"\","
                     "\"window\":\"\",\"containers\":[]}",
                     true));
}

static void test_other_forms_are_refused(void **state)
{
    (void)state;
    /* an escape in a kept string, a number where a string belongs, a bad quantity */
    assert_false(both(POD_ITEM("{\"name\":\"a\\u0041\",\"namespace\":\"dmi\"}",
                               "[{\"name\":\"app\",\"usage\":{\"cpu\":\"1m\",\"memory\":"
                               "\"1Mi\"}}]"),
                      true));
    assert_false(both(POD_ITEM("{\"name\":\"a\",\"namespace\":\"dmi\"}",
                               "[{\"name\":\"app\",\"usage\":{\"cpu\":5,\"memory\":\"1Mi\"}}]"),
                      true));
    /* an empty name or namespace: no row on either path (jansson's reads "" as absent) */
    assert_false(both(POD_ITEM("{\"name\":\"\",\"namespace\":\"dmi\"}", "[]"), true));
    assert_false(both(POD_ITEM("{\"name\":\"a\",\"namespace\":\"\"}", "[]"), true));
    assert_false(both("{\"metadata\":{\"name\":\"\"},\"usage\":{}}", false));
}

/* Every PodMetrics and NodeMetrics in ../shared/fixtures/k8s, item by item. */
static void test_fixtures_agree(void **state)
{
    static const char *const files[] = {"podmetrics_kube-scheduler-minikube.json",
                                        "nodemetrics_minikube.json"};
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures", root != NULL && root[0] != '\0' ? root : ".");
    int taken = 0;
    struct stat st;

    (void)state;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("# shared fixtures not found at %s; fixture items not checked\n", dir);
        free(dir);
        return;
    }
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *path = xasprintf("%s/k8s/%s", dir, files[f]);
        json_error_t jerr;
        json_t *doc = json_load_file(path, 0, &jerr), *items, *item;
        bool pod = strstr(files[f], "pod") == files[f];
        size_t i;

        if (doc == NULL) {
            fail_msg("%s: %s", path, jerr.text);
        }
        items = json_object_get(doc, "items");
        if (!json_is_array(items)) {
            items = json_pack("[O]", doc);
        } else {
            json_incref(items);
        }
        json_array_foreach(items, i, item) {
            char *text = json_dumps(item, JSON_COMPACT);

            taken += both(text, pod);
            free(text);
        }
        json_decref(items);
        json_decref(doc);
        free(path);
    }
    free(dir);
    assert_true(taken >= 2); /* the fixtures are in the plain form: the fast path took them */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_items_agree),
        cmocka_unit_test(test_other_forms_are_refused),
        cmocka_unit_test(test_fixtures_agree),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
