/* core/k8s/k8s_request: what is not a Kubernetes name never becomes a path segment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_request.h"
#include "core/source.h"

/* Names no builder may accept, as a namespace or as an object's name. */
static const char *const not_names[] = {".", "..", "a..b", "-a", "a-", "Web", "a/b", "", NULL};

/* Every builder with (ns, name); returns how many made a request (each freed). */
static int builders_accepting(const char *ns, const char *name)
{
    struct source_request *r[] = {
        k8s_request_detail(K8S_OBJECT_POD, ns, name, NULL, "dmi", false),
        k8s_request_detail(K8S_OBJECT_DEPLOYMENT, ns, name, NULL, "dmi", true),
        k8s_request_delete_pod(ns, name, NULL, NULL, "dmi"),
        k8s_request_restart(K8S_OBJECT_STATEFULSET, ns, name, "dmi"),
        k8s_request_scale(K8S_OBJECT_DEPLOYMENT, ns, name, 2, -1, "dmi"),
        k8s_request_logs(ns, name, NULL, "app", "dmi"),
        k8s_request_app_logs(K8S_OBJECT_DEPLOYMENT, ns, name, "web", NULL, "app", "dmi"),
    };
    int made = 0;

    for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
        if (r[i] != NULL) {
            made++;
            source_request_free(r[i]);
        }
    }
    return made;
}

static void test_not_names_refused(void **state)
{
    (void)state;
    assert_int_equal(builders_accepting("dmi", "web"), 7);
    for (size_t i = 0; i < sizeof(not_names) / sizeof(not_names[0]); i++) {
        const char *bad = not_names[i];

        if (builders_accepting("dmi", bad) != 0 || builders_accepting(bad, "web") != 0) {
            print_error("\"%s\" made a request\n", bad != NULL ? bad : "(null)");
        }
        assert_int_equal(builders_accepting("dmi", bad), 0);
        assert_int_equal(builders_accepting(bad, "web"), 0);
    }
    /* A namespace is a label: a dotted name is an object's name, never a namespace. */
    assert_int_equal(builders_accepting("dmi.prod", "web"), 0);
    assert_int_equal(builders_accepting("dmi", "web.v1"), 7);
}

static void test_paths(void **state)
{
    struct source_request *r;
    struct source_stream_opts o = {0};
    char *path;

    (void)state;
    r = k8s_request_detail(K8S_OBJECT_POD, "dmi", "web.v1-0", NULL, "dmi", false);
    assert_string_equal(k8s_request_priv(r)->path, "/api/v1/namespaces/dmi/pods/web.v1-0");
    source_request_free(r);
    r = k8s_request_scale(K8S_OBJECT_STATEFULSET, "dmi-sandbox", "db", 1, -1, "dmi");
    assert_string_equal(k8s_request_priv(r)->path,
                        "/apis/apps/v1/namespaces/dmi-sandbox/statefulsets/db/scale");
    source_request_free(r);

    /* A log's containers are labels: the others are left out of its parts. */
    r = k8s_request_logs("dmi", "web-0", NULL, "app,..,side.car,Side,-x,istio-proxy", "dmi");
    assert_non_null(r);
    assert_int_equal(r->nparts, 2);
    assert_string_equal(r->parts[0], "app");
    assert_string_equal(r->parts[1], "istio-proxy");
    o.part = 1;
    o.timestamps = true;
    path = k8s_request_log_path(r, &o);
    assert_string_equal(path, "/api/v1/namespaces/dmi/pods/web-0/log?follow=true&tailLines=500"
                              "&timestamps=true&container=istio-proxy&previous=false");
    free(path);
    o.part = 2; /* past the parts: no container */
    o.previous = true;
    path = k8s_request_log_path(r, &o);
    assert_string_equal(path, "/api/v1/namespaces/dmi/pods/web-0/log?follow=true&tailLines=500"
                              "&timestamps=true&previous=true");
    free(path);
    assert_null(r->members);
    source_request_free(r);

    /* An app's log: whose pods (kept for the source), its parts, a merged stream of pods; no
     * app, or a pod, is no app's log. */
    r = k8s_request_app_logs(K8S_OBJECT_STATEFULSET, "dmi", "obs-db", "obs", "16.2",
                             "postgres,Bad", "dmi");
    assert_non_null(r);
    assert_int_equal(r->op, SOURCE_OP_STREAM);
    assert_int_equal(r->verb, ACCESS_LOGS);
    assert_string_equal(r->members, "pods");
    assert_string_equal(r->title, "logs dmi/obs-db");
    assert_string_equal(k8s_request_priv(r)->app, "obs");
    assert_string_equal(k8s_request_priv(r)->version, "16.2");
    assert_int_equal(k8s_request_priv(r)->obj, K8S_OBJECT_STATEFULSET);
    assert_int_equal(r->nparts, 1);
    assert_string_equal(r->parts[0], "postgres");
    source_request_free(r);
    assert_null(k8s_request_app_logs(K8S_OBJECT_DEPLOYMENT, "dmi", "web", NULL, NULL, NULL, "dmi"));
    assert_null(k8s_request_app_logs(K8S_OBJECT_POD, "dmi", "web", "web", NULL, NULL, "dmi"));

    /* One pod's followed log as an app's log asks for it. */
    path = k8s_log_path("dmi", "web-7d9c-x7k2p", "app", 10, false, true);
    assert_string_equal(path, "/api/v1/namespaces/dmi/pods/web-7d9c-x7k2p/log?follow=true"
                              "&tailLines=10&timestamps=false&container=app&previous=true");
    free(path);
}

/* The delete question says what comes after, by the pod's controller. */
static void test_delete_says_what_recreates(void **state)
{
    static const struct {
        const char *owner, *says;
    } cases[] = {
        {NULL, "Nothing will recreate it: this cannot be undone."},
        {"ReplicaSet/web-7d9f", "Its ReplicaSet web-7d9f will start a new pod in its place."},
        {"StatefulSet/db", "Its StatefulSet db will recreate it under the same name."},
        {"DaemonSet/agent", "Its DaemonSet agent will start a new one on the same node."},
        {"Job/backup-1", "Its Job backup-1 starts another pod unless it has finished"},
        {"Widget/w", "It belongs to Widget w, which may recreate it."},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct source_request *r = k8s_request_delete_pod("dmi", "web-1", NULL, cases[i].owner,
                                                          "dmi");

        assert_non_null(r);
        if (strstr(r->question, cases[i].says) == NULL) {
            print_error("%s: %s\n", cases[i].owner ? cases[i].owner : "(none)", r->question);
        }
        assert_non_null(strstr(r->question, cases[i].says));
        assert_non_null(strstr(r->question, "Delete dmi/pods/web-1? "));
        source_request_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_names_refused),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_delete_says_what_recreates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
