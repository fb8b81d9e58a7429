/* The Nagios host map (core/nagios/nagios_objects.c): tenant and app per host from
 * hostgroups and _APP, with [tenant NAME] overrides, over hand-made answers and the
 * objectjson fixtures of ../shared/fixtures/nagios; the envelope's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/nagios/nagios_objects.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"
#include "tests/unit/file_fixture.h"

#define ENVELOPE(query, data)                                                                  \
    "{\"format_version\":0,\"result\":{\"cgi\":\"objectjson.cgi\",\"user\":\"nagiosadmin\","  \
    "\"query\":\"" query "\",\"type_code\":0,\"type_text\":\"Success\",\"message\":\"\"},"      \
    "\"data\":{\"selectors\":{}," data "}}"

static const char groups_json[] = ENVELOPE(
    "hostgrouplist",
    "\"hostgrouplist\":{"
    "\"tenant-dmi\":{\"group_name\":\"tenant-dmi\",\"members\":[\"dmi-forecast-api\","
    "\"dmi-radar\",\"shared-db\"]},"
    "\"tenant-sst\":{\"group_name\":\"tenant-sst\",\"members\":[\"sst-portal\",\"odd-name\"]},"
    "\"linux-servers\":{\"group_name\":\"linux-servers\",\"members\":[\"dmi-forecast-api\","
    "\"localhost\"]},"
    "\"custom-hosts\":{\"group_name\":\"custom-hosts\",\"members\":[\"kf-web\"]},"
    "\"tenant-gst\":{\"group_name\":\"tenant-gst\",\"members\":[\"gst-api\"]}}");

static const char hosts_json[] = ENVELOPE(
    "hostlist",
    "\"hostlist\":{"
    "\"dmi-radar\":{\"name\":\"dmi-radar\",\"custom_variables\":{\"APP\":\"radar-ingest\"}},"
    "\"dmi-forecast-api\":{\"name\":\"dmi-forecast-api\",\"custom_variables\":{}},"
    "\"lonely\":{\"name\":\"lonely\",\"custom_variables\":{}}}");

/* A config with [tenant kf] nagios_hostgroup = custom-hosts and [tenant gst] naming a group
 * other than tenant-gst. */
static struct config_tenant tenants[2];
static struct gc_config cfg;
static char name_kf[] = "kf", group_kf[] = "custom-hosts", name_gst[] = "gst",
            group_gst[] = "gst-hosts";

static void cfg_setup(void)
{
    memset(&cfg, 0, sizeof cfg);
    memset(tenants, 0, sizeof tenants);
    tenants[0].name = name_kf;
    tenants[0].nagios_hostgroup = group_kf;
    tenants[1].name = name_gst;
    tenants[1].nagios_hostgroup = group_gst;
    cfg.tenants = tenants;
    cfg.ntenants = 2;
}

static void expect(const struct nagios_hostmap *m, const char *host, const char *tenant,
                   const char *app)
{
    const struct nagios_host_entry *e = nagios_hostmap_find(m, host);

    assert_non_null(e);
    assert_string_equal(e->host, host);
    if (tenant == NULL) {
        assert_null(e->tenant);
    } else {
        assert_non_null(e->tenant);
        assert_string_equal(e->tenant, tenant);
    }
    assert_string_equal(e->app, app);
}

static void test_groups_and_apps(void **state)
{
    struct nagios_hostmap *m = nagios_hostmap_new();
    char *err = NULL;
    struct tenant_pattern *tp = tenant_pattern_new("^tenant-([a-z0-9-]+)$", &err);
    bool rejected = true;

    (void)state;
    cfg_setup();
    assert_non_null(tp);
    assert_int_equal(nagios_hostmap_read_groups(m, groups_json, strlen(groups_json), &rejected,
                                                &err),
                     0);
    assert_false(rejected);
    assert_int_equal(nagios_hostmap_read_hosts(m, hosts_json, strlen(hosts_json), &rejected, &err),
                     0);
    assert_null(err);
    nagios_hostmap_resolve(m, &cfg, tp);
    /* the prefix is dropped; a second, non-tenant group changes nothing */
    expect(m, "dmi-forecast-api", "dmi", "forecast-api");
    /* _APP wins over the name */
    expect(m, "dmi-radar", "dmi", "radar-ingest");
    /* a member without the tenant's prefix keeps its name as the app */
    expect(m, "shared-db", "dmi", "shared-db");
    expect(m, "odd-name", "sst", "odd-name");
    expect(m, "sst-portal", "sst", "portal");
    /* [tenant kf] nagios_hostgroup names a group the pattern does not match */
    expect(m, "kf-web", "kf", "web");
    /* [tenant gst] names another group: tenant-gst no longer makes gst */
    expect(m, "gst-api", NULL, "gst-api");
    /* in no tenant group, or only in the host list */
    expect(m, "localhost", NULL, "localhost");
    expect(m, "lonely", NULL, "lonely");
    assert_null(nagios_hostmap_find(m, "nobody"));
    /* every host once, in name order */
    assert_int_equal(nagios_hostmap_count(m), 9);
    for (size_t i = 1; i < nagios_hostmap_count(m); i++) {
        assert_true(strcmp(nagios_hostmap_host(m, i - 1)->host, nagios_hostmap_host(m, i)->host) <
                    0);
    }
    assert_null(nagios_hostmap_host(m, 9));
    nagios_hostmap_free(m);
    tenant_pattern_free(tp);
}

