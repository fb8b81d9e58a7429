/* core/k8s_model: Pod and Namespace JSON to rows, with kubectl's STATUS, READY, RESTARTS and
 * AGE. Expected values follow kubectl's printPod rules (pkg/printers/internalversion) and
 * apimachinery's duration.HumanDuration, worked out by hand for each input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"

/* ../shared/fixtures/REL from $GC_ROOT (or the current directory). Caller frees. */
static char *fixture_path(const char *rel)
{
    const char *root = getenv("GC_ROOT");

    return xasprintf("%s/../shared/fixtures/%s", root != NULL && root[0] != '\0' ? root : ".", rel);
}

/* Loads a fixture as JSON; skips the test (saying why) when the shared fixtures are absent. */
static json_t *load_fixture(const char *rel)
{
    char *path = fixture_path(rel);
    struct stat st;
    json_error_t jerr;
    json_t *j;

    if (stat(path, &st) != 0) {
        printf("# shared fixture %s not found; test skipped\n", path);
        free(path);
        skip();
    }
    j = json_load_file(path, 0, &jerr);
    if (j == NULL) {
        print_error("%s:%d: %s\n", path, jerr.line, jerr.text);
    }
    assert_non_null(j);
    free(path);
    return j;
}

/* JSON written with single quotes for readability (no value here contains a quote). */
static json_t *json_sq(const char *text)
{
    char *s = xstrdup(text);
    json_error_t jerr;
    json_t *j;

    for (char *p = s; *p != '\0'; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    j = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (j == NULL) {
        print_error("test JSON: line %d col %d: %s\n", jerr.line, jerr.column, jerr.text);
    }
    assert_non_null(j);
    free(s);
    return j;
}

/* A row of `kind` from single-quoted JSON; it must parse. The caller frees it. */
static void *row_sq(enum store_kind kind, const char *text)
{
    json_t *j = json_sq(text);
    char *err = NULL;
    struct store_row *row = k8s_row_parse(kind, j, &err);

    if (row == NULL) {
        print_error("store kind %d did not parse: %s\n", (int)kind,
                    err != NULL ? err : "(no message)");
    }
    assert_non_null(row);
    assert_null(err);
    json_decref(j);
    return row;
}

static struct k8s_pod *pod_sq(const char *text)
{
    return row_sq(STORE_POD, text);
}

/* ---- fixtures: what `kubectl get pods` prints for each ---- */

struct pod_expect {
    const char *file;
    const char *name;
    const char *status;
    int ready, total;
    int restarts;
    int64_t last_restart; /* latest lastState.terminated.finishedAt, 0 if none counted */
};

static const struct pod_expect fixture_pods[] = {
    /* phase Running, container waiting CrashLoopBackOff, restartCount 4,
     * lastState.terminated.finishedAt 2023-07-11T03:33:15Z */
    {"podlist_crashloopbackoff.json", "init-demo", "CrashLoopBackOff", 0, 1, 4, 1689046395},
    /* phase Failed, container terminated reason OOMKilled */
    {"podlist_failed_oomkilled.json", "oom-kill-job3-gbb89", "OOMKilled", 0, 1, 0, 0},
    /* phase Pending, the init container waits with reason RunContainerError (its previous
     * run ended ContainerCannotRun at 04:01:16Z, restartCount 1); Initialized is False so the
     * regular containers are not looked at: "Init:" + the waiting reason */
    {"podlist_pending_init_crashloop.json", "init-demo2", "Init:RunContainerError", 0, 1, 1,
     1689048076},
    /* phase Pending, no container statuses (PodScheduled False, Unschedulable) */
    {"podlist_pending_unschedulable.json", "pending-pod-resources-5fddcf7688-djjfc", "Pending", 0,
     1, 0, 0},
    /* phase Pending, container waiting ErrImagePull */
    {"podlist_pending_errimagepull.json", "no-image-deployment-849c4c4958-rxqmt", "ErrImagePull", 0,
     1, 0, 0},
    /* k3s kube-system: two Succeeded helm jobs (terminated reason Completed, nothing running)
     * and five Running pods with many restarts after a node reboot */
    {"podlist_k3s_kube-system_running_succeeded.json", "helm-install-traefik-crd-q2ndn",
     "Completed", 0, 1, 0, 0},
    {"podlist_k3s_kube-system_running_succeeded.json", "helm-install-traefik-2fxbg", "Completed", 0,
     1, 1, 0},
    {"podlist_k3s_kube-system_running_succeeded.json", "traefik-7cd4fcff68-9blj6", "Running", 1, 1,
     96, 1671615755},
    {"podlist_k3s_kube-system_running_succeeded.json", "coredns-b96499967-tncf4", "Running", 1, 1,
     96, 1671615755},
    {"podlist_k3s_kube-system_running_succeeded.json", "local-path-provisioner-7b7dc8d6f5-45btl",
     "Running", 1, 1, 189, 1671615790},
    {"podlist_k3s_kube-system_running_succeeded.json", "metrics-server-668d979685-wttxd", "Running",
     1, 1, 182, 1671615790},
    {"podlist_k3s_kube-system_running_succeeded.json", "svclb-traefik-8ea5448e-d2m74", "Running", 2,
     2, 192, 1671615755},
};

static void test_fixture_podlists(void **state)
{
    size_t n = sizeof(fixture_pods) / sizeof(fixture_pods[0]);
    size_t matched = 0;

    (void)state;
    for (size_t i = 0; i < n; i++) {
        const struct pod_expect *e = &fixture_pods[i];
        char *rel = xasprintf("k8s/%s", e->file);
        json_t *list = load_fixture(rel);
        size_t idx;
        json_t *item;
        bool found = false;

        free(rel);
        json_array_foreach (json_object_get(list, "items"), idx, item) {
            char *err = NULL;
            struct k8s_pod *p = k8s_pod_parse(item, &err);

            assert_non_null(p);
            if (strcmp(p->name, e->name) != 0) {
                k8s_pod_free(&p->row);
                continue;
            }
            found = true;
            if (strcmp(p->status, e->status) != 0) {
                print_error("%s %s: status %s, want %s\n", e->file, e->name, p->status, e->status);
            }
            assert_string_equal(p->status, e->status);
            assert_int_equal(p->ready, e->ready);
            assert_int_equal(p->total, e->total);
            assert_int_equal(p->restarts, e->restarts);
            assert_int_equal(p->last_restart, e->last_restart);
            assert_non_null(p->row.uid);
            k8s_pod_free(&p->row);
        }
        json_decref(list);
        assert_true(found);
        matched++;
    }
    assert_int_equal(matched, n);
}

static void test_fixture_pod_fields(void **state)
{
    json_t *list = load_fixture("k8s/podlist_k3s_kube-system_running_succeeded.json");
    json_t *unsched = load_fixture("k8s/podlist_pending_unschedulable.json");
    struct k8s_pod *p;
    char *err = NULL;
    char buf[32];

    (void)state;
    assert_int_equal(json_array_size(json_object_get(list, "items")), 7);
    p = k8s_pod_parse(json_array_get(json_object_get(list, "items"), 2), &err);
    assert_non_null(p);
    assert_string_equal(p->name, "traefik-7cd4fcff68-9blj6");
    assert_string_equal(p->row.uid, "e30f146a-1d86-46d8-a200-51c15fec3e63");
    assert_string_equal(p->ns, "kube-system");
    assert_string_equal(p->node, "k3d-mycluster-server-0");
    assert_string_equal(p->ip, "10.42.0.149");
    assert_string_equal(p->app, "traefik");
    assert_int_equal(p->created, 1663940795); /* 2022-09-23T13:46:35Z */
    assert_int_equal(p->deleted, 0);
    /* 96 restarts, the last one 2m5s before "now" */
    assert_string_equal(
        k8s_fmt_restarts(p->restarts, p->last_restart, 1671615755 + 125, buf, sizeof(buf)),
        "96 (2m5s ago)");
    k8s_pod_free(&p->row);

    p = k8s_pod_parse(json_array_get(json_object_get(unsched, "items"), 0), &err);
    assert_non_null(p);
    assert_null(p->node);
    assert_null(p->ip);
    assert_null(p->app);
    assert_string_equal(p->ns, "message-pending-pod-resources");
    k8s_pod_free(&p->row);
    json_decref(list);
    json_decref(unsched);
}

/* ---- inline pods: one per printPod branch ---- */

struct inline_case {
    const char *what;
    const char *json;
    const char *status;
    int ready, total, restarts;
    int64_t last_restart;
};

#define META "'metadata':{'name':'p','namespace':'ns','uid':'u-1'"

static const struct inline_case inline_cases[] = {
    {"phase only", "{" META "},'status':{'phase':'Pending'}}", "Pending", 0, 0, 0, 0},
    {"status.reason wins over phase",
     "{" META "},'spec':{'containers':[{'name':'a'}]},"
     "'status':{'phase':'Failed','reason':'Evicted'}}",
     "Evicted", 0, 1, 0, 0},
    {"scheduling gated",
     "{" META "},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending',"
     "'conditions':[{'type':'PodScheduled','status':'False','reason':'SchedulingGated'}]}}",
     "SchedulingGated", 0, 1, 0, 0},
    {"Init:0/1 while the init container runs",
     "{" META "},'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},"
     "'status':{'phase':'Pending','initContainerStatuses':[{'name':'i','ready':false,"
     "'restartCount':0,'state':{'running':{'startedAt':'2024-05-01T10:00:00Z'}}}],"
     "'containerStatuses':[{'name':'a','ready':false,'restartCount':0,"
     "'state':{'waiting':{'reason':'PodInitializing'}}}]}}",
     "Init:0/1", 0, 1, 0, 0},
    {"Init:0/1 while waiting with PodInitializing",
     "{" META "},'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},"
     "'status':{'phase':'Pending','initContainerStatuses':[{'name':'i',"
     "'state':{'waiting':{'reason':'PodInitializing'}}}]}}",
     "Init:0/1", 0, 1, 0, 0},
    {"Init:1/2 after the first init container succeeded",
     "{" META "},'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],"
     "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
     "{'name':'i1','restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
     "{'name':'i2','restartCount':0,'state':{'running':{}}}]}}",
     "Init:1/2", 0, 1, 0, 0},
    {"Init:ExitCode:1 (terminated without reason)",
     "{" META "},'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},"
     "'status':{'phase':'Pending','initContainerStatuses':[{'name':'i','restartCount':0,"
     "'state':{'terminated':{'exitCode':1}}}]}}",
     "Init:ExitCode:1", 0, 1, 0, 0},
    {"Init:Signal:9 (terminated by signal, no reason)",
     "{" META "},'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},"
     "'status':{'phase':'Pending','initContainerStatuses':[{'name':'i','restartCount':0,"
     "'state':{'terminated':{'exitCode':137,'signal':9}}}]}}",
     "Init:Signal:9", 0, 1, 0, 0},
    {"Init:Error (terminated reason)",
     "{" META "},'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'a'}]},"
     "'status':{'phase':'Pending','initContainerStatuses':[{'name':'i','restartCount':2,"
     "'state':{'terminated':{'exitCode':2,'reason':'Error'}}}]}}",
     "Init:Error", 0, 1, 2, 0},
    {"Init:CrashLoopBackOff, restarts counted up to the failing init container only",
     "{" META "},'spec':{'initContainers':[{'name':'i1'},{'name':'i2'},{'name':'i3'}],"
     "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':["
     "{'name':'i1','restartCount':3,'state':{'terminated':{'exitCode':0}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T09:00:00Z'}}},"
     "{'name':'i2','restartCount':5,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T10:00:00Z'}}},"
     "{'name':'i3','restartCount':7,'state':{'waiting':{'reason':'PodInitializing'}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:00:00Z'}}}],"
     "'containerStatuses':[{'name':'a','restartCount':11,'state':{'waiting':"
     "{'reason':'PodInitializing'}}}]}}",
     "Init:CrashLoopBackOff", 0, 1, 8, 1714557600},
    {"Signal:15 (container terminated by signal, no reason)",
     "{" META "},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running',"
     "'containerStatuses':[{'name':'a','restartCount':0,"
     "'state':{'terminated':{'exitCode':143,'signal':15}}}]}}",
     "Signal:15", 0, 1, 0, 0},
    {"ExitCode:2 (container terminated, no reason, no signal)",
     "{" META "},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running',"
     "'containerStatuses':[{'name':'a','restartCount':0,"
     "'state':{'terminated':{'exitCode':2}}}]}}",
     "ExitCode:2", 0, 1, 0, 0},
    {"first container's reason wins, restarts summed, latest finishedAt",
     "{" META "},'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]},"
     "'status':{'phase':'Running','containerStatuses':["
     "{'name':'a','restartCount':1,'state':{'waiting':{'reason':'ImagePullBackOff'}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T08:00:00Z'}}},"
     "{'name':'b','restartCount':2,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T10:00:00Z'}}},"
     "{'name':'c','ready':true,'restartCount':0,'state':{'running':{}}}]}}",
     "ImagePullBackOff", 1, 3, 3, 1714557600},
    {"Completed with a running ready container and Ready condition -> Running",
     "{" META "},'spec':{'containers':[{'name':'job'},{'name':'side'}]},"
     "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'}],"
     "'containerStatuses':["
     "{'name':'job','ready':false,'restartCount':0,"
     "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
     "{'name':'side','ready':true,'restartCount':0,'state':{'running':{}}}]}}",
     "Running", 1, 2, 0, 0},
    {"Completed with a running ready container, Ready False -> NotReady",
     "{" META "},'spec':{'containers':[{'name':'job'},{'name':'side'}]},"
     "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],"
     "'containerStatuses':["
     "{'name':'job','ready':false,'restartCount':0,"
     "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
     "{'name':'side','ready':true,'restartCount':0,'state':{'running':{}}}]}}",
     "NotReady", 1, 2, 0, 0},
    {"running but not ready is not counted ready",
     "{" META "},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running',"
     "'containerStatuses':[{'name':'a','ready':false,'restartCount':0,"
     "'state':{'running':{}}}]}}",
     "Running", 0, 1, 0, 0},
    {"Terminating (deletionTimestamp, phase Running)",
     "{" META ",'deletionTimestamp':'2024-05-01T10:00:00Z'},'spec':{'containers':[{'name':'a'}]},"
     "'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,"
     "'restartCount':0,'state':{'running':{}}}]}}",
     "Terminating", 1, 1, 0, 0},
    {"deletionTimestamp on a Succeeded pod keeps Completed",
     "{" META ",'deletionTimestamp':'2024-05-01T10:00:00Z'},'spec':{'containers':[{'name':'a'}]},"
     "'status':{'phase':'Succeeded','containerStatuses':[{'name':'a','ready':false,"
     "'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}",
     "Completed", 0, 1, 0, 0},
    {"Unknown (deleted on a lost node)",
     "{" META ",'deletionTimestamp':'2024-05-01T10:00:00Z'},'spec':{'containers':[{'name':'a'}]},"
     "'status':{'phase':'Running','reason':'NodeLost','containerStatuses':[{'name':'a',"
     "'ready':true,'restartCount':0,'state':{'running':{}}}]}}",
     "Unknown", 1, 1, 0, 0},
    {"NodeLost without deletionTimestamp shows the reason",
     "{" META "},'spec':{'containers':[{'name':'a'}]},"
     "'status':{'phase':'Running','reason':'NodeLost'}}",
     "NodeLost", 0, 1, 0, 0},
    {"sidecar started and ready: counted in READY and total, Running",
     "{" META "},'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'}],"
     "'containers':[{'name':'app'}]},'status':{'phase':'Running','conditions':["
     "{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],"
     "'initContainerStatuses':[{'name':'proxy','started':true,'ready':true,'restartCount':2,"
     "'state':{'running':{}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T10:00:00Z'}}}],"
     "'containerStatuses':[{'name':'app','ready':true,'restartCount':1,'state':{'running':{}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T09:00:00Z'}}}]}}",
     "Running", 2, 2, 3, 1714557600},
    {"sidecar not yet started: Init:0/2",
     "{" META "},'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'},"
     "{'name':'migrate'}],'containers':[{'name':'app'}]},'status':{'phase':'Pending',"
     "'initContainerStatuses':[{'name':'proxy','started':false,'ready':false,'restartCount':0,"
     "'state':{'running':{}}},{'name':'migrate','restartCount':0,"
     "'state':{'waiting':{'reason':'PodInitializing'}}}]}}",
     "Init:0/2", 0, 2, 0, 0},
    {"sidecar started, regular init container running: Init:1/2 with the sidecar ready",
     "{" META "},'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'},"
     "{'name':'migrate'}],'containers':[{'name':'app'}]},'status':{'phase':'Pending',"
     "'initContainerStatuses':[{'name':'proxy','started':true,'ready':true,'restartCount':0,"
     "'state':{'running':{}}},{'name':'migrate','restartCount':0,'state':{'running':{}}}]}}",
     "Init:1/2", 1, 2, 0, 0},
    {"sidecar restarts stay counted once the pod is initialized; plain init restarts do not",
     "{" META "},'spec':{'initContainers':[{'name':'setup'},"
     "{'name':'proxy','restartPolicy':'Always'}],'containers':[{'name':'app'}]},"
     "'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'}],"
     "'initContainerStatuses':[{'name':'setup','restartCount':4,"
     "'state':{'terminated':{'exitCode':0,'reason':'Completed'}},"
     "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:00:00Z'}}},"
     "{'name':'proxy','started':true,'ready':false,'restartCount':1,'state':{'running':{}}}],"
     "'containerStatuses':[{'name':'app','ready':true,'restartCount':0,"
     "'state':{'running':{}}}]}}",
     "Running", 1, 2, 1, 0},
};

static void test_inline_branches(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(inline_cases) / sizeof(inline_cases[0]); i++) {
        const struct inline_case *c = &inline_cases[i];
        struct k8s_pod *p = pod_sq(c->json);

        if (strcmp(p->status, c->status) != 0 || p->ready != c->ready || p->total != c->total ||
            p->restarts != c->restarts || p->last_restart != c->last_restart) {
            print_error("%s: got %s %d/%d restarts %d last %lld; want %s %d/%d restarts %d "
                        "last %lld\n",
                        c->what, p->status, p->ready, p->total, p->restarts,
                        (long long)p->last_restart, c->status, c->ready, c->total, c->restarts,
                        (long long)c->last_restart);
        }
        assert_string_equal(p->status, c->status);
        assert_int_equal(p->ready, c->ready);
        assert_int_equal(p->total, c->total);
        assert_int_equal(p->restarts, c->restarts);
        assert_int_equal(p->last_restart, c->last_restart);
        k8s_pod_free(&p->row);
    }
}

