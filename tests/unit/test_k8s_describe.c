/* core/k8s_describe: kubectl-describe text for pods and workloads, with their Events, from
 * the shared fixtures (read in place) and inline objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/k8s_describe.h"
#include "core/k8s_model.h"
#include "core/store.h"
#include "core/xalloc.h"

/* 2023-07-11T04:00:00Z: a little after the fixtures' events. */
#define NOW 1689048000

/* ../shared/fixtures/REL from $GC_ROOT (or the current directory), NULL (with a note) when
 * the shared fixtures are absent. Caller frees. */
static json_t *load_fixture(const char *rel)
{
    const char *root = getenv("GC_ROOT");
    char *path = xasprintf("%s/../shared/fixtures/%s",
                           root != NULL && root[0] != '\0' ? root : ".", rel);
    struct stat st;
    json_error_t jerr;
    json_t *j;

    if (stat(path, &st) != 0) {
        printf("# shared fixture %s not found; case skipped\n", path);
        free(path);
        return NULL;
    }
    j = json_load_file(path, 0, &jerr);
    if (j == NULL) {
        print_error("%s:%d: %s\n", path, jerr.line, jerr.text);
    }
    assert_non_null(j);
    free(path);
    return j;
}

/* Puts every event of an EventList fixture into the store; false if the fixture is absent. */
static bool load_events(struct store *s, const char *rel)
{
    json_t *list = load_fixture(rel);
    size_t i;
    json_t *item;

    if (list == NULL) {
        return false;
    }
    json_array_foreach (json_object_get(list, "items"), i, item) {
        char *err = NULL;
        struct k8s_event *e = k8s_event_parse(item, &err);

        assert_non_null(e);
        store_put(store_table(s, STORE_EVENT), &e->row);
    }
    json_decref(list);
    return true;
}

static void expect_line(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        fprintf(stderr, "%s", text);
        print_error("missing \"%s\"\n", needle);
        fail();
    }
}

/* True if some line holds both `a` and `b` (b after a). */
static bool line_has(const char *text, const char *a, const char *b)
{
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *eol = strchr(p, '\n');
        size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);
        char *line = xstrndup(p, n);
        const char *x = strstr(line, a);
        bool hit = x != NULL && strstr(x + strlen(a), b) != NULL;

        free(line);
        if (hit) {
            return true;
        }
        p = eol != NULL ? eol + 1 : NULL;
    }
    return false;
}

static void assert_no_controls(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f) {
            print_error("control byte 0x%02x at offset %zu\n", *p, (size_t)(p - (const unsigned char *)text));
            fail();
        }
    }
}

