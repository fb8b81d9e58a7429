/* The directory source (core/directory/directory_source.c) against the private slapd of
 * tests/integration/slapd.bash: its first read fills STORE_DIR_TENANT, STORE_DIR_APP and
 * STORE_DIR_DATASET from the seed, each row of the tenant its entry names (a session scoped
 * to dmi sees dmi's rows only); every [directory] interval it reads again: an entry removed
 * goes, an entry changed is replaced, an entry unchanged keeps its row (no churn); a
 * directory that stops answering keeps the rows, says it is unreachable, then stale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/access.h"
#include "core/config.h"
#include "core/directory/dir_model.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/integration/dirprobe.h"
#include "tests/integration/slapdrun.h"
#include "tests/unit/dir_fixture.h"

static struct dirprobe_env E;

static int setup(void **state)
{
    (void)state;
    dirprobe_env_load(&E);
    return 0;
}

struct fixture {
    struct gc_config cfg;
    const struct source_ops *ops;
    struct loop *l;
    struct http *h;
    struct workpool *pool;
    struct store *store;
    void *src;
    char *pwfile;
};

/* Runs the loop until done(f) or ms pass; true when done. */
static bool run_until(struct fixture *f, bool (*done)(struct fixture *), int64_t ms)
{
    int64_t deadline = loop_now_ms() + ms;

    while (!done(f) && loop_now_ms() < deadline) {
        loop_run_once(f->l, 50);
        store_commit(f->store);
    }
    return done(f);
}

static bool seed_read(struct fixture *f)
{
    return store_count(f->store, STORE_DIR_TENANT) == 2 &&
           store_count(f->store, STORE_DIR_DATASET) == 3;
}

static bool obs_ingest_gone(struct fixture *f)
{
    return store_get(store_table(f->store, STORE_DIR_APP), "dmi/obs-ingest") == NULL;
}

static bool failing(struct fixture *f)
{
    return f->ops->health(f->src)->state == SOURCE_RETRYING;
}

static bool stale(struct fixture *f)
{
    return f->ops->health(f->src)->stale_since != 0;
}

static const struct dir_tenant *tenant_row(struct fixture *f, const char *name)
{
    return (const struct dir_tenant *)store_get(store_table(f->store, STORE_DIR_TENANT), name);
}

static void fixture_start(struct fixture *f)
{
    struct source_env env;
    char *err = NULL;
    FILE *fp;

    memset(f, 0, sizeof *f);
    f->pwfile = xstrdup("/tmp/gc-dir-source-pw.XXXXXX");
    int fd = mkstemp(f->pwfile);

    assert_true(fd >= 0);
    fchmod(fd, 0600);
    fp = fdopen(fd, "w");
    fputs(E.service_pw, fp);
    fclose(fp);
    config_init(&f->cfg);
    f->cfg.directory.uri = xstrdup(E.uri);
    f->cfg.directory.base = xstrdup(E.base);
    f->cfg.directory.bind_dn = xstrdup(E.service_dn);
    f->cfg.directory.password_file = xstrdup(f->pwfile);
    f->cfg.directory.timeout_ms = 2000;
    f->cfg.directory.interval_ms = 300;
    for (size_t i = 0; sources_registry(i) != NULL; i++) {
        if (strcmp(sources_registry(i)->name, "directory") == 0) {
            f->ops = sources_registry(i);
        }
    }
    assert_non_null(f->ops);
    assert_true(f->ops->configured(&f->cfg, NULL));
    f->l = loop_new();
    f->h = http_new(f->l);
    f->pool = workpool_new(f->l, 2);
    f->store = store_new();
    env = (struct source_env){
        .loop = f->l, .http = f->h, .pool = f->pool, .store = f->store, .cfg = &f->cfg};
    f->src = f->ops->init(&env, &err);
    if (err != NULL) {
        fail_msg("init: %s", err);
    }
    f->ops->start(f->src);
}