static void test_deleted_and_sanitized(void **state)
{
    struct k8s_pod *p = pod_sq(
        "{'metadata':{'name':'evil\\u001b[2J\\u202e','namespace':'ns\\u0007','uid':'u\\n1',"
        "'creationTimestamp':'2024-05-01T10:00:00Z','deletionTimestamp':'2024-05-01T12:00:00Z',"
        "'labels':{'app.kubernetes.io/name':'\\u009b31mx'}},"
        "'spec':{'nodeName':''},'status':{'phase':'Run\\u001bning','podIP':''}}");

    (void)state;
    assert_string_equal(p->name, "evil?[2J?");
    assert_string_equal(p->ns, "ns?");
    assert_string_equal(p->row.uid, "u?1");
    assert_string_equal(p->app, "?31mx");
    assert_string_equal(p->status, "Terminating");
    assert_int_equal(p->created, 1714557600);
    assert_int_equal(p->deleted, 1714557600 + 7200);
    assert_null(p->node); /* "" means unscheduled */
    assert_null(p->ip);
    k8s_pod_free(&p->row);

    p = pod_sq("{'metadata':{'name':'p','uid':'u'},'status':{'phase':'Pen\\u001b[0mding'}}");
    assert_string_equal(p->status, "Pen?[0mding");
    k8s_pod_free(&p->row);
}

/* ---- malformed objects: errors for required fields, no crash for the rest ---- */

static void expect_error(const char *json, const char *needle)
{
    json_t *j = json_sq(json);
    char *err = NULL;
    struct k8s_pod *p = k8s_pod_parse(j, &err);

    assert_null(p);
    assert_non_null(err);
    if (strstr(err, needle) == NULL) {
        print_error("error \"%s\" lacks \"%s\"\n", err, needle);
    }
    assert_non_null(strstr(err, needle));
    free(err);
    /* the error pointer may be NULL when the caller does not want a message */
    assert_null(k8s_pod_parse(j, NULL));
    json_decref(j);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("{'metadata':{'name':'web-1','namespace':'shop'},'status':{'phase':'Running'}}",
                 "pod shop/web-1: metadata.uid missing");
    expect_error("{'metadata':{'name':'web-1','uid':42}}", "metadata.uid missing or not a string");
    expect_error("{'metadata':{'uid':'u-1'}}", "metadata.name missing");
    expect_error("{'metadata':'a string'}", "metadata missing or not an object");
    expect_error("{'kind':'Pod'}", "metadata missing");
    expect_error("['not','an','object']", "pod: not a JSON object");
    expect_error("'just a string'", "not a JSON object");
    expect_error("{'metadata':{'name':'x\\u001b]0;t\\u0007','uid':''}}", "pod x?]0;t?:");
    assert_null(k8s_pod_parse(NULL, NULL));
}

