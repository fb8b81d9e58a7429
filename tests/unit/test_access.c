/* The access layer: scope by tenant through namespaces, overrides, refusals by verb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"

static struct store S;
static struct k8s_tenancy *T;

static void add_ns(const char *name, const char *tenant)
{
    struct k8s_namespace *ns = xcalloc(1, sizeof *ns);

    ns->row.uid = xasprintf("ns-%s", name);
    ns->name = xstrdup(name);
    ns->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    store_put(store_table(&S, STORE_NAMESPACE), &ns->row);
}

static void add_ns_display(const char *name, const char *tenant, const char *display)
{
    struct k8s_namespace *ns = xcalloc(1, sizeof *ns);

    ns->row.uid = xasprintf("ns-%s", name);
    ns->name = xstrdup(name);
    ns->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    ns->display = xstrdup(display);
    store_put(store_table(&S, STORE_NAMESPACE), &ns->row);
}

static void add_pod(const char *ns, const char *name)
{
    char *uid = xasprintf("%s/%s", ns, name);
    struct k8s_pod *p = k8s_pod_new(&(struct k8s_pod_text){.uid = uid, .ns = ns, .name = name});

    free(uid);
    store_put(store_table(&S, STORE_POD), &p->row);
}

static void add_node(const char *name)
{
    struct k8s_node *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("node-uid-%s", name);
    n->name = xstrdup(name);
    n->status = xstrdup("Ready");
    store_put(store_table(&S, STORE_NODE), &n->row);
}

static int setup(void **state)
{
    (void)state;
    store_init(&S);
    T = k8s_tenancy_new(&S);
    k8s_tenancy_register(T);
    add_ns("dmi", "dmi");
    add_ns("dmi-sandbox", "dmi");
    add_ns("skat", "skat");
    add_ns("kube-system", NULL);
    add_pod("dmi", "a");
    add_pod("dmi-sandbox", "b");
    add_pod("skat", "c");
    add_pod("kube-system", "d");
    add_pod("not-listed-yet", "e");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_fini(&S);
    k8s_tenancy_free(T);
    return 0;
}

/* The uids a cursor yields, joined by spaces, in store order filtered. */
static size_t visible(struct access *a, enum store_kind kind, char *out, size_t size)
{
    struct access_cursor c;
    const struct store_row *r;
    size_t n = 0, o = 0;

    out[0] = '\0';
    access_rows(a, kind, &c);
    while ((r = access_next(&c, NULL)) != NULL) {
        o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "", r->uid);
        n++;
    }
    return n;
}

static void test_all_tenants_see_everything(void **state)
{
    struct access *a = access_new("ops", ACCESS_OPERATOR, NULL, false);
    char buf[256];

    (void)state;
    access_bind(a, &S);
    assert_true(access_all_tenants(a));
    assert_string_equal(access_scope_text(a), "all");
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 5);
    assert_true(access_tenant_visible(a, NULL));
    assert_true(access_tenant_visible(a, k8s_tenancy_ns_tenant(T, "kube-system")));
    assert_null(k8s_tenancy_ns_tenant(T, "kube-system"));
    assert_string_equal(k8s_tenancy_ns_tenant(T, "dmi-sandbox"), "dmi");
    access_free(a);
}

static void test_tenant_scope_fails_closed(void **state)
{
    const char *const tenants[] = {"dmi", NULL};
    struct access *a = access_new("cust", ACCESS_DEVELOPER, tenants, false);
    const char *tenant = NULL;
    struct access_cursor c;
    char buf[256];

    (void)state;
    access_bind(a, &S);
    assert_false(access_all_tenants(a));
    assert_string_equal(access_scope_text(a), "dmi");
    /* Unlabelled and unknown namespaces are nobody's: not visible to a tenant scope. */
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 2);
    assert_non_null(strstr(buf, "dmi/a"));
    assert_non_null(strstr(buf, "dmi-sandbox/b"));
    assert_int_equal(visible(a, STORE_NAMESPACE, buf, sizeof buf), 2);
    assert_false(access_tenant_visible(a, NULL));
    assert_false(access_tenant_visible(a, "skat"));
    assert_false(access_tenant_visible(a, k8s_tenancy_ns_tenant(T, "not-listed-yet")));
    assert_null(access_get(a, STORE_POD, "skat/c"));
    assert_null(access_get(a, STORE_POD, "kube-system/d"));
    assert_non_null(access_get(a, STORE_POD, "dmi/a"));
    access_rows(a, STORE_POD, &c);
    assert_non_null(access_next(&c, &tenant));
    assert_string_equal(tenant, "dmi");
    access_free(a);
}

