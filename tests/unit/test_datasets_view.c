/* The datasets view and the tenants view's DATASETS column over a store built by hand: the
 * cells (use against quota, freshness against the cadence, alarms), the overdue tone, Enter on
 * a stream (its topics) and on a volume (nowhere), a table's row, a scoped session; the tenants
 * view marks a tenant when a dataset turns overdue by time alone, with no change in the store. */
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
#include "core/mapr/mapr_model.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"
#include "views/datasets.h"
#include "views/registry.h"

#define NOW 1796601900LL /* epoch seconds */
#define H (3600 * 1000LL)

static struct store S;
static struct k8s_tenancy *TEN;
static struct access *ALL, *SKAT;
static struct view_scope NO_SCOPE;

static const char *row_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    return mapr_tenant_of_row(kind, row); /* the source's tenancy: what it stored */
}

static uint64_t tenancy_gen(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct store_tenancy MAPR_TENANCY = {.row_tenant = row_tenant, .gen = tenancy_gen};

static void add_ns(const char *name)
{
    struct k8s_namespace *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("ns-%s", name);
    n->name = xstrdup(name);
    n->tenant = xstrdup(name);
    n->created = 1000;
    store_put(store_table(&S, STORE_NAMESPACE), &n->row);
}

static void add_volume(const char *name, const char *tenant, int64_t used, int64_t quota,
                       int64_t advisory, int64_t cadence_ms, int64_t newest_ms)
{
    struct mapr_volume *v = xcalloc(1, sizeof *v);

    v->row.uid = xstrdup(name);
    v->name = xstrdup(name);
    v->mount = xasprintf("/tenants/%s/%s", tenant, name);
    v->type = xstrdup("volume");
    v->used_mb = used;
    v->quota_mb = quota;
    v->advisory_mb = advisory;
    v->repl_desired = 3;
    v->repl_actual = 3;
    v->snapshots = 2;
    v->snap_newest_ms = newest_ms;
    v->mirror_pct = -1;
    v->mirror_last_ms = -1;
    v->newest_ms = newest_ms;
    v->newest_from = MAPR_NEWEST_HTTPFS;
    v->x.tenant = tenant;
    v->x.cadence_ms = cadence_ms;
    store_put(store_table(&S, STORE_MAPR_VOLUME), &v->row);
}

static void add_stream(const char *path, const char *tenant, int64_t cadence_ms, int64_t newest_ms)
{
    struct mapr_stream *s = xcalloc(1, sizeof *s);

    s->row.uid = xstrdup(path);
    s->path = xstrdup(path);
    s->physical_b = 3LL << 30;
    s->logical_b = -1;
    s->ttl_s = -1;
    s->ntopics = 2;
    s->partitions = 4;
    s->maxlag = 7;
    s->newest_ms = newest_ms;
    s->x.tenant = tenant;
    s->x.cadence_ms = cadence_ms;
    store_put(store_table(&S, STORE_MAPR_STREAM), &s->row);
}

static void add_alarm(const char *entity, const char *name, const char *tenant)
{
    struct mapr_alarm *a = xcalloc(1, sizeof *a);

    a->row.uid = xasprintf("%s %s", entity, name);
    a->entity = xstrdup(entity);
    a->name = xstrdup(name);
    a->tenant = tenant;
    store_put(store_table(&S, STORE_MAPR_ALARM), &a->row);
}

static int setup(void **state)
{
    static const char *const only_skat[] = {"skat", NULL};

    (void)state;
    store_init(&S);
    TEN = k8s_tenancy_new(&S);
    k8s_tenancy_register(TEN);
    store_register(&S, STORE_MAPR_VOLUME, mapr_volume_free, &MAPR_TENANCY);
    store_register(&S, STORE_MAPR_STREAM, mapr_stream_free, &MAPR_TENANCY);
    store_register(&S, STORE_MAPR_TOPIC, mapr_topic_free, &MAPR_TENANCY);
    store_register(&S, STORE_MAPR_ALARM, mapr_alarm_free, &MAPR_TENANCY);
    ALL = access_new("tester", ACCESS_OPERATOR, NULL, false);
    SKAT = access_new("tester", ACCESS_OPERATOR, only_skat, false);
    access_bind(ALL, &S);
    access_bind(SKAT, &S);
    add_ns("dmi");
    add_ns("skat");
    /* every 4 hours, written 3 hours ago: fresh for another hour, overdue after two */
    add_volume("t.dmi.forecast", "dmi", 12800, 16384, 14336, 4 * H, NOW * 1000 - 3 * H);
    /* no cadence: no verdict; past 95 % of its quota */
    add_volume("t.skat.home", "skat", 9800, 10000, 8000, 0, NOW * 1000 - 30 * H);
    /* every minute, last message 2 minutes ago: overdue */
    add_stream("/tenants/dmi/observations", "dmi", 60000, NOW * 1000 - 120000);
    add_alarm("t.skat.home", "VOLUME_ALARM_ADVISORY_QUOTA_EXCEEDED", "skat");
    add_alarm("t.skat.home", "VOLUME_ALARM_QUOTA_EXCEEDED", "skat");
    store_commit(&S);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    access_free(ALL);
    access_free(SKAT);
    store_fini(&S);
    k8s_tenancy_free(TEN);
    return 0;
}

static int column(const struct view *v, const char *name)
{
    for (size_t c = 0; c < v->ops->ncolumns; c++) {
        if (strcmp(v->ops->columns[c].name, name) == 0) {
            return (int)c;
        }
    }
    fail_msg("no column %s in %s", name, v->ops->name);
    return -1;
}

/* The cell of column `col` in the row whose column `key` reads `name`; its tone. */
static enum view_tone cell_of(const struct view *v, const struct view_ctx *ctx, const char *key,
                              const char *name, const char *col, char *out, size_t size)
{
    int k = column(v, key), c = column(v, col);

    for (size_t i = 0; i < v->ops->count(v); i++) {
        char cell[256];

        v->ops->cell(v, ctx, i, (size_t)k, cell, sizeof cell);
        if (strcmp(cell, name) == 0) {
            return v->ops->cell(v, ctx, i, (size_t)c, out, size);
        }
    }
    fail_msg("no row %s in %s", name, v->ops->name);
    return TONE_NORMAL;
}

static void test_datasets_cells(void **state)
{
    struct view *v = view_new(registry_find("datasets"));
    struct view_ctx ctx = {&S, NOW, &NO_SCOPE, ALL, false, NULL, NULL};
    struct view_target t = {0};
    char buf[256];

    (void)state;
    v->ops->rebuild(v, &ctx);
    assert_int_equal(v->ops->count(v), 3);
    assert_int_equal(cell_of(v, &ctx, "NAME", "t.dmi.forecast", "FRESH", buf, sizeof buf), TONE_OK);
    assert_string_equal(buf, "ok");
    /* 12.5 of 16 GB, past the advisory 14 GB? no: 78 %, no warning */
    assert_int_equal(cell_of(v, &ctx, "NAME", "t.dmi.forecast", "USED/QUOTA", buf, sizeof buf),
                     TONE_NORMAL);
    assert_string_equal(buf, "[########..]  78% 12.5G/16.0G");
    assert_int_equal(cell_of(v, &ctx, "NAME", "t.skat.home", "USED/QUOTA", buf, sizeof buf),
                     TONE_CRIT);
    assert_string_equal(buf, "[##########]  98% 9.6G/9.8G");
    assert_int_equal(cell_of(v, &ctx, "NAME", "t.skat.home", "FRESH", buf, sizeof buf), TONE_DIM);
    assert_string_equal(buf, "-");
    cell_of(v, &ctx, "NAME", "t.skat.home", "ALARMS", buf, sizeof buf);
    assert_string_equal(buf, "2");
    cell_of(v, &ctx, "NAME", "t.dmi.forecast", "ALARMS", buf, sizeof buf);
    assert_string_equal(buf, "0");
    /* the overdue stream stands out in its name, its age and its verdict */
    assert_int_equal(
        cell_of(v, &ctx, "NAME", "/tenants/dmi/observations", "FRESH", buf, sizeof buf),
        TONE_OVERDUE);
    assert_string_equal(buf, "OVERDUE");
    assert_int_equal(cell_of(v, &ctx, "NAME", "/tenants/dmi/observations", "NAME", buf, sizeof buf),
                     TONE_OVERDUE);
    cell_of(v, &ctx, "NAME", "/tenants/dmi/observations", "NEWEST", buf, sizeof buf);
    assert_string_equal(buf, "2m");
    cell_of(v, &ctx, "NAME", "/tenants/dmi/observations", "LAG", buf, sizeof buf);
    assert_string_equal(buf, "7");
    /* Enter: a stream shows its topics, a volume leads nowhere (rows sorted by name) */
    assert_true(v->ops->enter(v, &NO_SCOPE, 0, &t));
    assert_string_equal(t.view, "topics");
    assert_string_equal(t.scope.path, "/tenants/dmi/observations");
    assert_false(t.choose);
    assert_false(v->ops->enter(v, &NO_SCOPE, 1, &t));
    view_free(v);
}

/* A MapR-DB table (a volume row of type "table", as the table list makes it): its type, size
 * without a bar, no replication, snapshots or mirror of its own, and a verdict by its cadence. */
static void test_datasets_table(void **state)
{
    static const char list[] = "{\"status\":\"OK\",\"data\":[{\"path\":\"/tenants/dmi/idx\","
                               "\"numregions\":4,\"totalphysicalsize\":96}]}";
    struct view *v = view_new(registry_find("datasets"));
    struct view_ctx ctx = {&S, NOW, &NO_SCOPE, ALL, false, NULL, NULL};
    struct view_target t = {0};
    size_t n = 0;
    char *err = NULL, buf[256];
    struct mapr_volume **rows = mapr_parse_tables(list, sizeof list - 1, &n, NULL, &err);

    (void)state;
    assert_int_equal(n, 1);
    rows[0]->x.tenant = "dmi";
    rows[0]->x.cadence_ms = 24 * H;
    rows[0]->newest_ms = NOW * 1000 - 48 * H; /* two days old for a daily cadence */
    store_put(store_table(&S, STORE_MAPR_VOLUME), &rows[0]->row);
    free(rows);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    assert_int_equal(v->ops->count(v), 4);
    cell_of(v, &ctx, "NAME", "/tenants/dmi/idx", "TYPE", buf, sizeof buf);
    assert_string_equal(buf, "table");
    cell_of(v, &ctx, "NAME", "/tenants/dmi/idx", "PATH", buf, sizeof buf);
    assert_string_equal(buf, "/tenants/dmi/idx");
    assert_int_equal(cell_of(v, &ctx, "NAME", "/tenants/dmi/idx", "USED/QUOTA", buf, sizeof buf),
                     TONE_NORMAL);
    assert_string_equal(buf, "96M");
    assert_int_equal(cell_of(v, &ctx, "NAME", "/tenants/dmi/idx", "REPL", buf, sizeof buf),
                     TONE_DIM);
    assert_string_equal(buf, "-");
    cell_of(v, &ctx, "NAME", "/tenants/dmi/idx", "SNAPS", buf, sizeof buf);
    assert_string_equal(buf, "-");
    assert_int_equal(cell_of(v, &ctx, "NAME", "/tenants/dmi/idx", "FRESH", buf, sizeof buf),
                     TONE_OVERDUE);
    assert_string_equal(buf, "OVERDUE");
    /* rows sorted by name: the table first (before the stream); Enter on it leads nowhere */
    v->ops->cell(v, &ctx, 0, (size_t)column(v, "NAME"), buf, sizeof buf);
    assert_string_equal(buf, "/tenants/dmi/idx");
    assert_false(v->ops->enter(v, &NO_SCOPE, 0, &t));
    view_free(v);
    store_del(store_table(&S, STORE_MAPR_VOLUME), "/tenants/dmi/idx");
    store_commit(&S);
}

static void test_datasets_scoped(void **state)
{
    struct view *v = view_new(registry_find("datasets"));
    struct view_ctx ctx = {&S, NOW, &NO_SCOPE, SKAT, false, NULL, NULL};
    char buf[256];

    (void)state;
    v->ops->rebuild(v, &ctx);
    assert_int_equal(v->ops->count(v), 1);
    v->ops->cell(v, &ctx, 0, (size_t)column(v, "NAME"), buf, sizeof buf);
    assert_string_equal(buf, "t.skat.home");
    view_free(v);
}

static void test_tenants_mark_by_time(void **state)
{
    struct view *v = view_new(registry_find("tenants"));
    struct view_ctx ctx = {&S, NOW, &NO_SCOPE, ALL, false, NULL, NULL};
    struct view_target t = {0};
    char buf[64];
    /* the forecast (every 4 h, written 3 h ago) turns overdue after 4 h + 1 h of grace */
    int64_t due = NOW + 2 * 3600 + 1;

    (void)state;
    v->ops->rebuild(v, &ctx);
    /* dmi: the overdue stream marks it already; skat: one dataset, none overdue */
    assert_int_equal(cell_of(v, &ctx, "NAME", "dmi", "DATASETS", buf, sizeof buf), TONE_OVERDUE);
    assert_string_equal(buf, "2 !");
    cell_of(v, &ctx, "NAME", "skat", "DATASETS", buf, sizeof buf);
    assert_string_equal(buf, "1");
    assert_true(v->ops->enter(v, &NO_SCOPE, 0, &t));
    assert_true(t.choose); /* its apps, datasets ... */

    /* the stream's writer is back: its last message 10 s old */
    add_stream("/tenants/dmi/observations", "dmi", 60000, NOW * 1000 - 10000);
    store_commit(&S);
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    cell_of(v, &ctx, "NAME", "dmi", "DATASETS", buf, sizeof buf);
    assert_string_equal(buf, "2");
    assert_false(v->ops->stale(v, &ctx));
    /* the next change by time alone: the stream, 90 s after its last message */
    assert_int_equal(v->ops->next_tick(v, &ctx, 0), 81);
    ctx.now = NOW + 80;
    assert_false(v->ops->stale(v, &ctx));
    ctx.now = NOW + 81;
    assert_true(v->ops->stale(v, &ctx)); /* no change in the store, yet stale */
    v->ops->rebuild(v, &ctx);
    cell_of(v, &ctx, "NAME", "dmi", "DATASETS", buf, sizeof buf);
    assert_string_equal(buf, "2 !");
    assert_true(datasets_overdue_at(STORE_MAPR_VOLUME,
                                    store_get(store_table(&S, STORE_MAPR_VOLUME), "t.dmi.forecast"),
                                    NOW) == due);
    view_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datasets_cells),
        cmocka_unit_test(test_datasets_scoped),
        cmocka_unit_test(test_tenants_mark_by_time),
        cmocka_unit_test(test_datasets_table),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
