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

#include "core/k8s/k8s_describe.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"

/* The tenancy of the Kubernetes kinds in the test's store. */
static struct k8s_tenancy *TEN;

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
    TEN = k8s_tenancy_new(&s);
    k8s_tenancy_register(TEN);
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
    k8s_tenancy_free(TEN);
    TEN = NULL;
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
    TEN = k8s_tenancy_new(&s);
    k8s_tenancy_register(TEN);
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
    /* kubectl's tabwriter: each column as wide as its widest cell, the "----" under Age
     * included, then two spaces. */
    expect_line(text, "  Type    Reason   Age   From     Message\n");
    expect_line(text, "  ----    ------   ----  ----     -------\n");
    expect_line(text, "  Normal  Pulled   60m   kubelet  \n");
    assert_true(line_has(text, "Normal  Started", "60s"));
    free(text);
    free(ev);
    store_fini(&s);
    k8s_tenancy_free(TEN);
    TEN = NULL;
}

/* Environment values line up after the widest name, as kubectl prints them. */
static void test_env_aligned(void **state)
{
    const char *pod =
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":["
        "{\"name\":\"TENANT\",\"value\":\"dmi\"},{\"name\":\"LOG_FORMAT\",\"value\":\"json\"},"
        "{\"name\":\"DB\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"db\",\"key\":\"url\"}}}]}]}}";
    char *text = k8s_describe_pod(pod, strlen(pod), NULL, 0, NOW);

    (void)state;
    assert_non_null(text);
    expect_line(text, "      TENANT:      dmi\n");
    expect_line(text, "      LOG_FORMAT:  json\n");
    expect_line(text, "      DB:          <set to the key 'url' in secret 'db'>\n");
    free(text);
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
    text = k8s_describe_workload(json, strlen(json), NULL, 0, NULL, 0, NOW);
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
    /* no ReplicaSets given: both lines say so, aligned with the conditions as kubectl does */
    expect_line(text, "\nOldReplicaSets:  <none>\nNewReplicaSet:   <none>\n"
                      "Events:          <none>\n");
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
    char *text = k8s_describe_workload(sts, strlen(sts), NULL, 0, NULL, 0, NOW);

    (void)state;
    assert_non_null(text);
    expect_line(text, "Replicas:               3 desired | 3 total\n");
    expect_line(text, "Update Strategy:        RollingUpdate\n");
    assert_null(strstr(text, "ReplicaSet"));
    expect_line(text, "Events:  <none>\n");
    free(text);
}

static const char rs_deploy[] =
    "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"dmi\","
    "\"uid\":\"d1\",\"annotations\":{\"deployment.kubernetes.io/revision\":\"3\"}},"
    "\"spec\":{\"replicas\":2},\"status\":{\"conditions\":["
    "{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\"},"
    "{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"ReplicaSetUpdated\"}]}}";

/* The tail of kubectl 1.29's describe of rs_deploy, from the conditions on, given the two
 * ReplicaSet values. */
static char *rs_tail(const char *old, const char *new_rs)
{
    return xasprintf("Conditions:\n"
                     "  Type           Status  Reason\n"
                     "  ----           ------  ------\n"
                     "  Available      True    MinimumReplicasAvailable\n"
                     "  Progressing    True    ReplicaSetUpdated\n"
                     "OldReplicaSets:  %s\n"
                     "NewReplicaSet:   %s\n"
                     "Events:          <none>\n",
                     old, new_rs);
}

static void rs_set(struct k8s_replicaset *r, const char *name, int64_t revision, int desired,
                   int current, int64_t created)
{
    memset(r, 0, sizeof *r);
    r->name = (char *)name;
    r->owner_uid = (char *)"d1";
    r->revision = revision;
    r->desired = desired;
    r->current = current;
    r->created = created;
}

/* Describes rs_deploy (or `json`) with the ReplicaSets and checks the text ends with `tail`
 * (freed). */
static void expect_rs(const char *json, const struct k8s_replicaset *const *rs, size_t n,
                      char *tail)
{
    char *text = k8s_describe_workload(json, strlen(json), rs, n, NULL, 0, NOW);
    size_t tl = strlen(tail), l;

    assert_non_null(text);
    l = strlen(text);
    if (l < tl || strcmp(text + l - tl, tail) != 0) {
        fprintf(stderr, "%s", text);
        print_error("does not end with:\n%s", tail);
        fail();
    }
    free(text);
    free(tail);
}