/* Maps read from the two answers apart, merged: the hostgroups of one and the _APP of the
 * other, as the source builds its map from two pollers. */
static void test_merge(void **state)
{
    struct nagios_hostmap *groups = nagios_hostmap_new(), *objects = nagios_hostmap_new();
    struct nagios_hostmap *m = nagios_hostmap_new();
    char *err = NULL;
    struct tenant_pattern *tp = tenant_pattern_new("^tenant-([a-z0-9-]+)$", &err);

    (void)state;
    assert_int_equal(nagios_hostmap_read_groups(groups, groups_json, strlen(groups_json), NULL,
                                                &err),
                     0);
    assert_int_equal(nagios_hostmap_read_hosts(objects, hosts_json, strlen(hosts_json), NULL,
                                               &err),
                     0);
    nagios_hostmap_merge(m, groups);
    nagios_hostmap_merge(m, objects);
    nagios_hostmap_merge(m, NULL);
    nagios_hostmap_resolve(m, NULL, tp);
    expect(m, "dmi-radar", "dmi", "radar-ingest");
    expect(m, "dmi-forecast-api", "dmi", "forecast-api");
    expect(m, "lonely", NULL, "lonely");
    assert_int_equal(nagios_hostmap_count(m), 9);
    /* the sources are unchanged: not resolved, still their own hosts */
    assert_int_equal(nagios_hostmap_count(groups), 0);
    nagios_hostmap_resolve(objects, NULL, tp);
    assert_int_equal(nagios_hostmap_count(objects), 3);
    nagios_hostmap_free(groups);
    nagios_hostmap_free(objects);
    nagios_hostmap_free(m);
    tenant_pattern_free(tp);
}

/* Without a pattern only the overrides name tenants; without a config, only the pattern. */
static void test_no_pattern_no_config(void **state)
{
    struct nagios_hostmap *m = nagios_hostmap_new();
    char *err = NULL;
    struct tenant_pattern *tp = tenant_pattern_new("^tenant-([a-z0-9-]+)$", &err);

    (void)state;
    cfg_setup();
    assert_int_equal(nagios_hostmap_read_groups(m, groups_json, strlen(groups_json), NULL, &err),
                     0);
    nagios_hostmap_resolve(m, &cfg, NULL);
    expect(m, "kf-web", "kf", "web");
    expect(m, "dmi-forecast-api", NULL, "dmi-forecast-api");
    nagios_hostmap_resolve(m, NULL, tp);
    expect(m, "kf-web", NULL, "kf-web");
    expect(m, "gst-api", "gst", "api");
    expect(m, "dmi-forecast-api", "dmi", "forecast-api");
    nagios_hostmap_free(m);
    tenant_pattern_free(tp);
}

/* A host name from the network is sanitized before it is a key. */
static void test_sanitized(void **state)
{
    static const char body[] = ENVELOPE(
        "hostgrouplist", "\"hostgrouplist\":{\"tenant-dmi\":{\"group_name\":\"tenant-dmi\","
                         "\"members\":[\"dmi-evil\\u001b[2J\"]}}");
    struct nagios_hostmap *m = nagios_hostmap_new();
    char *err = NULL;
    struct tenant_pattern *tp = tenant_pattern_new("^tenant-([a-z0-9-]+)$", &err);

    (void)state;
    assert_int_equal(nagios_hostmap_read_groups(m, body, strlen(body), NULL, &err), 0);
    nagios_hostmap_resolve(m, NULL, tp);
    assert_int_equal(nagios_hostmap_count(m), 1);
    assert_null(strchr(nagios_hostmap_host(m, 0)->host, '\033'));
    assert_string_equal(nagios_hostmap_host(m, 0)->app, "evil?[2J");
    nagios_hostmap_free(m);
    tenant_pattern_free(tp);
}