/* Nodes are the cluster's, no tenant's: a session scoped to some tenants reads none, not
 * even one named like its own namespace; a session of every tenant reads them all. */
static void test_nodes_only_for_every_tenant(void **state)
{
    const char *const tenants[] = {"dmi", NULL};
    struct access *scoped = access_new("cust", ACCESS_OPERATOR, tenants, false);
    struct access *all = access_new("ops", ACCESS_OPERATOR, NULL, false);
    char buf[256], why[128];

    (void)state;
    add_node("node-01");
    add_node("dmi");
    access_bind(scoped, &S);
    access_bind(all, &S);
    assert_null(access_row_tenant(all, STORE_NODE, access_get(all, STORE_NODE, "node-uid-dmi")));
    assert_int_equal(visible(scoped, STORE_NODE, buf, sizeof buf), 0);
    assert_null(access_get(scoped, STORE_NODE, "node-uid-node-01"));
    assert_null(access_get(scoped, STORE_NODE, "node-uid-dmi"));
    assert_int_equal(access_check(scoped, ACCESS_VIEW, NULL, why, sizeof why), -1);
    assert_int_equal(visible(all, STORE_NODE, buf, sizeof buf), 2);
    assert_non_null(strstr(buf, "node-uid-node-01"));
    assert_int_equal(access_check(all, ACCESS_VIEW, NULL, why, sizeof why), 0);
    access_free(scoped);
    access_free(all);
}

static void test_scope_follows_relabel(void **state)
{
    const char *const tenants[] = {"skat", NULL};
    struct access *a = access_new("cust", ACCESS_DEVELOPER, tenants, false);
    char buf[256];

    (void)state;
    access_bind(a, &S);
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 1);
    /* The namespace is relabelled: the index follows the namespace table's generation. */
    add_ns("dmi-sandbox", "skat");
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 2);
    add_ns("dmi-sandbox", "dmi");
    store_commit(&S);
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 1);
    access_free(a);
}

/* A mapping assigns an unlabelled namespace; one labelled for another tenant is refused. */
static void test_override_assigns_namespace(void **state)
{
    const char *const tenants[] = {"skat", "other", NULL};
    struct access *a = access_new("cust", ACCESS_VIEWER, tenants, false);
    char buf[256];

    size_t n;

    (void)state;
    k8s_tenancy_map_namespace(T, "kube-system", "skat"); /* unlabelled: the mapping assigns it */
    k8s_tenancy_map_namespace(T, "skat", "skat");        /* the same as its label: fine */
    k8s_tenancy_map_namespace(T, "dmi", "skat");         /* labelled dmi: a conflict */
    access_bind(a, &S);
    assert_string_equal(access_scope_text(a), "skat,other");
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 2);
    assert_string_equal(buf, "skat/c kube-system/d");
    assert_string_equal(k8s_tenancy_ns_tenant(T, "kube-system"), "skat");
    /* never reassigned, and no longer dmi's either: nobody's, refused and reported */
    assert_null(k8s_tenancy_ns_tenant(T, "dmi"));
    assert_string_equal(k8s_tenancy_conflicts(T, &n), "dmi (labelled dmi, mapped to skat)");
    assert_int_equal(n, 1);
    access_free(a);
}