static void test_crashloop_pod_with_events(void **state)
{
    json_t *list = load_fixture("k8s/podlist_crashloopbackoff.json");
    struct store s;
    const struct k8s_event **events = NULL;
    json_t *pod;
    char *json, *text;
    size_t n;

    (void)state;
    if (list == NULL) {
        return;
    }
    store_init(&s);
    store_set_free(&s, STORE_EVENT, k8s_event_free);
    assert_true(load_events(&s, "k8s/eventlist_backoff_failedmount.json"));
    assert_true(load_events(&s, "k8s/eventlist_imagepull_oom_failedscheduling.json"));
    pod = json_array_get(json_object_get(list, "items"), 0);
    json = json_dumps(pod, JSON_COMPACT);
    /* the uid matches even though the fixture's namespaces differ */
    n = k8s_describe_events(&s, "Pod", "message-pod-crashloop-backoff", "init-demo",
                            "8d27f35a-4b45-4752-a5db-7985ea8b38bf", &events);
    assert_int_equal(n, 10);
    for (size_t i = 1; i < n; i++) {
        assert_true(events[i - 1]->last <= events[i]->last); /* newest last */
    }
    text = k8s_describe_pod(json, strlen(json), events, n, NOW);
    assert_non_null(text);
    expect_line(text, "Name:             init-demo\n");
    expect_line(text, "Namespace:        message-pod-crashloop-backoff\n");
    expect_line(text, "Status:           Running\n");
    expect_line(text, "Node:             minikube/192.168.49.2\n");
    expect_line(text, "Start Time:       Tue, 11 Jul 2023 03:31:41 +0000\n");
    expect_line(text, "    State:          Waiting\n      Reason:       CrashLoopBackOff\n");
    expect_line(text, "    Last State:     Terminated\n");
    if (getenv("DESC_DUMP") != NULL) {
        fputs(text, stderr);
    }
    assert_true(line_has(text, "Restart Count:", "4"));
    expect_line(text, "    Port:           80/TCP\n");
    expect_line(text, "Conditions:\n  Type             Status\n  Initialized      True\n");
    expect_line(text, "QoS Class:        BestEffort\n");
    expect_line(text, "Tolerations:      node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n");
    expect_line(text, "Events:\n  Type     Reason     Age");
    /* BackOff: count 111, last 03:56:47 */
    assert_true(line_has(text, "Warning  BackOff", "3m13s (x111 over 27m)"));
    assert_true(line_has(text, "Back-off", "restarting failed container"));
    assert_null(strstr(text, "last-applied-configuration"));
    /* the BackOff event (last 03:56:47) is the newest, so it is the last line */
    assert_true(line_has(strrchr(text, '\n') - 120, "BackOff", "Back-off"));
    assert_no_controls(text);
    free(text);
    free(events);
    free(json);
    json_decref(list);
    store_fini(&s);
}

static const char esc_pod[] =
    "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"evil\",\"namespace\":\"dmi\",\"uid\":\"u1\","
    "\"labels\":{\"app\":\"x\\u001b[31mred\",\"z\":\"ok\"},"
    "\"annotations\":{\"note\":\"line1\\nline2\\u009b\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"c\\u001b]0;t\\u0007\",\"image\":\"i:1\"}]},"
    "\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"c\\u001b]0;t\\u0007\","
    "\"state\":{\"waiting\":{\"reason\":\"Err\\u001bImagePull\"}},\"restartCount\":2}]}}";

static void test_inline_sanitized_no_events(void **state)
{
    char *text = k8s_describe_pod(esc_pod, strlen(esc_pod), NULL, 0, NOW);

    (void)state;
    assert_non_null(text);
    assert_null(strchr(text, '\x1b'));
    assert_null(strstr(text, "\xc2\x9b"));
    assert_no_controls(text);
    expect_line(text, "Labels:           app=x?[31mred\n                  z=ok\n");
    expect_line(text, "Annotations:      note: line1?line2?\n");
    expect_line(text, "      Reason:       Err?ImagePull\n");
    expect_line(text, "    Restart Count:  2\n");
    expect_line(text, "IPs:              <none>\n");
    expect_line(text, "Events:  <none>\n");
    free(text);
    assert_null(k8s_describe_pod("[1,2]", 5, NULL, 0, NOW));
    assert_null(k8s_describe_pod("{bad", 4, NULL, 0, NOW));
    text = k8s_describe_pod("{}", 2, NULL, 0, NOW);
    assert_non_null(text);
    expect_line(text, "Events:  <none>\n");
    free(text);
}