static void test_wrong_types_never_crash(void **state)
{
    static const char *const odd[] = {
        "{" META ",'labels':['x'],'creationTimestamp':5},'spec':7,'status':'Running'}",
        "{" META "},'spec':{'containers':{'name':'a'},'initContainers':'x'},"
        "'status':{'phase':3,'conditions':'yes','containerStatuses':{'a':1}}}",
        "{" META "},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running',"
        "'containerStatuses':[7,'x',null,{'name':'a','restartCount':'5','ready':'true',"
        "'state':'running','lastState':{'terminated':'yes'}}]}}",
        "{" META "},'spec':{'initContainers':[5,{'name':7}],'containers':[{'name':'a'}]},"
        "'status':{'phase':'Pending','initContainerStatuses':[null,{'name':null,"
        "'state':{'terminated':{'exitCode':'1','signal':[],'reason':5}}}]}}",
        "{" META "},'status':{'phase':'Running','containerStatuses':[{'restartCount':"
        "99999999999999,'state':{'terminated':{'exitCode':-9223372036854775807}}},"
        "{'restartCount':9223372036854775807},{'restartCount':-5},{'restartCount':1e300}]}}",
        "{" META ",'deletionTimestamp':null},'status':{'phase':'Running','conditions':[null,5,"
        "{'type':[],'status':{}}]}}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        struct k8s_pod *p = pod_sq(odd[i]);

        assert_non_null(p->status);
        assert_true(p->restarts >= 0);
        assert_true(p->ready <= 65535);
        k8s_pod_free(&p->row);
    }

    /* restartCount as a string counts as 0, the container is still seen */
    {
        struct k8s_pod *p = pod_sq(odd[2]);

        assert_int_equal(p->restarts, 0);
        assert_string_equal(p->status, "Running");
        assert_int_equal(p->total, 1);
        k8s_pod_free(&p->row);
    }
    /* huge restart counts saturate instead of overflowing */
    {
        struct k8s_pod *p = pod_sq(odd[4]);

        assert_int_equal(p->restarts, INT32_MAX);
        assert_string_equal(p->status, "ExitCode:-9223372036854775807");
        k8s_pod_free(&p->row);
    }
    /* deletionTimestamp: null is not deleting */
    {
        struct k8s_pod *p = pod_sq(odd[5]);

        assert_string_equal(p->status, "Running");
        assert_int_equal(p->deleted, 0);
        k8s_pod_free(&p->row);
    }
}

/* ---- the watch stream: ADDED Pending -> MODIFIED ... -> Running ---- */

static void test_watch_stream(void **state)
{
    static const char *const want[] = {"Pending", "Pending", "ContainerCreating", "Running"};
    static const int want_ready[] = {0, 0, 0, 1};
    char *path = fixture_path("k8s/watch_pods_stream_k8s1.2.ndjson");
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, n = 0;
    const char *distinct[4];
    size_t ndistinct = 0;

    (void)state;
    if (f == NULL) {
        printf("# shared fixture %s not found; test skipped\n", path);
        free(path);
        skip();
    }
    while (getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *ev = json_loads(line, 0, &jerr);
        char *err = NULL;
        struct k8s_pod *p;

        assert_non_null(ev);
        assert_true(n < 4);
        p = k8s_pod_parse(json_object_get(ev, "object"), &err);
        assert_non_null(p);
        assert_string_equal(p->row.uid, "090cc0c8-ea84-11e5-8c79-42010af00003");
        assert_string_equal(p->name, "nginx-app-o0kvl");
        assert_string_equal(p->status, want[n]);
        assert_int_equal(p->ready, want_ready[n]);
        assert_int_equal(p->total, 1);
        assert_int_equal(p->created, 1458028851); /* 2016-03-15T08:00:51Z */
        if (ndistinct == 0 || strcmp(distinct[ndistinct - 1], want[n]) != 0) {
            distinct[ndistinct++] = want[n];
        }
        k8s_pod_free(&p->row);
        json_decref(ev);
        n++;
    }
    free(line);
    fclose(f);
    free(path);
    assert_int_equal(n, 4);
    assert_int_equal(ndistinct, 3);
    assert_string_equal(distinct[0], "Pending");
    assert_string_equal(distinct[1], "ContainerCreating");
    assert_string_equal(distinct[2], "Running");
}

/* ---- namespaces ---- */

static void test_namespace_inline(void **state)
{
    json_t *j = json_sq("{'metadata':{'name':'dmi-sandbox','uid':'ns-1',"
                        "'creationTimestamp':'2024-05-01T10:00:00Z',"
                        "'labels':{'other':'x','govcloud.sit.dk/tenant':'dmi','n':5},"
                        "'annotations':{'govcloud.sit.dk/display-name':"
                        "'Danmarks Meteorologiske Institut – Færøerne\\u001b[5m'}},"
                        "'status':{'phase':'Active'}}");
    json_t *bare = json_sq("{'metadata':{'name':'kube-system','uid':'ns-2'},'status':{}}");
    json_t *bad = json_sq("{'metadata':{'name':'x'}}");
    char *err = NULL;
    struct k8s_namespace *n = k8s_namespace_parse(j, &err);

    (void)state;
    assert_non_null(n);
    assert_null(err);
    assert_string_equal(n->name, "dmi-sandbox");
    assert_string_equal(n->row.uid, "ns-1");
    assert_string_equal(n->tenant, "dmi");
    assert_string_equal(n->display, "Danmarks Meteorologiske Institut – Færøerne?[5m");
    assert_string_equal(n->phase, "Active");
    assert_string_equal(n->labels, "govcloud.sit.dk/tenant=dmi,other=x"); /* sorted by key */
    assert_int_equal(n->created, 1714557600);
    k8s_namespace_free(&n->row);

    n = k8s_namespace_parse(bare, &err);
    assert_non_null(n);
    assert_null(n->tenant);
    assert_null(n->display);
    assert_null(n->phase);
    assert_null(n->labels);
    assert_int_equal(n->created, 0);
    k8s_namespace_free(&n->row);

    assert_null(k8s_namespace_parse(bad, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "namespace x: metadata.uid missing"));
    free(err);
    json_decref(j);
    json_decref(bare);
    json_decref(bad);
}

static void test_namespace_fixture(void **state)
{
    static const char *const names[] = {"default", "kube-system", "kube-public", "kube-node-lease"};
    json_t *list = load_fixture("k8s/namespacelist_k3s.json");
    json_t *items = json_object_get(list, "items");
    size_t i;
    json_t *item;

    (void)state;
    assert_string_equal(json_string_value(json_object_get(list, "kind")), "NamespaceList");
    assert_int_equal(json_array_size(items), 4);
    json_array_foreach (items, i, item) {
        char *err = NULL;
        struct k8s_namespace *n = k8s_namespace_parse(item, &err);

        assert_non_null(n);
        assert_string_equal(n->name, names[i]);
        assert_string_equal(n->phase, "Active");
        assert_null(n->tenant); /* k3s system namespaces carry no tenant label */
        assert_null(n->display);
        {
            char *want = xasprintf("kubernetes.io/metadata.name=%s", names[i]);

            assert_string_equal(n->labels, want);
            free(want);
        }
        assert_int_equal(n->created, 1663940765); /* 2022-09-23T13:46:05Z */
        assert_int_equal(strlen(n->row.uid), 36);
        k8s_namespace_free(&n->row);
    }
    json_decref(list);
}

/* ---- Deployments and StatefulSets ---- */

static struct k8s_workload *deploy_sq(const char *text)
{
    struct k8s_workload *w = row_sq(STORE_DEPLOYMENT, text);

    assert_int_equal(w->kind, K8S_WORKLOAD_DEPLOYMENT);
    return w;
}

static struct k8s_workload *sts_sq(const char *text)
{
    struct k8s_workload *w = row_sq(STORE_STATEFULSET, text);

    assert_int_equal(w->kind, K8S_WORKLOAD_STATEFULSET);
    return w;
}