/* OldReplicaSets and NewReplicaSet after the conditions, as kubectl 1.29 prints them against
 * govsim: none, one new, a rollout (one old with pods, an older one at 0, oldest first), no
 * ReplicaSet at the Deployment's revision, no revision annotation (the highest is new), a long
 * condition type widening the block, and Events after them. */
static void test_deployment_replicasets(void **state)
{
    struct k8s_replicaset a, b, c;
    const struct k8s_replicaset *rs[3];
    const char *no_rev = "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                         "\"spec\":{\"replicas\":2}}";
    const char *failure =
        "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"annotations\":"
        "{\"deployment.kubernetes.io/revision\":\"2\"}},\"status\":{\"conditions\":["
        "{\"type\":\"ReplicaFailure\",\"status\":\"True\",\"reason\":\"FailedCreate\"}]}}";
    struct k8s_event ev = {0};
    const struct k8s_event *evp = &ev;
    char *text;

    (void)state;
    expect_rs(rs_deploy, NULL, 0, rs_tail("<none>", "<none>"));

    rs_set(&a, "web-7d9f8b6c5d", 3, 2, 2, NOW - 600);
    rs[0] = &a;
    expect_rs(rs_deploy, rs, 1, rs_tail("<none>", "web-7d9f8b6c5d (2/2 replicas created)"));

    /* mid-rollout: the new one has 1 of 2, the previous revision still 2, an older one 0 */
    rs_set(&a, "web-new", 3, 1, 1, NOW - 5);
    rs_set(&b, "web-prev", 2, 2, 2, NOW - 86400);
    rs_set(&c, "web-first", 1, 0, 0, NOW - 2 * 86400);
    rs[0] = &a;
    rs[1] = &b;
    rs[2] = &c;
    expect_rs(rs_deploy, rs, 3,
              rs_tail("web-first (0/0 replicas created), web-prev (2/2 replicas created)",
                      "web-new (1/1 replicas created)"));
    /* only the previous revision, with its pods: it is old, there is no new one yet */
    expect_rs(rs_deploy, rs + 1, 1, rs_tail("web-prev (2/2 replicas created)", "<none>"));
    /* no revision annotation: the highest revision is the new one */
    text = k8s_describe_workload(no_rev, strlen(no_rev), rs, 3, NULL, 0, NOW);
    assert_non_null(text);
    expect_line(text, "\nOldReplicaSets:  web-first (0/0 replicas created), web-prev (2/2 "
                      "replicas created)\nNewReplicaSet:   web-new (1/1 replicas created)\n"
                      "Events:          <none>\n");
    free(text);
    /* "  ReplicaFailure " is the widest cell: every first cell is 19 wide */
    text = k8s_describe_workload(failure, strlen(failure), rs + 1, 1, NULL, 0, NOW);
    assert_non_null(text);
    expect_line(text, "Conditions:\n"
                      "  Type             Status  Reason\n"
                      "  ----             ------  ------\n"
                      "  ReplicaFailure   True    FailedCreate\n"
                      "OldReplicaSets:    <none>\n"
                      "NewReplicaSet:     web-prev (2/2 replicas created)\n"
                      "Events:            <none>\n");
    free(text);
    /* with Events, their table follows the lines */
    ev.reason = (char *)"ScalingReplicaSet";
    ev.message = (char *)"Scaled up replica set web-new to 1";
    ev.source = (char *)"deployment-controller";
    ev.count = 1;
    ev.first = ev.last = NOW - 5;
    text = k8s_describe_workload(rs_deploy, strlen(rs_deploy), rs, 3, &evp, 1, NOW);
    assert_non_null(text);
    expect_line(text, "NewReplicaSet:   web-new (1/1 replicas created)\nEvents:\n  Type  ");
    assert_true(line_has(text, "Normal  ScalingReplicaSet", "Scaled up replica set web-new"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crashloop_pod_with_events),
        cmocka_unit_test(test_inline_sanitized_no_events),
        cmocka_unit_test(test_event_matching),
        cmocka_unit_test(test_env_aligned),
        cmocka_unit_test(test_deployment_fixture),
        cmocka_unit_test(test_statefulset_inline),
        cmocka_unit_test(test_deployment_replicasets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