static void test_check_refuses_by_reason(void **state)
{
    const char *const tenants[] = {"dmi", NULL};
    struct access *dev = access_new("dev", ACCESS_DEVELOPER, tenants, false);
    struct access *viewer = access_new("v", ACCESS_VIEWER, tenants, false);
    struct access *ro = access_new("ops", ACCESS_OPERATOR, NULL, true);
    struct access *ops = access_new("ops", ACCESS_OPERATOR, NULL, false);
    char why[128];

    (void)state;
    access_bind(dev, &S);
    access_bind(viewer, &S);
    access_bind(ro, &S);
    access_bind(ops, &S);
    /* access_check() takes the tenant the object's source resolved: here, its namespace's. */
    assert_int_equal(access_check(dev, ACCESS_RESTART, k8s_tenancy_ns_tenant(T, "dmi-sandbox"), why,
                                  sizeof why), 0);
    assert_int_equal(access_check(dev, ACCESS_DELETE, k8s_tenancy_ns_tenant(T, "dmi-sandbox"), why,
                                  sizeof why), -1);
    assert_string_equal(why, "role developer may not delete (in dmi)");
    assert_int_equal(access_check(dev, ACCESS_RESTART, k8s_tenancy_ns_tenant(T, "skat"), why,
                                  sizeof why), -1);
    assert_non_null(strstr(why, "not in your tenant scope"));
    /* The same words whether the namespace exists or not. */
    {
        char why2[128];

        assert_int_equal(access_check(dev, ACCESS_VIEW, k8s_tenancy_ns_tenant(T, "no-such-ns"),
                                      why2, sizeof why2), -1);
        assert_string_equal(why, why2);
    }
    assert_int_equal(access_check(dev, ACCESS_SCALE, NULL, why, sizeof why), -1);
    assert_int_equal(access_check(viewer, ACCESS_LOGS, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(viewer, ACCESS_SCALE, "dmi", why, sizeof why), -1);
    assert_string_equal(why, "role viewer may not scale (in dmi)");
    assert_int_equal(access_check(ro, ACCESS_DELETE, "dmi", why, sizeof why), -1);
    assert_string_equal(why, "read-only session (--readonly)");
    assert_int_equal(access_check(ro, ACCESS_VIEW, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(ops, ACCESS_DELETE, k8s_tenancy_ns_tenant(T, "kube-system"), why,
                                  sizeof why), 0);
    assert_int_equal(access_check(ops, ACCESS_DELETE, NULL, why, sizeof why), 0);
    /* nagios: acknowledge and downtime are changes like the others */
    assert_int_equal(access_check(viewer, ACCESS_ACKNOWLEDGE, "dmi", why, sizeof why), -1);
    assert_string_equal(why, "role viewer may not acknowledge (in dmi)");
    assert_int_equal(access_check(ro, ACCESS_DOWNTIME, "dmi", why, sizeof why), -1);
    assert_string_equal(why, "read-only session (--readonly)");
    assert_int_equal(access_check(dev, ACCESS_DOWNTIME, "dmi", why, sizeof why), -1);
    assert_string_equal(why, "role developer may not schedule downtime (in dmi)");
    assert_int_equal(access_check(dev, ACCESS_ACKNOWLEDGE, "skat", why, sizeof why), -1);
    assert_int_equal(access_verb_check(viewer, ACCESS_DOWNTIME, why, sizeof why), -1);
    assert_string_equal(why, "role viewer may not schedule downtime");
    assert_string_equal(access_user(ops), "ops");
    assert_string_equal(access_role_name(access_role(viewer)), "viewer");
    access_free(dev);
    access_free(viewer);
    access_free(ro);
    access_free(ops);
}

static void test_pattern_names_unlabelled_namespaces(void **state)
{
    const char *const tenants[] = {"kube", NULL};
    struct access *a = access_new("cust", ACCESS_DEVELOPER, tenants, false);
    char *err = NULL;
    char buf[256];

    (void)state;
    assert_int_equal(k8s_tenancy_set_pattern(T, "^(kube)-", &err), 0);
    access_bind(a, &S);
    /* kube-system has no label: the pattern names it; labelled namespaces keep their label. */
    assert_string_equal(k8s_tenancy_ns_tenant(T, "kube-system"), "kube");
    assert_string_equal(k8s_tenancy_ns_tenant(T, "dmi"), "dmi");
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 1);
    assert_string_equal(buf, "kube-system/d");
    assert_int_equal(k8s_tenancy_set_pattern(T, "^kube-", &err), -1);
    assert_non_null(strstr(err, "no capture group"));
    free(err);
    err = NULL;
    assert_int_equal(k8s_tenancy_set_pattern(T, "(", &err), -1);
    assert_non_null(err);
    free(err);
    access_free(a);
}

/* Errors from a source reach a scoped session only when they name nothing outside it. */
static void test_errors_are_redacted_by_scope(void **state)
{
    const char *dmi[] = {"dmi", NULL};
    struct access *all = access_new("op", ACCESS_OPERATOR, NULL, false);
    struct access *one = access_new("cust", ACCESS_VIEWER, dmi, false);
    const char *own = "pods \"a\" is forbidden: User \"x\" cannot get resource \"pods\" in "
                      "the namespace \"dmi-sandbox\"";
    const char *generic = "invalid JSON in pods watch: '[' or '{' expected near '<'";

    (void)state;
    access_bind(all, &S);
    access_bind(one, &S);
    /* Its own namespaces, or none at all: the text as it is. */
    assert_ptr_equal(access_redact(one, own), own);
    assert_ptr_equal(access_redact(one, generic), generic);
    assert_null(access_redact(one, NULL));
    /* Another tenant's namespace, an unlabelled namespace, another tenant's name: withheld. */
    assert_non_null(strstr(access_redact(one, "pod skat/c: metadata.uid missing"), "withheld"));
    assert_non_null(strstr(access_redact(one, "watch error 500: etcd: kube-system/d"), "withheld"));
    k8s_tenancy_map_namespace(T, "tax-prod", "tax");
    assert_non_null(strstr(access_redact(one, "quota of tenant tax exceeded"), "withheld"));
    /* A name that only contains a hidden one is not it. */
    assert_string_equal(access_redact(one, "skattestyrelsen dmi"), "skattestyrelsen dmi");
    assert_string_equal(access_redact(one, "skat-prod is unrelated"), "skat-prod is unrelated");
    /* A tenant's display name, in any case, from the namespace's annotation or the
     * configuration: withheld too. */
    add_ns_display("skat", "skat", "Skattestyrelsen");
    assert_non_null(strstr(access_redact(one, "quota of SKATTESTYRELSEN exceeded"), "withheld"));
    k8s_tenancy_set_display(T, "sst", "Sundhedsstyrelsen Data");
    k8s_tenancy_map_namespace(T, "sst", "sst");
    assert_non_null(strstr(access_redact(one, "from sundhedsstyrelsen data: no"), "withheld"));
    assert_string_equal(access_redact(one, "sundhedsstyrelsen datacenter"),
                        "sundhedsstyrelsen datacenter");
    /* Line by line for a longer text: only the lines that name another tenant go. */
    {
        const char *text = "Name: a\nNamespace: dmi\nEvent: pulled by skat/c\nEnd";
        size_t n = 0;
        char *r = access_redact_lines(one, text, strlen(text), &n);

        assert_non_null(r);
        assert_int_equal(n, strlen(r));
        assert_string_equal(r, "Name: a\nNamespace: dmi\n"
                               "[a line about something outside your scope: withheld]\nEnd");
        free(r);
        assert_null(access_redact_lines(one, "Name: a\nNamespace: dmi\n", 24, &n));
        assert_null(access_redact_lines(all, text, strlen(text), &n));
    }
    /* Every tenant: never withheld. */
    assert_string_equal(access_redact(all, "pod skat/c: metadata.uid missing"),
                        "pod skat/c: metadata.uid missing");
    access_free(all);
    access_free(one);
}

static const char *no_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    (void)kind;
    (void)row;
    return NULL;
}