static void test_event_matching(void **state)
{
    struct store s;
    const char *lines[] = {
        "{'metadata':{'name':'a','uid':'e1','namespace':'dmi'},'involvedObject':{'kind':'Pod',"
        "'name':'p','namespace':'dmi','uid':'pu'},'reason':'Started','type':'Normal',"
        "'count':1,'lastTimestamp':'2023-07-11T03:59:00Z','firstTimestamp':'2023-07-11T03:59:00Z'}",
        "{'metadata':{'name':'b','uid':'e2','namespace':'dmi'},'involvedObject':{'kind':'Pod',"
        "'name':'p','namespace':'dmi','uid':'old'},'reason':'Killing','type':'Normal'}",
        "{'metadata':{'name':'c','uid':'e3','namespace':'dmi','creationTimestamp':"
        "'2023-07-11T03:00:00Z'},'involvedObject':{'kind':'Pod','name':'p','namespace':'dmi'},"
        "'reason':'Pulled','type':'Normal','source':{'component':'kubelet'}}",
        "{'metadata':{'name':'d','uid':'e4','namespace':'other'},'involvedObject':{'kind':'Pod',"
        "'name':'p','namespace':'other'},'reason':'X','type':'Warning'}",
    };
    const char *pod = "{\"metadata\":{\"name\":\"p\"}}";
    const struct k8s_event **ev = NULL;
    size_t n;
    char *text;

    (void)state;
    store_init(&s);
    store_set_free(&s, STORE_EVENT, k8s_event_free);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char *t = xstrdup(lines[i]);
        json_t *j;
        struct k8s_event *e;

        for (char *p = t; *p != '\0'; p++) {
            *p = *p == '\'' ? '"' : *p;
        }
        j = json_loads(t, 0, NULL);
        assert_non_null(j);
        e = k8s_event_parse(j, NULL);
        assert_non_null(e);
        store_put(store_table(&s, STORE_EVENT), &e->row);
        json_decref(j);
        free(t);
    }
    n = k8s_describe_events(&s, "Pod", "dmi", "p", "pu", &ev);
    assert_int_equal(n, 2); /* e1 by uid, e3 by kind+ns+name; not the old pod's, not other ns */
    assert_string_equal(ev[0]->row.uid, "e3");
    assert_string_equal(ev[1]->row.uid, "e1");
    text = k8s_describe_pod(pod, strlen(pod), ev, n, NOW);
    assert_non_null(text);
    assert_true(line_has(text, "Normal  Pulled", "60m  kubelet"));
    assert_true(line_has(text, "Normal  Started", "60s"));
    free(text);
    free(ev);
    store_fini(&s);
}

static void test_deployment_fixture(void **state)
{
    json_t *list = load_fixture("k8s/deploymentlist_k3s_kube-system.json");
    json_t *d = NULL;
    char *json, *text;
    size_t i;

    (void)state;
    if (list == NULL) {
        return;
    }
    json_array_foreach (json_object_get(list, "items"), i, d) {
        if (strcmp(json_string_value(json_object_get(json_object_get(d, "metadata"), "name")),
                   "coredns") == 0) {
            break;
        }
    }
    assert_non_null(d);
    json = json_dumps(d, JSON_COMPACT);
    text = k8s_describe_workload(json, strlen(json), NULL, 0, NOW);
    assert_non_null(text);
    expect_line(text, "Name:                   coredns\n");
    expect_line(text, "Namespace:              kube-system\n");
    expect_line(text, "Replicas:               1 desired | 1 updated | 1 total | 1 available | "
                      "0 unavailable\n");
    expect_line(text, "StrategyType:           RollingUpdate\n");
    expect_line(text, "RollingUpdateStrategy:  ");
    expect_line(text, "Pod Template:\n  Labels:");
    expect_line(text, "  Containers:\n   coredns:\n    Image:");
    expect_line(text, "Conditions:\n  Type ");
    expect_line(text, "Events:  <none>\n");
    assert_no_controls(text);
    free(text);
    free(json);
    json_decref(list);
}

static void test_statefulset_inline(void **state)
{
    const char *sts = "{\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"db\",\"namespace\":\"dmi\"},"
                      "\"spec\":{\"replicas\":3,\"updateStrategy\":{\"type\":\"RollingUpdate\"}},"
                      "\"status\":{\"replicas\":3,\"readyReplicas\":2}}";
    char *text = k8s_describe_workload(sts, strlen(sts), NULL, 0, NOW);

    (void)state;
    assert_non_null(text);
    expect_line(text, "Replicas:               3 desired | 3 total\n");
    expect_line(text, "Update Strategy:        RollingUpdate\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crashloop_pod_with_events),
        cmocka_unit_test(test_inline_sanitized_no_events),
        cmocka_unit_test(test_event_matching),
        cmocka_unit_test(test_deployment_fixture),
        cmocka_unit_test(test_statefulset_inline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
