/* core/k8s_model: Pod and Namespace JSON to rows, with kubectl's STATUS, READY, RESTARTS and
 * AGE. Expected values follow kubectl's printPod rules (pkg/printers/internalversion) and
 * apimachinery's duration.HumanDuration, worked out by hand for each input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/k8s_model.h"
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

static struct k8s_pod *pod_sq(const char *text)
{
    json_t *j = json_sq(text);
    char *err = NULL;
    struct k8s_pod *p = k8s_pod_parse(j, &err);

    if (p == NULL) {
        print_error("pod did not parse: %s\n", err != NULL ? err : "(no message)");
    }
    assert_non_null(p);
    assert_null(err);
    json_decref(j);
    return p;
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
                        "'labels':{'govcloud.sit.dk/tenant':'dmi','other':'x'},"
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
    assert_int_equal(n->created, 1714557600);
    k8s_namespace_free(&n->row);

    n = k8s_namespace_parse(bare, &err);
    assert_non_null(n);
    assert_null(n->tenant);
    assert_null(n->display);
    assert_null(n->phase);
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
        assert_int_equal(n->created, 1663940765); /* 2022-09-23T13:46:05Z */
        assert_int_equal(strlen(n->row.uid), 36);
        k8s_namespace_free(&n->row);
    }
    json_decref(list);
}

/* ---- Deployments and StatefulSets ---- */

static struct k8s_workload *deploy_sq(const char *text)
{
    json_t *j = json_sq(text);
    char *err = NULL;
    struct k8s_workload *w = k8s_deployment_parse(j, &err);

    if (w == NULL) {
        print_error("deployment did not parse: %s\n", err != NULL ? err : "(no message)");
    }
    assert_non_null(w);
    assert_int_equal(w->kind, K8S_WORKLOAD_DEPLOYMENT);
    json_decref(j);
    return w;
}

static struct k8s_workload *sts_sq(const char *text)
{
    json_t *j = json_sq(text);
    char *err = NULL;
    struct k8s_workload *w = k8s_statefulset_parse(j, &err);

    if (w == NULL) {
        print_error("statefulset did not parse: %s\n", err != NULL ? err : "(no message)");
    }
    assert_non_null(w);
    assert_int_equal(w->kind, K8S_WORKLOAD_STATEFULSET);
    json_decref(j);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_parse),
        cmocka_unit_test(test_fixture_podlists),  cmocka_unit_test(test_fixture_pod_fields),
        cmocka_unit_test(test_inline_branches),   cmocka_unit_test(test_deleted_and_sanitized),
        cmocka_unit_test(test_parse_errors),      cmocka_unit_test(test_wrong_types_never_crash),
        cmocka_unit_test(test_watch_stream),      cmocka_unit_test(test_namespace_inline),
        cmocka_unit_test(test_namespace_fixture), cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_fmt_age),           cmocka_unit_test(test_fmt_restarts),
        cmocka_unit_test(test_threads),           cmocka_unit_test(test_image_tag),
        cmocka_unit_test(test_deployment_inline), cmocka_unit_test(test_statefulset_inline),
        cmocka_unit_test(test_workload_sanitized), cmocka_unit_test(test_deployment_fixtures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