static uint64_t no_gen(void *ctx)
{
    (void)ctx;
    return 0;
}

/* A kind cannot be registered without saying how its rows map to a tenant. */
/* ServiceNow's verbs: a tenant's developers open incidents and add work notes in their tenant;
 * assigning and resolving are the platform staff's; viewers and --readonly change nothing. */
static void test_incident_verbs(void **state)
{
    static const char *const dmi[] = {"dmi", NULL};
    struct access *dev = access_new("dev", ACCESS_DEVELOPER, dmi, false);
    struct access *viewer = access_new("v", ACCESS_VIEWER, dmi, false);
    struct access *oncall = access_new("o", ACCESS_ONCALL, NULL, false);
    struct access *ro = access_new("o", ACCESS_OPERATOR, NULL, true);
    char why[256];

    (void)state;
    assert_int_equal(access_check(dev, ACCESS_INCIDENT_CREATE, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(dev, ACCESS_INCIDENT_NOTE, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(dev, ACCESS_INCIDENT_CREATE, "skat", why, sizeof why), -1);
    assert_int_equal(access_check(dev, ACCESS_INCIDENT_UPDATE, "dmi", why, sizeof why), -1);
    assert_non_null(strstr(why, "update incidents"));
    assert_int_equal(access_check(viewer, ACCESS_INCIDENT_NOTE, "dmi", why, sizeof why), -1);
    assert_int_equal(access_check(oncall, ACCESS_INCIDENT_UPDATE, "skat", why, sizeof why), 0);
    assert_int_equal(access_check(ro, ACCESS_INCIDENT_CREATE, "skat", why, sizeof why), -1);
    access_free(dev);
    access_free(viewer);
    access_free(oncall);
    access_free(ro);
}

static void test_kind_needs_a_tenancy(void **state)
{
    struct store s;
    const struct store_tenancy half = {.row_tenant = no_tenant};
    const struct store_tenancy whole = {.row_tenant = no_tenant, .gen = no_gen};

    (void)state;
    store_init(&s);
    assert_int_equal(store_register(&s, STORE_POD, k8s_pod_free, NULL), -1);
    assert_int_equal(store_register(&s, STORE_POD, k8s_pod_free, &half), -1);
    assert_int_equal(store_register(&s, STORE_POD, NULL, &whole), -1);
    assert_null(s.tables[STORE_POD].tenancy);
    assert_int_equal(store_register(&s, STORE_POD, k8s_pod_free, &whole), 0);
    assert_ptr_equal(s.tables[STORE_POD].tenancy, &whole);
    store_fini(&s);
}

/* ---- roles (issue 16) ------------------------------------------------------------------- */

static const enum access_verb all_verbs[] = {
    ACCESS_VIEW,        ACCESS_LOGS,     ACCESS_RESTART,         ACCESS_SCALE,
    ACCESS_DELETE,      ACCESS_ACKNOWLEDGE, ACCESS_DOWNTIME,     ACCESS_INCIDENT_CREATE,
    ACCESS_INCIDENT_NOTE, ACCESS_INCIDENT_UPDATE,
};
#define NVERBS (sizeof all_verbs / sizeof all_verbs[0])

/* The table of docs/security.md ("Roles"), in all_verbs' order: 1 where the role may. */
static const struct {
    enum access_role role;
    const char *name;
    int may[NVERBS];
} matrix[] = {
    /*                                 view logs rst scale del ack down create note update */
    {ACCESS_OPERATOR, "operator", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
    {ACCESS_ONCALL, "oncall", {1, 1, 1, 0, 0, 1, 0, 1, 1, 1}},
    {ACCESS_DEVELOPER, "developer", {1, 1, 1, 1, 0, 0, 0, 1, 1, 0}},
    {ACCESS_VIEWER, "viewer", {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
};

/* A session granted `role` as the directory grants it: operators and on-call staff in every
 * tenant, developers and viewers in dmi. */
static struct access *granted(enum access_role role, const char *narrow, char **why)
{
    static const char *const dmi[] = {"dmi", NULL};
    struct access_grant g = {
        .operator = role == ACCESS_OPERATOR,
        .oncall = role == ACCESS_ONCALL,
        .developer = role == ACCESS_DEVELOPER ? dmi : NULL,
        .viewer = role == ACCESS_VIEWER ? dmi : NULL,
    };

    return access_new_grant("u", &g, narrow, false, why);
}

/* Every role against every verb, in its own tenant and in another; the refusal names the role,
 * the verb and the tenant. */
static void test_role_verb_matrix(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof matrix / sizeof matrix[0]; r++) {
        char *err = NULL;
        struct access *g = granted(matrix[r].role, NULL, &err);
        struct access *n = access_new("u", matrix[r].role, NULL, false);
        bool staff = matrix[r].role == ACCESS_OPERATOR || matrix[r].role == ACCESS_ONCALL;

        assert_non_null(g);
        assert_null(err);
        access_bind(g, &S);
        assert_int_equal(access_role(g), matrix[r].role);
        assert_string_equal(access_role_text(g, NULL), matrix[r].name);
        assert_int_equal(access_all_tenants(g), staff);
        for (size_t v = 0; v < NVERBS; v++) {
            char why[160], want[160];

            snprintf(want, sizeof want, "role %s may not %s (in dmi)", matrix[r].name,
                     access_verb_name(all_verbs[v]));
            assert_int_equal(access_check(g, all_verbs[v], "dmi", why, sizeof why),
                             matrix[r].may[v] ? 0 : -1);
            if (!matrix[r].may[v]) {
                assert_string_equal(why, want);
            }
            assert_int_equal(access_verb_granted(g, all_verbs[v]), matrix[r].may[v]);
            assert_int_equal(access_verb_check(g, all_verbs[v], why, sizeof why),
                             matrix[r].may[v] ? 0 : -1);
            /* access_new() with the role over every tenant: the same verbs */
            assert_int_equal(access_check(n, all_verbs[v], "skat", why, sizeof why),
                             matrix[r].may[v] ? 0 : -1);
            /* another tenant: the staff's like their own, a tenant's roles none at all */
            assert_int_equal(access_check(g, all_verbs[v], "skat", why, sizeof why),
                             staff && matrix[r].may[v] ? 0 : -1);
            if (!staff) {
                assert_string_equal(why, "not in your tenant scope (dmi)");
            }
        }
        access_free(g);
        access_free(n);
    }
}

/* Roles add up per tenant: a developer of dmi and viewer of skat scales in dmi only. */
static void test_roles_add_up_per_tenant(void **state)
{
    static const char *const dmi[] = {"dmi", NULL}, *const skat[] = {"skat", NULL};
    struct access_grant both = {.developer = dmi, .viewer = skat};
    struct access_grant twice = {.developer = dmi, .viewer = dmi};
    struct access_grant oncall_dev = {.oncall = true, .developer = dmi};
    struct access_grant op_dev = {.operator = true, .developer = dmi, .viewer = skat};
    char *err = NULL, why[160], buf[256];
    bool names = false;
    struct access *a = access_new_grant("alice", &both, NULL, false, &err);

    (void)state;
    assert_non_null(a);
    access_bind(a, &S);
    assert_string_equal(access_user(a), "alice");
    assert_false(access_all_tenants(a));
    assert_false(access_narrowed(a));
    assert_string_equal(access_scope_text(a), "dmi,skat");
    assert_int_equal(access_role(a), ACCESS_DEVELOPER);
    assert_string_equal(access_role_text(a, &names), "developer dmi, viewer skat");
    assert_true(names);
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 3);
    assert_string_equal(buf, "dmi/a dmi-sandbox/b skat/c");
    assert_int_equal(access_check(a, ACCESS_SCALE, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(a, ACCESS_SCALE, "skat", why, sizeof why), -1);
    assert_string_equal(why, "role viewer may not scale (in skat)");
    assert_int_equal(access_check(a, ACCESS_RESTART, "skat", why, sizeof why), -1);
    assert_int_equal(access_check(a, ACCESS_LOGS, "skat", why, sizeof why), 0);
    assert_int_equal(access_check(a, ACCESS_VIEW, NULL, why, sizeof why), -1);
    /* anywhere: the developer's verbs, nothing more */
    assert_int_equal(access_verb_check(a, ACCESS_SCALE, why, sizeof why), 0);
    assert_int_equal(access_verb_check(a, ACCESS_DELETE, why, sizeof why), -1);
    assert_string_equal(why, "role developer may not delete");
    access_free(a);

    /* the same tenant in two groups: the higher role's verbs, the tenant once */
    a = access_new_grant("bob", &twice, NULL, false, &err);
    assert_string_equal(access_scope_text(a), "dmi");
    assert_string_equal(access_role_text(a, &names), "developer");
    assert_false(names);
    assert_int_equal(access_check(a, ACCESS_SCALE, "dmi", why, sizeof why), 0);
    access_free(a);

    /* on-call everywhere and developer of dmi: scale in dmi only, acknowledge everywhere */
    a = access_new_grant("carol", &oncall_dev, NULL, false, &err);
    assert_true(access_all_tenants(a));
    assert_int_equal(access_role(a), ACCESS_ONCALL);
    assert_string_equal(access_role_text(a, &names), "oncall, developer dmi");
    assert_false(names);
    assert_int_equal(access_check(a, ACCESS_SCALE, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(a, ACCESS_ACKNOWLEDGE, "dmi", why, sizeof why), 0);
    assert_int_equal(access_check(a, ACCESS_SCALE, "skat", why, sizeof why), -1);
    assert_string_equal(why, "role oncall may not scale (in skat)");
    assert_int_equal(access_check(a, ACCESS_SCALE, NULL, why, sizeof why), -1);
    assert_int_equal(access_check(a, ACCESS_RESTART, NULL, why, sizeof why), 0);
    assert_int_equal(access_check(a, ACCESS_DELETE, "dmi", why, sizeof why), -1);
    access_free(a);

    /* an operator's other groups add nothing */
    a = access_new_grant("dan", &op_dev, NULL, false, &err);
    assert_string_equal(access_role_text(a, NULL), "operator");
    assert_int_equal(access_check(a, ACCESS_DELETE, "skat", why, sizeof why), 0);
    access_free(a);
}

/* --tenant narrows inside the grant and is refused outside it, with the same words whether
 * the tenant exists or not; no role at all is refused. */
static void test_narrow_never_widens(void **state)
{
    static const char *const dmi[] = {"dmi", NULL}, *const skat[] = {"skat", NULL};
    struct access_grant both = {.developer = dmi, .viewer = skat};
    struct access_grant dev = {.developer = dmi};
    struct access_grant op = {.operator = true};
    struct access_grant none = {0};
    char *err = NULL, *err2 = NULL, why[160], buf[256];
    struct access *a = access_new_grant("alice", &both, "skat", false, &err);

    (void)state;
    assert_non_null(a);
    assert_null(err);
    access_bind(a, &S);
    assert_true(access_narrowed(a));
    assert_string_equal(access_scope_text(a), "skat");
    assert_string_equal(access_role_text(a, NULL), "viewer");
    assert_int_equal(access_role(a), ACCESS_VIEWER);
    assert_int_equal(visible(a, STORE_POD, buf, sizeof buf), 1);
    assert_string_equal(buf, "skat/c");
    assert_int_equal(access_check(a, ACCESS_SCALE, "dmi", why, sizeof why), -1);
    assert_string_equal(why, "not in your tenant scope (skat)");
    /* narrowed to the viewer's tenant, the developer's verbs are nowhere in scope */
    assert_false(access_verb_granted(a, ACCESS_SCALE));
    access_free(a);

    /* outside the grant: refused, with the same sentence for a tenant that exists (skat)
     * and one that does not */
    assert_null(access_new_grant("alice", &dev, "skat", false, &err));
    assert_non_null(err);
    assert_string_equal(err, "--tenant skat: not one of your tenants (dmi)");
    assert_null(access_new_grant("alice", &dev, "zzzz", false, &err2));
    assert_string_equal(err2, "--tenant zzzz: not one of your tenants (dmi)");
    free(err);
    free(err2);
    assert_null(access_new_grant("alice", &both, "dmi-sandbox", false, &err));
    assert_string_equal(err, "--tenant dmi-sandbox: not one of your tenants (dmi, skat)");
    free(err);

    /* staff hold every tenant: any name narrows, nothing outside it stays reachable */
    a = access_new_grant("ola", &op, "skat", true, &err);
    assert_non_null(a);
    access_bind(a, &S);
    assert_false(access_all_tenants(a));
    assert_true(access_readonly(a));
    assert_int_equal(access_role(a), ACCESS_OPERATOR);
    assert_int_equal(access_check(a, ACCESS_VIEW, NULL, why, sizeof why), -1);
    assert_int_equal(access_check(a, ACCESS_VIEW, "dmi", why, sizeof why), -1);
    assert_int_equal(access_check(a, ACCESS_DELETE, "skat", why, sizeof why), -1);
    assert_string_equal(why, "read-only session (--readonly)");
    access_free(a);

    /* no group that grants a role */
    assert_null(access_new_grant("nemo", &none, NULL, false, &err));
    assert_non_null(strstr(err, "no role"));
    free(err);
    assert_null(access_new_grant("nemo", &none, "dmi", false, &err));
    assert_non_null(strstr(err, "no role"));
    free(err);
}

/* The directory could not say who the user is: a viewer of nothing sees no row at all, not
 * every tenant's. */
static void test_nobody_sees_nothing(void **state)
{
    struct access *a = access_new_nobody("who", false);
    const char *const *scope = access_scope(a);
    char why[160], buf[256];
    bool names = false;

    (void)state;
    access_bind(a, &S);
    assert_false(access_all_tenants(a));
    assert_false(access_narrowed(a));
    assert_non_null(scope);
    assert_null(scope[0]);
    assert_string_equal(access_scope_text(a), "none");
    assert_int_equal(access_role(a), ACCESS_VIEWER);
    assert_string_equal(access_role_text(a, &names), "viewer (no tenants)");
    assert_true(names);
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        assert_int_equal(visible(a, (enum store_kind)k, buf, sizeof buf), 0);
    }
    assert_null(access_get(a, STORE_POD, "dmi/a"));
    assert_null(access_get(a, STORE_POD, "kube-system/d"));
    assert_false(access_tenant_visible(a, NULL));
    assert_false(access_tenant_visible(a, "dmi"));
    assert_false(access_tenant_visible(a, ""));
    assert_int_equal(access_check(a, ACCESS_VIEW, "dmi", why, sizeof why), -1);
    assert_int_equal(access_check(a, ACCESS_VIEW, NULL, why, sizeof why), -1);
    assert_string_equal(why, "not in your tenant scope (none)");
    assert_int_equal(access_verb_check(a, ACCESS_RESTART, why, sizeof why), -1);
    assert_string_equal(why, "role viewer may not restart");
    assert_true(access_verb_granted(a, ACCESS_VIEW));
    /* every tenant's name is withheld from its messages */
    assert_string_not_equal(access_redact(a, "namespace skat is forbidden"),
                            "namespace skat is forbidden");
    access_free(a);
}

/* access_new() keeps its meaning: a role over every tenant, narrowed by a list. */
static void test_access_new_narrows(void **state)
{
    static const char *const dmi[] = {"dmi", NULL};
    static const char *const none[] = {NULL};
    struct access *a = access_new("cust", ACCESS_DEVELOPER, dmi, false);
    struct access *b = access_new("ops", ACCESS_ONCALL, none, false);
    bool names = true;

    (void)state;
    assert_true(access_narrowed(a));
    assert_string_equal(access_role_text(a, &names), "developer");
    assert_false(names);
    assert_string_equal(access_scope_text(a), "dmi");
    assert_true(access_all_tenants(b));
    assert_false(access_narrowed(b));
    assert_null(access_scope(b));
    assert_string_equal(access_scope_text(b), "all");
    assert_string_equal(access_role_text(b, NULL), "oncall");
    access_free(a);
    access_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_tenants_see_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tenant_scope_fails_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nodes_only_for_every_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_follows_relabel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_assigns_namespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_refuses_by_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pattern_names_unlabelled_namespaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_are_redacted_by_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kind_needs_a_tenancy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident_verbs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_role_verb_matrix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roles_add_up_per_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narrow_never_widens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nobody_sees_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_new_narrows, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