static void fixture_stop(struct fixture *f)
{
    f->ops->stop(f->src);
    workpool_free(f->pool);
    f->ops->fini(f->src);
    http_free(f->h);
    store_free(f->store);
    loop_free(f->l);
    config_fini(&f->cfg);
    unlink(f->pwfile);
    free(f->pwfile);
}

static void test_source(void **state)
{
    struct fixture f;
    const struct dir_tenant *dmi, *reg;
    const struct dir_object *o;
    const struct store_row *r;
    const char *const dmi_only[] = {"dmi", NULL};
    struct access *a;
    uint64_t dmi_gen;
    pid_t slapd;
    char *ldif;

    (void)state;
    fixture_start(&f);
    assert_true(run_until(&f, seed_read, 10000));
    assert_int_equal(f.ops->health(f.src)->state, SOURCE_OK);
    assert_int_equal(store_count(f.store, STORE_DIR_APP), 3);
    dmi = tenant_row(&f, "dmi");
    assert_non_null(dmi);
    assert_string_equal(dmi->display, "Danish Meteorological Institute");
    assert_string_equal(dmi->responsible, "Alice Tester");
    o = (const struct dir_object *)store_get(store_table(f.store, STORE_DIR_APP),
                                             "dmi/forecast-api");
    assert_non_null(o);
    assert_string_equal(o->owner, "Alice Tester");

    /* the tenancy: a session of dmi sees dmi's rows, never registry's */
    a = access_new("tester", ACCESS_VIEWER, dmi_only, true);
    access_bind(a, f.store);
    assert_non_null(access_get(a, STORE_DIR_TENANT, "dmi"));
    assert_null(access_get(a, STORE_DIR_TENANT, "registry"));
    assert_non_null(access_get(a, STORE_DIR_APP, "dmi/forecast-api"));
    assert_null(access_get(a, STORE_DIR_APP, "registry/org-api"));
    assert_null(access_get(a, STORE_DIR_DATASET, "registry/t.registry.orgs"));
    access_free(a);

    /* the directory changes: the next read follows; dmi's unchanged row is kept as it is */
    dmi_gen = dmi->row.gen;
    ldif = xasprintf("dn: cn=obs-ingest,ou=Applications,ou=dmi,ou=Tenants,%s\n"
                     "changetype: delete\n\n"
                     "dn: ou=registry,ou=Tenants,%s\n"
                     "changetype: modify\nreplace: description\n"
                     "description: Erhvervsstyrelsen Registry\n",
                     E.base, E.base);
    dir_fixture_ldif("ldapmodify", ldif);
    free(ldif);
    assert_true(run_until(&f, obs_ingest_gone, 10000));
    assert_int_equal(store_count(f.store, STORE_DIR_APP), 2);
    reg = tenant_row(&f, "registry");
    assert_string_equal(reg->display, "Erhvervsstyrelsen Registry");
    dmi = tenant_row(&f, "dmi");
    assert_int_equal(dmi->row.gen, dmi_gen);

    /* the directory goes away: the rows stay; unreachable, then stale */
    slapd = (pid_t)atoi(slapdrun_env("SLAPD_PID"));
    assert_true(slapd > 0);
    assert_int_equal(kill(slapd, SIGTERM), 0);
    assert_true(run_until(&f, failing, 10000));
    assert_int_equal(f.ops->health(f.src)->fault, SOURCE_FAULT_UNREACHABLE);
    assert_non_null(f.ops->health(f.src)->last_error);
    assert_null(strstr(f.ops->health(f.src)->last_error, E.service_pw));
    assert_true(run_until(&f, stale, 10000));
    assert_int_equal(store_count(f.store, STORE_DIR_TENANT), 2);
    assert_int_equal(store_count(f.store, STORE_DIR_APP), 2);
    r = store_get(store_table(f.store, STORE_DIR_TENANT), "dmi");
    assert_non_null(r);
    assert_string_equal(((const struct dir_tenant *)r)->responsible, "Alice Tester");
    fixture_stop(&f);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source),
    };

    (void)argc;
    if (slapdrun_reexec(argv, false) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, NULL);
}