static void test_image_tag(void **state)
{
    char buf[64];

    (void)state;
    assert_string_equal(k8s_image_tag("nginx:1.25.3", buf, sizeof buf), "1.25.3");
    assert_string_equal(k8s_image_tag("nginx", buf, sizeof buf), "latest");
    assert_string_equal(k8s_image_tag("registry.sit.dk:5000/dmi/web", buf, sizeof buf), "latest");
    assert_string_equal(k8s_image_tag("registry.sit.dk:5000/dmi/web:2.1", buf, sizeof buf), "2.1");
    assert_string_equal(
        k8s_image_tag("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                      buf, sizeof buf),
        "0123456789ab");
    assert_string_equal(k8s_image_tag("nginx:1.2@sha256:fedcba9876543210aa", buf, sizeof buf),
                        "fedcba987654");
    assert_string_equal(k8s_image_tag("nginx:", buf, sizeof buf), "latest");
    assert_string_equal(k8s_image_tag("", buf, sizeof buf), "-");
    assert_string_equal(k8s_image_tag(NULL, buf, sizeof buf), "-");
    assert_string_equal(k8s_image_tag("x:abcdefghijklmnopqrstuvwxyz", buf, 8), "abcdefg");
}

static void test_deployment_inline(void **state)
{
    struct k8s_workload *w;

    (void)state;
    /* complete: observed, every replica updated and available */
    w = deploy_sq("{'metadata':{'name':'web-v2','namespace':'dmi','uid':'u1','generation':4,"
                  "'creationTimestamp':'2024-05-01T10:00:00Z','labels':{"
                  "'app.kubernetes.io/name':'web','app.kubernetes.io/version':'2.0'}},"
                  "'spec':{'replicas':3,'template':{'spec':{'containers':["
                  "{'name':'web','image':'registry.sit.dk:5000/dmi/web:2.0.1'},"
                  "{'name':'side','image':'envoy:1.30'}]}}},"
                  "'status':{'observedGeneration':4,'replicas':3,'updatedReplicas':3,"
                  "'readyReplicas':3,'availableReplicas':3,'conditions':[{'type':'Progressing',"
                  "'status':'True','reason':'NewReplicaSetAvailable'}]}}");
    assert_string_equal(w->row.uid, "u1");
    assert_string_equal(w->ns, "dmi");
    assert_string_equal(w->name, "web-v2");
    assert_string_equal(w->app, "web");
    assert_string_equal(w->version, "2.0");
    assert_string_equal(w->image_tag, "2.0.1"); /* the first container's */
    assert_int_equal(w->desired, 3);
    assert_int_equal(w->ready, 3);
    assert_int_equal(w->updated, 3);
    assert_int_equal(w->available, 3);
    assert_int_equal(w->created, 1714557600);
    assert_int_equal(w->rollout, K8S_ROLLOUT_COMPLETE);
    assert_null(w->stall_reason);
    k8s_workload_free(&w->row);

    /* progressing: the new spec is not observed yet */
    w = deploy_sq("{'metadata':{'name':'a','uid':'u2','namespace':'n','generation':5},"
                  "'spec':{'replicas':2},'status':{'observedGeneration':4,'replicas':2,"
                  "'updatedReplicas':2,'readyReplicas':2,'availableReplicas':2}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    assert_null(w->app);
    assert_null(w->version);
    assert_null(w->image_tag);
    k8s_workload_free(&w->row);

    /* progressing: old replicas still terminating (replicas > updated) */
    w = deploy_sq("{'metadata':{'name':'a','uid':'u3','namespace':'n','generation':2},"
                  "'spec':{'replicas':2},'status':{'observedGeneration':2,'replicas':3,"
                  "'updatedReplicas':2,'readyReplicas':3,'availableReplicas':3}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    k8s_workload_free(&w->row);

    /* progressing: updated but not yet available */
    w = deploy_sq("{'metadata':{'name':'a','uid':'u4','namespace':'n','generation':2},"
                  "'spec':{'replicas':2},'status':{'observedGeneration':2,'replicas':2,"
                  "'updatedReplicas':2,'readyReplicas':1,'availableReplicas':1}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    assert_int_equal(w->ready, 1);
    k8s_workload_free(&w->row);

    /* stalled: the Progressing condition is False */
    w = deploy_sq("{'metadata':{'name':'a','uid':'u5','namespace':'n','generation':2},"
                  "'spec':{'replicas':2},'status':{'observedGeneration':2,'replicas':3,"
                  "'updatedReplicas':1,'readyReplicas':2,'availableReplicas':2,"
                  "'conditions':[{'type':'Available','status':'True'},{'type':'Progressing',"
                  "'status':'False','reason':'ProgressDeadlineExceeded'}]}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_STALLED);
    assert_string_equal(w->stall_reason, "ProgressDeadlineExceeded");
    k8s_workload_free(&w->row);

    /* no spec.replicas: the API's default of 1; nothing in status yet */
    w = deploy_sq("{'metadata':{'name':'a','uid':'u6','namespace':'n','generation':1},"
                  "'spec':{'template':{'spec':{'containers':[{'image':'busybox'}]}}}}");
    assert_int_equal(w->desired, 1);
    assert_int_equal(w->ready, 0);
    assert_string_equal(w->image_tag, "latest");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    k8s_workload_free(&w->row);

    /* scaled to zero and observed: complete */
    w = deploy_sq("{'metadata':{'name':'a','uid':'u7','namespace':'n','generation':3},"
                  "'spec':{'replicas':0},'status':{'observedGeneration':3}}");
    assert_int_equal(w->desired, 0);
    assert_int_equal(w->rollout, K8S_ROLLOUT_COMPLETE);
    k8s_workload_free(&w->row);
}

static void test_statefulset_inline(void **state)
{
    struct k8s_workload *w;
    char *err = NULL;
    json_t *bad;

    (void)state;
    /* complete: current and update revisions agree, every replica ready */
    w = sts_sq("{'metadata':{'name':'db','namespace':'dmi','uid':'s1','generation':2,"
               "'labels':{'app.kubernetes.io/name':'postgres','app.kubernetes.io/version':'15'}},"
               "'spec':{'replicas':3,'template':{'spec':{'containers':[{'image':'postgres:15.4'}]}},"
               "'updateStrategy':{'type':'RollingUpdate'}},"
               "'status':{'observedGeneration':2,'replicas':3,'readyReplicas':3,"
               "'currentReplicas':3,'updatedReplicas':3,'availableReplicas':3,"
               "'currentRevision':'db-7d9','updateRevision':'db-7d9'}}");
    assert_string_equal(w->app, "postgres");
    assert_string_equal(w->version, "15");
    assert_string_equal(w->image_tag, "15.4");
    assert_int_equal(w->desired, 3);
    assert_int_equal(w->ready, 3);
    assert_int_equal(w->available, 3);
    assert_int_equal(w->rollout, K8S_ROLLOUT_COMPLETE);
    k8s_workload_free(&w->row);

    /* progressing: revisions differ while pods are replaced; no availableReplicas (pre-1.22) */
    w = sts_sq("{'metadata':{'name':'db','namespace':'dmi','uid':'s2','generation':3},"
               "'spec':{'replicas':3},'status':{'observedGeneration':3,'replicas':3,"
               "'readyReplicas':3,'updatedReplicas':1,'currentRevision':'db-7d9',"
               "'updateRevision':'db-8aa'}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    assert_int_equal(w->available, 3); /* readyReplicas stands in */
    assert_int_equal(w->updated, 1);
    k8s_workload_free(&w->row);

    /* progressing: not every replica ready */
    w = sts_sq("{'metadata':{'name':'db','namespace':'dmi','uid':'s3','generation':1},"
               "'spec':{'replicas':3},'status':{'observedGeneration':1,'readyReplicas':2,"
               "'currentRevision':'r','updateRevision':'r'}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    k8s_workload_free(&w->row);

    /* partitioned rolling update: complete once the pods above the partition are updated */
    w = sts_sq("{'metadata':{'name':'db','namespace':'dmi','uid':'s4','generation':4},"
               "'spec':{'replicas':3,'updateStrategy':{'type':'RollingUpdate',"
               "'rollingUpdate':{'partition':2}}},'status':{'observedGeneration':4,"
               "'readyReplicas':3,'updatedReplicas':1,'currentRevision':'a',"
               "'updateRevision':'b'}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_COMPLETE);
    k8s_workload_free(&w->row);

    /* never observed */
    w = sts_sq("{'metadata':{'name':'db','namespace':'dmi','uid':'s5','generation':1},"
               "'spec':{'replicas':1}}");
    assert_int_equal(w->rollout, K8S_ROLLOUT_PROGRESSING);
    k8s_workload_free(&w->row);

    /* no uid: an error naming the object, and wrong types never crash */
    bad = json_sq("{'metadata':{'name':'db','namespace':'dmi'}}");
    assert_null(k8s_statefulset_parse(bad, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "statefulset dmi/db: metadata.uid missing"));
    free(err);
    json_decref(bad);
    bad = json_sq("{'metadata':{'name':'x','uid':'u','labels':7},'spec':{'replicas':'3',"
                  "'template':{'spec':{'containers':[{'image':5}]}}},'status':[]}");
    w = k8s_deployment_parse(bad, NULL);
    assert_non_null(w);
    assert_null(w->ns);
    assert_null(w->image_tag);
    assert_int_equal(w->desired, 1);
    k8s_workload_free(&w->row);
    json_decref(bad);
}

/* Control characters in labels and images never reach a row. */
static void test_workload_sanitized(void **state)
{
    json_t *j = json_pack("{s:{s:s,s:s,s:s,s:{s:s}},s:{s:{s:{s:[{s:s}]}}}}", "metadata", "name",
                          "w", "namespace", "n", "uid", "u", "labels", K8S_LABEL_APP,
                          "evil\x1b[2Japp", "spec", "template", "spec", "containers", "image",
                          "img:1\x1b]0;x\x07");
    struct k8s_workload *w = k8s_deployment_parse(j, NULL);

    (void)state;
    assert_non_null(w);
    assert_null(strchr(w->app, '\x1b'));
    assert_null(strchr(w->image_tag, '\x1b'));
    assert_null(strchr(w->image_tag, '\x07'));
    k8s_workload_free(&w->row);
    json_decref(j);
}

static void test_deployment_fixtures(void **state)
{
    static const struct {
        const char *file;
        const char *name, *app, *tag;
        int64_t created;
    } want[] = {
        {"k8s/deploymentlist_k3s_default.json", "nginx-deployment", NULL, "latest", 1669902258},
        {"k8s/deploymentlist_k3s_kube-system.json", "traefik", "traefik", "2.6.2", 1663940795},
        {"k8s/deploymentlist_k3s_kube-system.json", "coredns", NULL, "1.9.1", 1663940770},
    };

    (void)state;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        json_t *list = load_fixture(want[k].file);
        json_t *items = json_object_get(list, "items");
        size_t i;
        json_t *item;
        bool found = false;

        assert_string_equal(json_string_value(json_object_get(list, "kind")), "DeploymentList");
        json_array_foreach (items, i, item) {
            char *err = NULL;
            struct k8s_workload *w = k8s_deployment_parse(item, &err);

            assert_non_null(w);
            assert_int_equal(strlen(w->row.uid), 36);
            /* every k3s deployment in the fixtures has rolled out: 1/1, complete */
            assert_int_equal(w->desired, 1);
            assert_int_equal(w->ready, 1);
            assert_int_equal(w->updated, 1);
            assert_int_equal(w->available, 1);
            assert_int_equal(w->rollout, K8S_ROLLOUT_COMPLETE);
            if (strcmp(w->name, want[k].name) == 0) {
                found = true;
                if (want[k].app == NULL) {
                    assert_null(w->app);
                } else {
                    assert_string_equal(w->app, want[k].app);
                }
                assert_null(w->version);
                assert_string_equal(w->image_tag, want[k].tag);
                assert_int_equal(w->created, want[k].created);
            }
            k8s_workload_free(&w->row);
        }
        assert_true(found);
        json_decref(list);
    }
}

/* ---- time and formatting ---- */

static void test_parse_time(void **state)
{
    static const struct {
        const char *in;
        int64_t want;
    } cases[] = {
        {"2024-05-01T10:00:00Z", 1714557600},
        {"2024-05-01T10:00:00.123456789Z", 1714557600},
        {"2024-05-01T10:00:00.9Z", 1714557600},
        {"2024-05-01T12:00:00+02:00", 1714557600},
        {"2024-05-01T05:30:00-04:30", 1714557600},
        {"2024-05-01T10:00:00.5+00:00", 1714557600},
        {"2024-05-01t10:00:00z", 1714557600},
        {"2024-02-29T00:00:00Z", 1709164800},
        {"2000-02-29T00:00:00Z", 951782400},
        {"1969-12-31T23:59:59Z", -1},
        {"2016-03-15T08:00:51Z", 1458028851},
        /* malformed: 0 */
        {"", 0},
        {"garbage", 0},
        {"2024-05-01", 0},
        {"2024-05-01T10:00:00", 0},
        {"2024-05-01 10:00:00Z", 0},
        {"2024-5-1T10:00:00Z", 0},
        {"2024-13-01T00:00:00Z", 0},
        {"2024-00-10T00:00:00Z", 0},
        {"2023-02-29T00:00:00Z", 0},
        {"1900-02-29T00:00:00Z", 0},
        {"2024-04-31T00:00:00Z", 0},
        {"2024-05-01T24:00:00Z", 0},
        {"2024-05-01T10:60:00Z", 0},
        {"2024-05-01T10:00:00.Z", 0},
        {"2024-05-01T10:00:00Zjunk", 0},
        {"2024-05-01T10:00:00+0200", 0},
        {"2024-05-01T10:00:00+02", 0},
        {"2024-05-01T10:00:00+24:00", 0},
        {"2024-05-01T10:00:00 Z", 0},
    };

    (void)state;
    assert_int_equal(k8s_parse_time(NULL), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t got = k8s_parse_time(cases[i].in);

        if (got != cases[i].want) {
            print_error("k8s_parse_time(\"%s\") = %lld, want %lld\n", cases[i].in, (long long)got,
                        (long long)cases[i].want);
        }
        assert_true(got == cases[i].want);
    }
}

static void test_fmt_age(void **state)
{
    static const int64_t m = 60, h = 3600, d = 86400;
    static const struct {
        int64_t secs;
        const char *want;
    } cases[] = {
        {-5, "<invalid>"},
        {-2, "<invalid>"},
        {-1, "0s"},
        {0, "0s"},
        {1, "1s"},
        {59, "59s"},
        {60, "60s"},
        {119, "119s"},
        {2 * m, "2m"},
        {2 * m + 5, "2m5s"},
        {9 * m + 59, "9m59s"},
        {10 * m, "10m"},
        {10 * m + 59, "10m"},
        {179 * m + 59, "179m"},
        {3 * h, "3h"},
        {3 * h + 5 * m, "3h5m"},
        {3 * h + 5 * m + 59, "3h5m"},
        {7 * h + 59 * m + 59, "7h59m"},
        {8 * h, "8h"},
        {8 * h + 30 * m, "8h"},
        {47 * h + 59 * m, "47h"},
        {2 * d, "2d"},
        {2 * d + 3 * h, "2d3h"},
        {7 * d + 23 * h + 59 * m, "7d23h"},
        {8 * d, "8d"},
        {8 * d + 23 * h, "8d"},
        {45 * d, "45d"},
        {729 * d + 23 * h, "729d"},
        {730 * d, "2y"},
        {740 * d, "2y10d"},
        {7 * 365 * d + 364 * d, "7y364d"},
        {8 * 365 * d, "8y"},
        {9 * 365 * d + 200 * d, "9y"},
    };
    char buf[16];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = k8s_fmt_age(cases[i].secs, buf, sizeof(buf));

        assert_ptr_equal(got, buf);
        if (strcmp(got, cases[i].want) != 0) {
            print_error("k8s_fmt_age(%lld) = %s, want %s\n", (long long)cases[i].secs, got,
                        cases[i].want);
        }
        assert_string_equal(got, cases[i].want);
    }
    /* the largest input still fits the documented 16 bytes */
    k8s_fmt_age(INT64_MAX, buf, sizeof(buf));
    assert_string_equal(buf, "292471208677y");
}

static void test_fmt_restarts(void **state)
{
    const int64_t t = 1714557600;
    char buf[32];

    (void)state;
    assert_string_equal(k8s_fmt_restarts(0, 0, t, buf, sizeof(buf)), "0");
    assert_string_equal(k8s_fmt_restarts(4, 0, t, buf, sizeof(buf)), "4");
    assert_string_equal(k8s_fmt_restarts(0, t, t + 60, buf, sizeof(buf)), "0");
    assert_string_equal(k8s_fmt_restarts(4, t, t + 125, buf, sizeof(buf)), "4 (2m5s ago)");
    assert_string_equal(k8s_fmt_restarts(189, t, t + 3 * 86400 + 3600, buf, sizeof(buf)),
                        "189 (3d1h ago)");
    assert_string_equal(k8s_fmt_restarts(1, t, t + 30, buf, sizeof(buf)), "1 (30s ago)");
    /* the widest value fits the documented 32 bytes */
    assert_string_equal(k8s_fmt_restarts(INT32_MAX, 1, INT64_MAX, buf, sizeof(buf)),
                        "2147483647 (292471208677y ago)");
}

/* ---- parsing on several threads at once (worker pool) ---- */

struct thread_job {
    const json_t *list;
    char status[8][32]; /* what a single-threaded parse gave, per item */
    int64_t last[8];
};

/* Parses the list 200 times; returns how many rows differed from the single-threaded run. */
static void *parse_many(void *arg)
{
    const struct thread_job *job = arg;
    intptr_t bad = 0;

    for (int round = 0; round < 200; round++) {
        size_t i;
        json_t *item;

        json_array_foreach (json_object_get(job->list, "items"), i, item) {
            struct k8s_pod *p = k8s_pod_parse(item, NULL);

            if (p == NULL || strcmp(p->status, job->status[i]) != 0 ||
                p->last_restart != job->last[i]) {
                bad++;
            }
            if (p != NULL) {
                k8s_pod_free(&p->row);
            }
        }
    }
    return (void *)bad;
}

static void test_threads(void **state)
{
    struct thread_job job;
    pthread_t th[4];
    size_t i;
    json_t *item;

    (void)state;
    memset(&job, 0, sizeof(job));
    job.list = load_fixture("k8s/podlist_k3s_kube-system_running_succeeded.json");
    assert_true(json_array_size(json_object_get(job.list, "items")) <= 8);
    json_array_foreach (json_object_get(job.list, "items"), i, item) {
        struct k8s_pod *p = k8s_pod_parse(item, NULL);

        assert_non_null(p);
        snprintf(job.status[i], sizeof(job.status[i]), "%s", p->status);
        job.last[i] = p->last_restart;
        k8s_pod_free(&p->row);
    }
    assert_string_equal(job.status[2], "Running");
    for (int t = 0; t < 4; t++) {
        assert_int_equal(pthread_create(&th[t], NULL, parse_many, &job), 0);
    }
    for (int t = 0; t < 4; t++) {
        void *ret = NULL;

        assert_int_equal(pthread_join(th[t], &ret), 0);
        assert_int_equal((intptr_t)ret, 0);
    }
    json_decref((json_t *)job.list);
}

/* Events: the k3s fixture's five pod events, then the fallbacks of an inline one. */
static void test_event_parse(void **state)
{
    json_t *list = load_fixture("k8s/eventlist_k3s_default.json");
    json_t *items = json_object_get(list, "items");
    struct k8s_event *e;
    json_t *j;
    char *err = NULL;

    (void)state;
    assert_int_equal(json_array_size(items), 5);
    e = k8s_event_parse(json_array_get(items, 0), &err);
    assert_non_null(e);
    assert_string_equal(e->ns, "default");
    assert_string_equal(e->obj_kind, "Pod");
    assert_string_equal(e->obj_name, "static-hi");
    assert_string_equal(e->obj_uid, "4e5b32b2-11a3-4690-9818-d065ba11bf49");
    assert_string_equal(e->reason, "Scheduled");
    assert_string_equal(e->source, "default-scheduler"); /* reportingComponent */
    assert_int_equal(e->type, K8S_EVENT_NORMAL);
    assert_int_equal(e->count, 1);
    /* no first/lastTimestamp: eventTime 2022-12-21T16:43:07.860897Z */
    assert_int_equal(e->first, k8s_parse_time("2022-12-21T16:43:07Z"));
    assert_int_equal(e->last, e->first);
    k8s_event_free(&e->row);
    e = k8s_event_parse(json_array_get(items, 4), &err);
    assert_non_null(e);
    assert_string_equal(e->reason, "BackOff");
    assert_string_equal(e->message, "Back-off restarting failed container");
    assert_string_equal(e->source, "kubelet");
    assert_int_equal(e->type, K8S_EVENT_WARNING);
    assert_int_equal(e->count, 1);
    assert_int_equal(e->last, k8s_parse_time("2022-12-21T16:43:09Z"));
    k8s_event_free(&e->row);
    json_decref(list);

    j = json_sq("{'metadata':{'name':'x','uid':'u','creationTimestamp':'2024-01-01T00:00:00Z'},"
                "'involvedObject':{'kind':'Deployment','name':'d','namespace':'dmi'},"
                "'type':'Odd','message':'a\\u001b[2Jb','series':{'count':7,"
                "'lastObservedTime':'2024-01-01T00:05:00.000000Z'}}");
    e = k8s_event_parse(j, &err);
    assert_non_null(e);
    assert_string_equal(e->ns, "dmi");
    assert_null(e->obj_uid);
    assert_null(e->reason);
    assert_null(e->source);
    assert_int_equal(e->type, K8S_EVENT_OTHER);
    assert_int_equal(e->count, 7);
    assert_string_equal(e->message, "a?[2Jb");
    assert_int_equal(e->first, k8s_parse_time("2024-01-01T00:00:00Z"));
    assert_int_equal(e->last, k8s_parse_time("2024-01-01T00:05:00Z"));
    k8s_event_free(&e->row);
    json_decref(j);
    j = json_sq("{'metadata':{'name':'x'}}");
    assert_null(k8s_event_parse(j, &err));
    assert_non_null(err);
    free(err);
    json_decref(j);
}

/* ---- the last terminated reason of a pod's containers ---- */

static void test_pod_last_reason(void **state)
{
    static const struct {
        const char *file, *name, *reason; /* reason NULL: none */
    } want[] = {
        /* nginx restarted 4 times; its last run ended ContainerCannotRun */
        {"podlist_crashloopbackoff.json", "init-demo", "ContainerCannotRun"},
        /* the Job's container is OOMKilled now, but it never restarted: lastState is {} */
        {"podlist_failed_oomkilled.json", "oom-kill-job3-gbb89", NULL},
        /* the init container restarted once (ContainerCannotRun) */
        {"podlist_pending_init_crashloop.json", "init-demo2", "ContainerCannotRun"},
        {"podlist_pending_errimagepull.json", "no-image-deployment-849c4c4958-rxqmt", NULL},
        {"podlist_k3s_kube-system_running_succeeded.json", "traefik-7cd4fcff68-9blj6", "Unknown"},
        {"podlist_k3s_kube-system_running_succeeded.json",
         "local-path-provisioner-7b7dc8d6f5-45btl", "Error"},
        {"podlist_k3s_kube-system_running_succeeded.json", "helm-install-traefik-2fxbg", NULL},
    };
    struct k8s_pod *p;

    (void)state;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char *rel = xasprintf("k8s/%s", want[i].file);
        json_t *list = load_fixture(rel);
        size_t idx;
        json_t *item;
        bool found = false;

        free(rel);
        json_array_foreach (json_object_get(list, "items"), idx, item) {
            p = k8s_pod_parse(item, NULL);
            assert_non_null(p);
            if (strcmp(p->name, want[i].name) == 0) {
                found = true;
                if (want[i].reason == NULL) {
                    assert_null(p->last_reason);
                } else {
                    assert_non_null(p->last_reason);
                    assert_string_equal(p->last_reason, want[i].reason);
                }
            }
            k8s_pod_free(&p->row);
        }
        json_decref(list);
        assert_true(found);
    }

    /* the container whose last run ended latest wins, init containers included */
    p = pod_sq("{" META "},'status':{'phase':'Running','initContainerStatuses':[{'name':'i',"
               "'lastState':{'terminated':{'reason':'Completed','finishedAt':'2024-05-01T09:00:00Z'}}}],"
               "'containerStatuses':[{'name':'a','restartCount':3,"
               "'lastState':{'terminated':{'reason':'Error','finishedAt':'2024-05-01T10:00:00Z'}}},"
               "{'name':'b','restartCount':1,"
               "'lastState':{'terminated':{'reason':'OOMKilled','finishedAt':'2024-05-01T11:00:00Z'}}},"
               "{'name':'c','restartCount':1,'lastState':{'terminated':{'exitCode':1,"
               "'finishedAt':'2024-05-01T12:00:00Z'}}}]}}");
    assert_string_equal(p->last_reason, "OOMKilled");
    k8s_pod_free(&p->row);
    /* no finishedAt still counts when nothing else does; the reason is sanitized */
    p = pod_sq("{" META "},'status':{'phase':'Running','containerStatuses':[{'name':'a',"
               "'lastState':{'terminated':{'reason':'OOM\\u001b[31mKilled\\u0007'}}}]}}");
    assert_string_equal(p->last_reason, "OOM?[31mKilled?");
    k8s_pod_free(&p->row);
    p = pod_sq("{" META "},'status':{'phase':'Running','containerStatuses':[{'name':'a',"
               "'lastState':{'terminated':'x'}},{'name':'b','lastState':{'terminated':"
               "{'reason':''}}}]}}");
    assert_null(p->last_reason);
    k8s_pod_free(&p->row);
}

/* Which containers have a previous run (for `p` after `c`), in the order of `containers`:
 * restarted, or a terminated lastState; looked up by name in each status list. */
static void test_pod_prev_runs(void **state)
{
    json_t *list = load_fixture("k8s/podlist_crashloopbackoff.json");
    struct k8s_pod *p = k8s_pod_parse(json_array_get(json_object_get(list, "items"), 0), NULL);

    (void)state;
    assert_string_equal(p->name, "init-demo");
    assert_int_equal(k8s_pod_has_previous(p, "nginx"), 1); /* restarted 4 times */
    assert_int_equal(k8s_pod_has_previous(p, "other"), -1);
    k8s_pod_free(&p->row);
    json_decref(list);

    p = pod_sq("{" META "},'spec':{'containers':[{'name':'app'},{'name':'side'},{'name':'oom'}],"
               "'initContainers':[{'name':'init'}]},"
               "'status':{'phase':'Running','containerStatuses':["
               "{'name':'side','restartCount':0,'lastState':{}},"
               "{'name':'oom','restartCount':0,'lastState':{'terminated':{'reason':'OOMKilled'}}},"
               "{'name':'app','restartCount':2,'lastState':{}}],"
               "'initContainerStatuses':[{'name':'init','restartCount':1}]}}");
    assert_string_equal(p->containers, "app,side,oom,init");
    assert_int_equal(k8s_pod_has_previous(p, "app"), 1);
    assert_int_equal(k8s_pod_has_previous(p, "side"), 0);
    assert_int_equal(k8s_pod_has_previous(p, "oom"), 1);
    assert_int_equal(k8s_pod_has_previous(p, "init"), 1);
    assert_int_equal(k8s_pod_has_previous(p, "ap"), -1);
    assert_int_equal(k8s_pod_has_previous(p, ""), -1);
    assert_int_equal(p->prev_runs, 0xd);
    k8s_pod_free(&p->row);
}

/* The app's pods (its namespace, its name, its version when both say one), which pods have a
 * log yet, and the containers an app's pods share. */
static void test_pod_app_helpers(void **state)
{
    struct k8s_pod *p = k8s_pod_new(&(struct k8s_pod_text){
        .uid = "u", .ns = "dmi", .name = "web-1", .status = "Running", .app = "web",
        .version = "2.0"});
    static const struct {
        const char *status;
        bool has_log;
    } logs[] = {
        {"Running", true},          {"CrashLoopBackOff", true}, {"Completed", true},
        {"Error", true},            {"OOMKilled", true},        {"Terminating", false},
        {"Pending", false},         {"ContainerCreating", false}, {"PodInitializing", false},
        {"Init:0/1", false},        {"ErrImagePull", false},    {"ImagePullBackOff", false},
        {"", false},
    };
    char *c;

    (void)state;
    assert_true(k8s_pod_of_app(p, "dmi", "web", "2.0"));
    assert_true(k8s_pod_of_app(p, "dmi", "web", NULL));
    assert_false(k8s_pod_of_app(p, "dmi", "web", "1.0"));
    assert_false(k8s_pod_of_app(p, "dmi-sandbox", "web", "2.0"));
    assert_false(k8s_pod_of_app(p, "dmi", "we", "2.0"));
    k8s_pod_free(&p->row);
    for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
        p = k8s_pod_new(&(struct k8s_pod_text){.uid = "u", .ns = "dmi", .name = "x",
                                                .status = logs[i].status});
        if (k8s_pod_has_log(p) != logs[i].has_log) {
            print_error("%s: has_log %d\n", logs[i].status, !logs[i].has_log);
        }
        assert_int_equal(k8s_pod_has_log(p), logs[i].has_log);
        k8s_pod_free(&p->row);
    }
    c = k8s_containers_common("app,log-shipper,db-migrate", "db-migrate,app");
    assert_string_equal(c, "app,db-migrate");
    free(c);
    c = k8s_containers_common("app", "app");
    assert_string_equal(c, "app");
    free(c);
    assert_null(k8s_containers_common("app,side", "other"));
    assert_null(k8s_containers_common(NULL, "app"));
    assert_null(k8s_containers_common("ap", "app"));
}

/* ---- ReplicaSets ---- */

static void test_replicaset_parse(void **state)
{
    struct k8s_replicaset *r;
    json_t *j;
    char *err = NULL;

    (void)state;
    r = row_sq(
        STORE_REPLICASET,
        "{'kind':'ReplicaSet','metadata':{'name':'forecast-api-6d4b8c9f7x','namespace':'dmi',"
        "'uid':'rs-1','creationTimestamp':'2024-05-01T10:00:00Z','labels':{"
        "'app.kubernetes.io/name':'forecast-api','app.kubernetes.io/version':'2.4.1'},"
        "'annotations':{'deployment.kubernetes.io/revision':'7'},'ownerReferences':["
        "{'apiVersion':'v1','kind':'ConfigMap','name':'x','uid':'cm-1'},"
        "{'apiVersion':'apps/v1','kind':'Deployment','name':'forecast-api','uid':'dep-1',"
        "'controller':true,'blockOwnerDeletion':true}]},"
        "'spec':{'replicas':4},'status':{'replicas':4,'readyReplicas':3,"
        "'availableReplicas':2}}");
    assert_string_equal(r->row.uid, "rs-1");
    assert_string_equal(r->ns, "dmi");
    assert_string_equal(r->name, "forecast-api-6d4b8c9f7x");
    assert_string_equal(r->owner_uid, "dep-1");
    assert_string_equal(r->app, "forecast-api");
    assert_string_equal(r->version, "2.4.1");
    assert_int_equal(r->revision, 7);
    assert_int_equal(r->desired, 4);
    assert_int_equal(r->current, 4);
    assert_int_equal(r->ready, 3);
    assert_int_equal(r->available, 2);
    assert_int_equal(r->created, 1714557600);
    k8s_replicaset_free(&r->row);

    /* a Deployment that is not the controller, an odd revision, no replicas: defaults */
    r = row_sq(STORE_REPLICASET,
               "{'metadata':{'name':'x\\u001b]0;t\\u0007','uid':'rs-2','annotations':{"
               "'deployment.kubernetes.io/revision':'7a'},'ownerReferences':[{'kind':'Deployment',"
               "'uid':'dep-2','controller':false}]},'spec':{},'status':{'replicas':-3}}");
    assert_null(r->owner_uid);
    assert_null(r->ns);
    assert_null(r->app);
    assert_string_equal(r->name, "x?]0;t?");
    assert_int_equal(r->revision, 0);
    assert_int_equal(r->desired, 1);
    assert_int_equal(r->current, 0);
    assert_int_equal(r->ready, 0);
    k8s_replicaset_free(&r->row);

    /* a controller of another kind is not a Deployment; wrong types never crash */
    r = row_sq(STORE_REPLICASET,
               "{'metadata':{'name':'x','uid':'rs-3','annotations':{"
               "'deployment.kubernetes.io/revision':'99999999999999999999999'},"
               "'ownerReferences':[{'kind':'Rollout','uid':'ro-1','controller':true},5,null]},"
               "'spec':{'replicas':'3'},'status':'x'}");
    assert_null(r->owner_uid);
    assert_int_equal(r->revision, 0);
    assert_int_equal(r->desired, 1);
    k8s_replicaset_free(&r->row);

    j = json_sq("{'metadata':{'name':'x','namespace':'dmi'}}");
    assert_null(k8s_replicaset_parse(j, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "replicaset dmi/x: metadata.uid missing"));
    free(err);
    json_decref(j);
}

/* ---- quantities ---- */

static void test_quantity(void **state)
{
    static const struct {
        const char *s;
        int64_t milli, units;
    } cases[] = {
        {"250m", 250, 1},
        {"1", 1000, 1},
        {"1.5", 1500, 2},
        {"0.5", 500, 1},
        {".5", 500, 1},
        {"5.", 5000, 5},
        {"+3", 3000, 3},
        {"0", 0, 0},
        {"-0", 0, 0},
        {"0.000", 0, 0},
        {"179500412n", 180, 1}, /* kubectl top: MilliValue rounds up */
        {"9559630n", 10, 1},
        {"100u", 1, 1},
        {"0.1m", 1, 1}, /* the docs' example: rounded up to 1m */
        {"2k", 2000000, 2000},
        {"2e3", 2000000, 2000},
        {"2E3", 2000000, 2000},
        {"1e-3", 1, 1},
        {"1e-4", 1, 1},
        {"15e+2", 1500000, 1500},
        {"1M", 1000000000, 1000000},
        {"1G", 1000000000000, 1000000000},
        {"1T", 1000000000000000, 1000000000000},
        {"1P", 1000000000000000000, 1000000000000000},
        {"1E", -1, 1000000000000000000},
        {"1Ki", 1024000, 1024},
        {"165412Ki", 169381888000, 169381888},
        {"128Mi", 134217728000, 134217728},
        {"1.5Gi", 1610612736000, 1610612736},
        {"1Ti", 1099511627776000, 1099511627776},
        {"1Pi", 1125899906842624000, 1125899906842624},
        {"1Ei", -1, 1152921504606846976},
        {"1.5Ei", -1, 1729382256910270464},
        {"7.99Ei", -1, 9211842821808707339},
        {"8Ei", -1, -1},
        {"0.3Ki", 307200, 308}, /* 307.2 */
        {"9223372036854775807", -1, INT64_MAX},
        {"9223372036854775808", -1, -1},
        {"9223372036854775.807", INT64_MAX, 9223372036854776},
        {"9223372036854775.808", -1, 9223372036854776},
        {"8E", -1, 8000000000000000000},
        {"9.3E", -1, -1},
        {"1e999999999", -1, -1},
        {"1e-999999999", 1, 1},
        {"0e999999999", 0, 0},
        {"0.00000000000000000000000000000000000000000000000000000000000000000000000000001", 1, 1},
        {"123456789012345678901234567890e-20", 1234567890124, 1234567891},
        {"100000000000000000000000000000000000000000000000000000000000000000000000000000e-78", 100,
         1}, /* 10^77 e-78 */
        {"1000000000000000000000000000000000000000000000000000000000000000000000000000001e-78", 1001,
         2}, /* 1 + 10^-78: the dropped digit still rounds up */
        {"-1", -1, -1},
        {"-250m", -1, -1},
        {"", -1, -1},
        {".", -1, -1},
        {"+", -1, -1},
        {"m", -1, -1},
        {"abc", -1, -1},
        {"1.2.3", -1, -1},
        {"1 Gi", -1, -1},
        {" 1", -1, -1},
        {"1gi", -1, -1},
        {"1ki", -1, -1},
        {"1K", -1, -1},
        {"1Gb", -1, -1},
        {"1mi", -1, -1},
        {"1e", -1, -1},
        {"1e+", -1, -1},
        {"1e3m", -1, -1},
        {"1ee3", -1, -1},
        {"1e1.5", -1, -1},
        {"0x10", -1, -1},
        {"1\xc2\xb5", -1, -1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t m = k8s_quantity_milli(cases[i].s), u = k8s_quantity_bytes(cases[i].s);

        if (m != cases[i].milli || u != cases[i].units) {
            print_error("\"%s\": milli %lld units %lld, want %lld %lld\n", cases[i].s,
                        (long long)m, (long long)u, (long long)cases[i].milli,
                        (long long)cases[i].units);
        }
        assert_int_equal(m, cases[i].milli);
        assert_int_equal(u, cases[i].units);
    }
    assert_int_equal(k8s_quantity_scaled("179500412n", 9), 179500412);
    assert_int_equal(k8s_quantity_scaled("1", 9), 1000000000);
    assert_int_equal(k8s_quantity_scaled("1", 10), -1);
    assert_int_equal(k8s_quantity_scaled("1", -1), -1);
    assert_int_equal(k8s_quantity_milli(NULL), -1);
}

static void test_fmt_cpu_mem(void **state)
{
    static const struct {
        int64_t v;
        const char *want;
    } cpu[] = {
        {0, "0m"},       {250, "250m"},     {999, "999m"},  {1000, "1"},
        {1049, "1"},     {1050, "1.1"},     {1500, "1.5"},  {1949, "1.9"},
        {1950, "2"},     {12000, "12"},     {12345, "12.3"}, {12960, "13"},
        {-1, "n/a"},     {INT64_MAX, "9223372036854775.8"},
    }, mem[] = {
        {0, "0Mi"},
        {1048575, "0Mi"},
        {134217728, "128Mi"},
        {1073741823, "1023Mi"},
        {1073741824, "1Gi"},
        {1288490189, "1.2Gi"},  /* 1.2 Gi */
        {1181116006, "1.1Gi"},  /* 1.1 Gi */
        {33285996544, "31Gi"},
        {1649267441664, "1.5Ti"},
        {1099511627776 - 1, "1024Gi"}, /* rounds to the next Gi, not to 1Ti */
        {INT64_MAX, "8Ei"},
        {-1, "n/a"},
    };
    char buf[24];

    (void)state;
    for (size_t i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++) {
        assert_string_equal(k8s_fmt_cpu(cpu[i].v, buf, sizeof buf), cpu[i].want);
    }
    for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
        assert_string_equal(k8s_fmt_mem(mem[i].v, buf, sizeof buf), mem[i].want);
    }
}

/* One unit a column: cores and GiB, always one decimal, rounded half up. */
static void test_fmt_one_unit(void **state)
{
    static const struct {
        int64_t v;
        const char *cores, *gib;
    } cases[] = {
        {0, "0.0", "0.0"},
        {49, "0.0", "0.0"},
        {50, "0.1", "0.0"},
        {250, "0.3", "0.0"},
        {1000, "1.0", "0.0"},
        {1949, "1.9", "0.0"},
        {12000, "12.0", "0.0"},
        {536870912, "536870.9", "0.5"},      /* 512Mi */
        {1073741824, "1073741.8", "1.0"},    /* 1Gi */
        {34359738368, "34359738.4", "32.0"}, /* 32Gi */
        {INT64_MAX, "922337203685477.6", "858993459.2"},
        {-1, "n/a", "n/a"},
    };
    char buf[32];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(k8s_fmt_cores(cases[i].v, buf, sizeof buf), cases[i].cores);
        assert_string_equal(k8s_fmt_gib(cases[i].v, buf, sizeof buf), cases[i].gib);
    }
}

/* ---- ResourceQuotas ---- */

/* ../shared/fixtures/k8s/resourcequota_status_used_excerpt_docs.yaml (two flat maps under
 * status) as a ResourceQuota object. */
static json_t *quota_from_docs_yaml(void)
{
    char *path = fixture_path("k8s/resourcequota_status_used_excerpt_docs.yaml");
    FILE *f = fopen(path, "r");
    json_t *obj, *status, *cur = NULL;
    char line[256];

    if (f == NULL) {
        printf("# shared fixture %s not found; test skipped\n", path);
        free(path);
        skip();
    }
    free(path);
    obj = json_sq("{'metadata':{'name':'compute-resources','namespace':'myspace','uid':'q-docs'},"
                  "'status':{'hard':{},'used':{}}}");
    status = json_object_get(obj, "status");
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':'), *key = line, *val, *e;

        if (colon == NULL) {
            continue;
        }
        *colon = '\0';
        while (*key == ' ') {
            key++;
        }
        val = colon + 1;
        while (*val == ' ' || *val == '"') {
            val++;
        }
        e = val + strlen(val);
        while (e > val && (e[-1] == '\n' || e[-1] == '"' || e[-1] == ' ')) {
            *--e = '\0';
        }
        if (*val == '\0') {
            cur = json_object_get(status, key); /* "hard:" or "used:" (or "status:") */
        } else if (cur != NULL) {
            json_object_set_new(cur, key, json_string(val));
        }
    }
    fclose(f);
    return obj;
}

static void test_quota_parse(void **state)
{
    json_t *j = quota_from_docs_yaml();
    json_t *empty = load_fixture("k8s/resourcequotalist_empty.json");
    struct k8s_quota *q;
    char *err = NULL;

    (void)state;
    assert_int_equal(json_object_size(json_object_get(json_object_get(j, "status"), "hard")), 4);
    q = k8s_quota_parse(j, &err);
    assert_non_null(q);
    assert_string_equal(q->ns, "myspace");
    assert_string_equal(q->name, "compute-resources");
    /* requests.* win over limits.* */
    assert_string_equal(q->cpu_key, "requests.cpu");
    assert_string_equal(q->mem_key, "requests.memory");
    assert_int_equal(q->cpu_hard, 1000);
    assert_int_equal(q->cpu_used, 400);
    assert_int_equal(q->mem_hard, 1073741824);
    assert_int_equal(q->mem_used, 600 * 1048576);
    assert_int_equal(q->pods_hard, -1);
    assert_int_equal(q->pods_used, -1);
    k8s_quota_free(&q->row);
    json_decref(j);
    assert_int_equal(json_array_size(json_object_get(empty, "items")), 0);
    json_decref(empty);

    /* as govsim writes it: every key, pods as a count */
    q = row_sq(STORE_QUOTA,
               "{'metadata':{'name':'tenant-quota','namespace':'dmi','uid':'q1',"
               "'creationTimestamp':'2024-05-01T10:00:00Z'},'spec':{'hard':{'pods':'90'}},"
               "'status':{'hard':{'limits.cpu':'88','limits.memory':'55Gi','pods':'90',"
               "'requests.cpu':'29','requests.memory':'31Gi'},'used':{'limits.cpu':'41',"
               "'limits.memory':'25856Mi','pods':'38','requests.cpu':'13200m',"
               "'requests.memory':'14656Mi'}}}");
    assert_int_equal(q->cpu_hard, 29000);
    assert_int_equal(q->cpu_used, 13200);
    assert_int_equal(q->mem_hard, (int64_t)31 << 30);
    assert_int_equal(q->mem_used, (int64_t)14656 << 20);
    assert_int_equal(q->pods_hard, 90);
    assert_int_equal(q->pods_used, 38);
    assert_int_equal(q->created, 1714557600);
    k8s_quota_free(&q->row);

    /* plain cpu/memory before limits.*; used not yet counted; count/pods */
    q = row_sq(STORE_QUOTA,
               "{'metadata':{'name':'q','uid':'q2'},'status':{'hard':{'limits.cpu':'4',"
               "'cpu':'2','memory':'1.5Gi','count/pods':'10'},'used':{'limits.cpu':'1'}}}");
    assert_string_equal(q->cpu_key, "cpu");
    assert_string_equal(q->mem_key, "memory");
    assert_int_equal(q->cpu_hard, 2000);
    assert_int_equal(q->cpu_used, -1);
    assert_int_equal(q->mem_hard, 1610612736);
    assert_int_equal(q->mem_used, -1);
    assert_int_equal(q->pods_hard, 10);
    k8s_quota_free(&q->row);

    /* limits only; no status yet: spec.hard; a garbage amount is -1 */
    q = row_sq(STORE_QUOTA,
               "{'metadata':{'name':'q','uid':'q3'},'spec':{'hard':{'limits.cpu':'500m',"
               "'limits.memory':'lots'}}}");
    assert_string_equal(q->cpu_key, "limits.cpu");
    assert_int_equal(q->cpu_hard, 500);
    assert_int_equal(q->cpu_used, -1);
    assert_string_equal(q->mem_key, "limits.memory");
    assert_int_equal(q->mem_hard, -1);
    k8s_quota_free(&q->row);

    /* nothing about CPU or memory (an object-count quota), wrong types */
    q = row_sq(STORE_QUOTA, "{'metadata':{'name':'q','uid':'q4'},'status':{'hard':{'services':'5',"
                            "'requests.cpu':5},'used':[]}}");
    assert_null(q->cpu_key);
    assert_null(q->mem_key);
    assert_int_equal(q->cpu_hard, -1);
    assert_int_equal(q->mem_hard, -1);
    assert_int_equal(q->pods_hard, -1);
    k8s_quota_free(&q->row);

    j = json_sq("{'metadata':{'uid':'q5'}}");
    assert_null(k8s_quota_parse(j, &err));
    assert_non_null(err);
    free(err);
    json_decref(j);
}

/* ---- metrics.k8s.io ---- */

static void test_metrics_parse(void **state)
{
    json_t *pj = load_fixture("k8s/podmetrics_kube-scheduler-minikube.json");
    json_t *nj = load_fixture("k8s/nodemetrics_minikube.json");
    struct k8s_metrics *m;
    char key[K8S_METRICS_KEY_MAX];
    char *err = NULL;
    json_t *j;

    (void)state;
    m = k8s_pod_metrics_parse(pj, &err);
    assert_non_null(m);
    assert_string_equal(m->row.uid, "kube-system/kube-scheduler-minikube");
    assert_string_equal(m->row.uid, k8s_pod_metrics_key("kube-system", "kube-scheduler-minikube",
                                                        key, sizeof key));
    assert_string_equal(m->ns, "kube-system");
    assert_string_equal(m->name, "kube-scheduler-minikube");
    assert_int_equal(m->cpu_m, 10);                 /* 9559630n = 9.56m, rounded up */
    assert_int_equal(m->mem_b, 22244 * 1024);       /* 22244Ki */
    assert_int_equal(m->timestamp, 1643311471);     /* 2022-01-27T19:24:31Z */
    assert_int_equal(m->window_s, 30);
    k8s_metrics_free(&m->row);
    /* a NodeMetrics is not a pod's: no namespace */
    assert_null(k8s_pod_metrics_parse(nj, &err));
    assert_non_null(strstr(err, "metadata.namespace missing"));
    free(err);
    err = NULL;

    m = k8s_node_metrics_parse(nj, &err);
    assert_non_null(m);
    assert_string_equal(m->row.uid, "minikube");
    assert_null(m->ns);
    assert_int_equal(m->cpu_m, 488);                /* 487558164n */
    assert_int_equal(m->mem_b, 732212 * 1024);
    assert_int_equal(m->timestamp, 1643309313);     /* 2022-01-27T18:48:33Z */
    k8s_metrics_free(&m->row);
    json_decref(pj);
    json_decref(nj);

    /* a pod is the sum of its containers; names are sanitized, the key too */
    j = json_sq("{'metadata':{'name':'api\\u001b[2J','namespace':'dmi'},'timestamp':'x',"
                "'window':'1m30s','containers':[{'name':'app','usage':{'cpu':'250m',"
                "'memory':'128Mi'}},{'name':'log-shipper','usage':{'cpu':'20001u',"
                "'memory':'32Mi'}}]}");
    m = k8s_pod_metrics_parse(j, NULL);
    assert_non_null(m);
    assert_string_equal(m->row.uid, "dmi/api?[2J");
    assert_int_equal(m->cpu_m, 271);
    assert_int_equal(m->mem_b, (int64_t)160 << 20);
    assert_int_equal(m->timestamp, 0);
    assert_int_equal(m->window_s, 90);
    k8s_metrics_free(&m->row);
    json_decref(j);

    /* one bad container makes the sum unknown; no containers is zero */
    j = json_sq("{'metadata':{'name':'p','namespace':'dmi'},'window':'500ms','containers':["
                "{'usage':{'cpu':'1','memory':'1Gi'}},{'usage':{'cpu':'garbage'}}]}");
    m = k8s_pod_metrics_parse(j, NULL);
    assert_int_equal(m->cpu_m, -1);
    assert_int_equal(m->mem_b, -1);
    assert_int_equal(m->window_s, 0);
    k8s_metrics_free(&m->row);
    json_decref(j);
    j = json_sq("{'metadata':{'name':'p','namespace':'dmi'},'containers':[]}");
    m = k8s_pod_metrics_parse(j, NULL);
    assert_int_equal(m->cpu_m, 0);
    assert_int_equal(m->mem_b, 0);
    k8s_metrics_free(&m->row);
    json_decref(j);
    j = json_sq("{'metadata':{'name':'n'},'usage':{'cpu':'8Ei'}}");
    m = k8s_node_metrics_parse(j, NULL);
    assert_int_equal(m->cpu_m, -1);
    assert_int_equal(m->mem_b, -1);
    k8s_metrics_free(&m->row);
    json_decref(j);
    j = json_sq("['x']");
    assert_null(k8s_node_metrics_parse(j, &err));
    assert_non_null(strstr(err, "not a JSON object"));
    free(err);
    json_decref(j);
}

/* k8s_pod_new(): every string copied and sanitized into the one block, "" and NULL both
 * absent, except STATUS, which is "" then. */
static void test_pod_new_one_block(void **state)
{
    struct k8s_pod_text t = {.uid = "u-1",
                             .ns = "dmi",
                             .name = "web\033[2J-0",
                             .status = "Running",
                             .node = "",
                             .ip = "10.0.0.7",
                             .app = "web",
                             .version = NULL,
                             .containers = "web,side",
                             .last_reason = "OOMKilled\n"};
    struct k8s_pod *p = k8s_pod_new(&t);
    const char *lo = (const char *)p, *hi = lo + sizeof *p + 64;
    const char *const kept[] = {p->row.uid, p->ns,  p->name,       p->status,
                                p->ip,      p->app, p->containers, p->last_reason};

    (void)state;
    assert_string_equal(p->row.uid, "u-1");
    assert_string_equal(p->ns, "dmi");
    assert_string_equal(p->name, "web?[2J-0");
    assert_string_equal(p->status, "Running");
    assert_null(p->node);
    assert_string_equal(p->ip, "10.0.0.7");
    assert_string_equal(p->app, "web");
    assert_null(p->version);
    assert_string_equal(p->containers, "web,side");
    assert_string_equal(p->last_reason, "OOMKilled?");
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        assert_true(kept[i] >= lo + sizeof *p && kept[i] < hi); /* inside the row's block */
    }
    assert_int_equal(p->restarts, 0);
    k8s_pod_free(&p->row);

    t.status = NULL;
    p = k8s_pod_new(&t);
    assert_non_null(p->status);
    assert_string_equal(p->status, "");
    k8s_pod_free(&p->row);
    t.status = "";
    p = k8s_pod_new(&t);
    assert_string_equal(p->status, "");
    k8s_pod_free(&p->row);
}