/* Bad answers: an error type_code, an HTML page, another JSON, empty for the user. */
static void test_bad_answers(void **state)
{
    static const char error[] =
        "{\"result\":{\"type_code\":2,\"type_text\":\"Error\",\"message\":\"No such query\"}}";
    static const char html[] = "\n<html><head><title>401 Unauthorized</title></head></html>";
    static const char other[] = "{\"kind\":\"PodList\"}";
    static const char empty[] = ENVELOPE("hostlist", "\"hostlist\":{}");
    static const char nogroups[] = ENVELOPE("hostgrouplist", "\"hostgrouplist\":{}");
    struct nagios_hostmap *m = nagios_hostmap_new();
    char *err = NULL;
    bool rejected = false;

    (void)state;
    assert_int_equal(nagios_hostmap_read_groups(m, error, strlen(error), &rejected, &err), -1);
    assert_string_equal(err, "Nagios: Error: No such query");
    free(err);
    err = NULL;
    assert_int_equal(nagios_hostmap_read_hosts(m, html, strlen(html), &rejected, &err), -1);
    assert_non_null(strstr(err, "HTML page"));
    free(err);
    err = NULL;
    assert_int_equal(nagios_hostmap_read_hosts(m, other, strlen(other), &rejected, &err), -1);
    assert_string_equal(err, "not the Nagios JSON CGI's answer");
    assert_false(rejected);
    free(err);
    err = NULL;
    assert_int_equal(nagios_hostmap_read_hosts(m, empty, strlen(empty), &rejected, &err), -1);
    assert_true(rejected);
    assert_string_equal(err, "Nagios returned no data for user nagiosadmin; check cgi.cfg "
                             "authorization");
    free(err);
    err = NULL;
    assert_int_equal(nagios_hostmap_read_groups(m, nogroups, strlen(nogroups), &rejected, &err),
                     0);
    assert_false(rejected);
    nagios_hostmap_resolve(m, NULL, NULL);
    assert_int_equal(nagios_hostmap_count(m), 0);
    nagios_hostmap_free(m);
}

/* The real objectjson answers: their hosts are in no tenant group, so none has a tenant and
 * each app is its host name; every member of every group is in the map. */
static void test_fixtures(void **state)
{
    size_t glen = 0, hlen = 0, elen = 0;
    char *groups = file_fixture_nagios("objectjson_hostgrouplist_details.json", &glen);
    char *hosts = file_fixture_nagios("objectjson_hostlist_details.json", &hlen);
    char *error = file_fixture_nagios("statusjson_error_invalid_query.json", &elen);
    struct nagios_hostmap *m = nagios_hostmap_new();
    char *err = NULL;
    struct tenant_pattern *tp = tenant_pattern_new("^tenant-([a-z0-9-]+)$", &err);
    struct stat st;

    (void)state;
    if (groups == NULL) {
        assert_int_not_equal(stat("../shared/fixtures/nagios", &st), 0);
        printf("# shared fixtures not found; fixture cases skipped\n");
        nagios_hostmap_free(m);
        tenant_pattern_free(tp);
        return;
    }
    assert_non_null(hosts);
    assert_non_null(error);
    assert_int_equal(nagios_hostmap_read_groups(m, groups, glen, NULL, &err), 0);
    assert_int_equal(nagios_hostmap_read_hosts(m, hosts, hlen, NULL, &err), 0);
    nagios_hostmap_resolve(m, NULL, tp);
    expect(m, "k8s-node-01", NULL, "k8s-node-01");
    expect(m, "mapr-cldb-01", NULL, "mapr-cldb-01");
    expect(m, "core-switch-01", NULL, "core-switch-01"); /* in the host list only */
    assert_int_equal(nagios_hostmap_count(m), 5);
    /* with a pattern that matches linux-servers, its members belong to "servers" */
    tenant_pattern_free(tp);
    tp = tenant_pattern_new("^linux-([a-z]+)$", &err);
    nagios_hostmap_resolve(m, NULL, tp);
    expect(m, "localhost", "servers", "localhost");
    expect(m, "core-switch-01", NULL, "core-switch-01");
    assert_int_equal(nagios_hostmap_read_groups(m, error, elen, NULL, &err), -1);
    assert_non_null(strstr(err, "Nagios: "));
    free(err);
    nagios_hostmap_free(m);
    tenant_pattern_free(tp);
    free(groups);
    free(hosts);
    free(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_and_apps),
        cmocka_unit_test(test_no_pattern_no_config),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_sanitized),
        cmocka_unit_test(test_bad_answers),
        cmocka_unit_test(test_fixtures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