/* Names as Kubernetes validates them: an object's is a DNS-1123 subdomain, a namespace's or
 * a container's a DNS-1123 label. What is not a name must never become a path segment. */
static void test_valid_names(void **state)
{
    static const struct {
        const char *s;
        bool name, label;
    } cases[] = {
        {"web", true, true},
        {"forecast-api-7cd4fcff68-9blj6", true, true},
        {"0", true, true},
        {"a-b", true, true},
        {"kube-dns.v1.example", true, false}, /* dotted: a name, not a label */
        {"a.b", true, false},
        {".", false, false},
        {"..", false, false},
        {"a..b", false, false},
        {".a", false, false},
        {"a.", false, false},
        {"-a", false, false},
        {"a-", false, false},
        {"a.-b", false, false}, /* every label starts alphanumeric */
        {"a-.b", false, false}, /* and ends so */
        {"Web", false, false},
        {"web_1", false, false},
        {"a/b", false, false},
        {"a%2F", false, false},
        {"a b", false, false},
        {"", false, false},
    };
    char s[300];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (k8s_valid_name(cases[i].s) != cases[i].name ||
            k8s_valid_label(cases[i].s) != cases[i].label) {
            print_error("\"%s\": name %d label %d\n", cases[i].s, k8s_valid_name(cases[i].s),
                        k8s_valid_label(cases[i].s));
        }
        assert_true(k8s_valid_name(cases[i].s) == cases[i].name);
        assert_true(k8s_valid_label(cases[i].s) == cases[i].label);
    }
    assert_false(k8s_valid_name(NULL));
    assert_false(k8s_valid_label(NULL));

    /* A label has at most 63 characters. */
    memset(s, 'a', 63);
    s[63] = '\0';
    assert_true(k8s_valid_label(s));
    s[63] = 'b';
    s[64] = '\0';
    assert_false(k8s_valid_label(s));
    /* Kubernetes bounds a name's length, 253, not each of its labels (IsDNS1123Subdomain). */
    assert_true(k8s_valid_name(s));
    memset(s, 'a', 253);
    for (size_t i = 63; i < 253; i += 64) {
        s[i] = '.';
    }
    s[253] = '\0';
    assert_true(k8s_valid_name(s));
    s[253] = 'a';
    s[254] = '\0';
    assert_false(k8s_valid_name(s));
}

/* ---- nodes ---- */

/* tests/data/k8s/NAME as JSON, from $GC_ROOT when set (else the current directory). */
static json_t *load_data(const char *name)
{
    const char *root = getenv("GC_ROOT");
    char *path = xasprintf("%s/tests/data/k8s/%s", root != NULL && root[0] != '\0' ? root : ".",
                           name);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);

    if (j == NULL) {
        print_error("%s:%d: %s\n", path, jerr.line, jerr.text);
    }
    assert_non_null(j);
    free(path);
    return j;
}

/* kubectl get nodes: STATUS from the Ready condition and spec.unschedulable, ROLES from the
 * node-role.kubernetes.io/ labels and kubernetes.io/role, VERSION; and what describe prints
 * of taints; allocatable resources as numbers. */
static void test_node_parse(void **state)
{
    json_t *list = load_data("nodelist.json");
    json_t *items = json_object_get(list, "items");
    json_t *bad = json_sq("{'metadata':{'name':'n'},'status':{}}");
    struct k8s_node *n;
    char *err = NULL;

    (void)state;
    assert_int_equal(json_array_size(items), 3);
    n = (struct k8s_node *)k8s_row_parse(STORE_NODE, json_array_get(items, 0), &err);
    assert_non_null(n);
    assert_null(err);
    assert_string_equal(n->row.uid, "6f1c2a9e-0000-4000-8000-000000000001");
    assert_string_equal(n->name, "cp-1");
    assert_string_equal(n->status, "Ready");
    assert_int_equal(n->ready, K8S_NODE_READY);
    assert_false(n->unschedulable);
    assert_string_equal(n->roles, "control-plane");
    assert_string_equal(n->version, "v1.29.2");
    assert_string_equal(n->taints, "node-role.kubernetes.io/control-plane:NoSchedule");
    assert_int_equal(n->cpu_alloc, 3800);
    assert_int_equal(n->mem_alloc, (int64_t)7921820 * 1024);
    assert_int_equal(n->pods_alloc, 110);
    assert_int_equal(n->created, 1768032000); /* 2026-01-10T08:00:00Z */
    k8s_row_free_fn(STORE_NODE)(&n->row);

    /* Cordoned and not ready; roles sorted, once each, the empty one left out; a taint
     * without a key left out, one with a value shown key=value, sanitized. */
    n = k8s_node_parse(json_array_get(items, 1), &err);
    assert_non_null(n);
    assert_string_equal(n->status, "NotReady,SchedulingDisabled");
    assert_int_equal(n->ready, K8S_NODE_NOT_READY);
    assert_true(n->unschedulable);
    assert_string_equal(n->roles, "ingress,worker");
    assert_string_equal(n->version, "v1.28.9");
    assert_string_equal(n->taints,
                        "node.kubernetes.io/unschedulable:NoSchedule,dedicated=gpu?[31m:NoExecute");
    assert_int_equal(n->cpu_alloc, 15800);
    assert_int_equal(n->pods_alloc, 250);
    k8s_node_free(&n->row);

    /* No Ready condition: Unknown; no roles, taints or version; what is missing or not a
     * quantity is -1. */
    n = k8s_node_parse(json_array_get(items, 2), &err);
    assert_non_null(n);
    assert_string_equal(n->status, "Unknown");
    assert_int_equal(n->ready, K8S_NODE_UNKNOWN);
    assert_null(n->roles);
    assert_null(n->version);
    assert_null(n->taints);
    assert_int_equal(n->cpu_alloc, 500);
    assert_int_equal(n->mem_alloc, -1);
    assert_int_equal(n->pods_alloc, -1);
    assert_int_equal(n->created, 0);
    k8s_node_free(&n->row);

    /* Members of the wrong type read as absent. */
    n = row_sq(STORE_NODE, "{'metadata':{'name':'w','uid':'u','labels':['x',5]},'spec':{"
                           "'taints':{'key':'k'},'unschedulable':'yes'},'status':{'conditions':"
                           "'Ready','allocatable':{'cpu':4,'pods':[]},'nodeInfo':[]}}");
    assert_string_equal(n->status, "Unknown");
    assert_false(n->unschedulable);
    assert_null(n->roles);
    assert_null(n->taints);
    assert_null(n->version);
    assert_int_equal(n->cpu_alloc, -1);
    assert_int_equal(n->pods_alloc, -1);
    k8s_node_free(&n->row);
    n = row_sq(STORE_NODE, "{'metadata':{'name':'w','uid':'u'},'spec':{'taints':[5,null,"
                           "{'key':7},{'key':'k','value':[],'effect':{}}]}}");
    assert_string_equal(n->taints, "k");
    k8s_node_free(&n->row);

    assert_null(k8s_node_parse(bad, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "node n: metadata.uid missing"));
    free(err);
    json_decref(bad);
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_parse),       cmocka_unit_test(test_pod_new_one_block),
        cmocka_unit_test(test_fixture_podlists),  cmocka_unit_test(test_fixture_pod_fields),
        cmocka_unit_test(test_inline_branches),   cmocka_unit_test(test_deleted_and_sanitized),
        cmocka_unit_test(test_parse_errors),      cmocka_unit_test(test_wrong_types_never_crash),
        cmocka_unit_test(test_watch_stream),      cmocka_unit_test(test_namespace_inline),
        cmocka_unit_test(test_namespace_fixture), cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_fmt_one_unit),
        cmocka_unit_test(test_fmt_age),           cmocka_unit_test(test_fmt_restarts),
        cmocka_unit_test(test_threads),           cmocka_unit_test(test_image_tag),
        cmocka_unit_test(test_deployment_inline), cmocka_unit_test(test_statefulset_inline),
        cmocka_unit_test(test_workload_sanitized), cmocka_unit_test(test_deployment_fixtures),
        cmocka_unit_test(test_pod_last_reason),
        cmocka_unit_test(test_pod_prev_runs),
        cmocka_unit_test(test_pod_app_helpers),   cmocka_unit_test(test_replicaset_parse),
        cmocka_unit_test(test_quantity),          cmocka_unit_test(test_fmt_cpu_mem),
        cmocka_unit_test(test_quota_parse),       cmocka_unit_test(test_metrics_parse),
        cmocka_unit_test(test_valid_names),       cmocka_unit_test(test_node_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
