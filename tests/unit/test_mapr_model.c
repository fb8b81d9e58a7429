/* The MapR parsers beyond the fixtures: the error envelope and HTML pages, topic info times,
 * snapshot and HttpFS answers, and the freshness verdict against a dataset's cadence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mapr/mapr_int.h"
#include "core/mapr/mapr_model.h"
#include "core/xalloc.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_envelope_errors(void **state)
{
    char *err = NULL;

    (void)state;
    assert_null(mapr_envelope(S("{\"timestamp\":1,\"status\":\"ERROR\",\"errors\":[{\"id\":22,"
                                "\"desc\":\"Volume t.x does not exist\\u001b[2J\"}]}"),
                              &err));
    /* the server's words, without the escape sequence */
    assert_non_null(strstr(err, "MapR: Volume t.x does not exist"));
    assert_null(strchr(err, '\x1b'));
    free(err);
    err = NULL;
    assert_null(mapr_envelope(S("\n<html><body>Login</body></html>"), &err));
    assert_non_null(strstr(err, "HTML page"));
    free(err);
    err = NULL;
    assert_null(mapr_envelope(S("{\"kind\":\"PodList\"}"), &err));
    assert_string_equal(err, "not a MapR REST answer");
    free(err);
    err = NULL;
    assert_null(mapr_envelope(S("{\"status\":\"OK\",\"data\":{}}"), &err));
    free(err);

    err = mapr_error_text(
        404, S("{\"status\":\"ERROR\",\"errors\":[{\"id\":2,\"desc\":\"No such stream\"}]}"), NULL);
    assert_string_equal(err, "HTTP 404: No such stream");
    free(err);
    err = mapr_error_text(401, S("<html>401</html>"), NULL);
    assert_non_null(strstr(err, "HTTP 401: an HTML page"));
    free(err);
}

static void test_time(void **state)
{
    (void)state;
    /* the epoch as topic info writes it for an empty partition, in a -0800 zone */
    assert_int_equal(mapr_parse_time("1969-12-31T04:00:00.000-0800 PM"), 0);
    assert_int_equal(mapr_parse_time("2018-03-16T01:30:52.550-0700 PM"), 1521232252550LL);
    assert_int_equal(mapr_parse_time("2026-12-07T12:05:00.000+0000 AM"), 1796601900000LL);
    assert_int_equal(mapr_parse_time("2026-12-07T12:05:00.000+0000 PM"), 1796645100000LL);
    assert_int_equal(mapr_parse_time("1465937455432"), 1465937455432LL);
    assert_int_equal(mapr_parse_time("yesterday"), -1);
    assert_int_equal(mapr_parse_time(""), -1);
    assert_int_equal(mapr_parse_time(NULL), -1);
}

static void test_topic_info(void **state)
{
    struct mapr_topic t;
    char *err = NULL;

    (void)state;
    memset(&t, 0, sizeof t);
    assert_int_equal(mapr_parse_topic_info(S("{\"status\":\"OK\",\"total\":2,\"data\":["
                                             "{\"partitionid\":0,\"maxoffset\":41,\"maxtimestamp\":"
                                             "\"2018-03-16T01:30:52.550-0700 PM\"},"
                                             "{\"partitionid\":1,\"maxoffset\":-1,\"maxtimestamp\":"
                                             "\"1969-12-31T04:00:00.000-0800 PM\"},"
                                             "{\"partitionid\":2,\"maxoffset\":7,\"maxtimestamp\":"
                                             "\"2018-03-16T01:30:50.000-0700 PM\"}]}"),
                                           &t, &err),
                     0);
    assert_int_equal(t.newest_ms, 1521232252550LL);
    assert_int_equal(t.maxoffset, 41);
    /* a topic whose partitions are all empty has no newest message */
    assert_int_equal(
        mapr_parse_topic_info(S("{\"status\":\"OK\",\"data\":[{\"maxoffset\":-1,"
                                "\"maxtimestamp\":\"1969-12-31T04:00:00.000-0800 PM\"}]}"),
                              &t, &err),
        0);
    assert_int_equal(t.newest_ms, -1);
    assert_int_equal(mapr_parse_topic_info(S("{\"status\":\"ERROR\",\"errors\":[]}"), &t, &err),
                     -1);
    assert_non_null(err);
    free(err);
}

static void test_snapshots_and_httpfs(void **state)
{
    size_t n = 0;
    char *err = NULL;
    struct mapr_snapshot_sum *s =
        mapr_parse_snapshots(S("{\"status\":\"OK\",\"data\":[{\"volumename\":\"t.dmi.forecast\","
                               "\"creationtime\":\"1000\"},"
                               "{\"volumename\":\"t.dmi.forecast\",\"creationtime\":3000},"
                               "{\"volumename\":\"t.cvr.registry\",\"creationtime\":\"2000\"},"
                               "{\"volumename\":\"t.dmi.forecast\",\"creationtime\":\"2000\"}]}"),
                             &n, NULL, &err);

    (void)state;
    assert_non_null(s);
    /* one entry a volume, sorted by name, the forecast's two runs merged */
    assert_int_equal(n, 2);
    assert_string_equal(s[0].volume, "t.cvr.registry");
    assert_int_equal(s[0].count, 1);
    assert_int_equal(s[0].newest_ms, 2000);
    assert_string_equal(s[1].volume, "t.dmi.forecast");
    assert_int_equal(s[1].count, 3);
    assert_int_equal(s[1].newest_ms, 3000);
    assert_ptr_equal(mapr_snapshot_find(s, n, "t.dmi.forecast"), &s[1]);
    assert_ptr_equal(mapr_snapshot_find(s, n, "t.cvr.registry"), &s[0]);
    assert_null(mapr_snapshot_find(s, n, "t.dmi"));
    mapr_snapshot_sums_free(s, n);

    assert_int_equal(mapr_parse_filestatus(S("{\"FileStatus\":{\"type\":\"DIRECTORY\","
                                             "\"modificationTime\":1796601900000}}"),
                                           &err),
                     1796601900000LL);
    assert_null(err);
    assert_int_equal(mapr_parse_filestatus(
                         S("{\"RemoteException\":{\"exception\":"
                           "\"FileNotFoundException\",\"message\":\"File does not exist: /x\"}}"),
                         &err),
                     -1);
    assert_string_equal(err, "HttpFS: File does not exist: /x");
    free(err);
}

/* The volume list's fields, read from `text` by the fast path or by jansson (want_fast). */
static void check_volume_fields(const char *text, bool want_fast)
{
    size_t n = 0;
    bool fast = !want_fast;
    char *err = NULL;
    struct mapr_volume **v = mapr_parse_volumes(text, strlen(text), &n, &fast, &err);

    assert_non_null(v);
    assert_true(fast == want_fast);
    assert_int_equal(n, 2); /* the one without a name is skipped */
    assert_string_equal(v[0]->name, "t.dmi.forecast");
    assert_string_equal(v[0]->mount, "/tenants/dmi/forecast");
    assert_int_equal(v[0]->used_mb, 3900);
    assert_int_equal(v[0]->quota_mb, 8192);
    assert_int_equal(v[0]->advisory_mb, 6144);
    assert_int_equal(v[0]->repl_desired, 3);
    assert_int_equal(v[0]->repl_actual, 2); /* 10 % has only two copies */
    assert_int_equal(v[0]->mirror_pct, -1);
    assert_string_equal(v[0]->type, "volume");
    assert_null(v[1]->mount);
    assert_string_equal(v[1]->type, "mirror");
    assert_int_equal(v[1]->mirror_pct, 75);
    assert_int_equal(v[1]->mirror_last_ms, 1796601900000LL);
    /* a copy says the same; a copy with one value changed does not */
    {
        struct mapr_volume *c = mapr_volume_dup(v[0]);

        assert_true(mapr_volume_same(c, v[0]));
        c->newest_ms = 1;
        assert_false(mapr_volume_same(c, v[0]));
        mapr_volume_free(&c->row);
        c = mapr_volume_dup(v[1]);
        assert_true(mapr_volume_same(c, v[1]));
        assert_false(mapr_volume_same(c, v[0]));
        mapr_volume_free(&c->row);
    }
    for (size_t i = 0; i < n; i++) {
        mapr_volume_free(&v[i]->row);
    }
    free(v);
}

static void test_volume_fields(void **state)
{
    static const char items[] =
        "{\"volumename\":\"t.dmi.forecast\",\"mountdir\":\"/tenants/dmi/forecast\",\"mounted\":1,"
        "\"used\":\"3900\",\"quota\":\"8192\",\"advisoryquota\":\"6144\",\"numreplicas\":\"3\","
        "\"actualreplication\":[0,0,10,90],\"snapshotcount\":\"4\",\"volumetype\":0},"
        "{\"volumename\":\"t.dmi.forecast.mirror\",\"mountdir\":\"\",\"mounted\":0,"
        "\"volumetype\":1,"
        "\"mirror-percent-complete\":\"75\",\"lastSuccessfulMirrorTime\":1796601900000},"
        "{\"mountdir\":\"/no/name\"}";
    char *plain = xasprintf("{\"status\":\"OK\",\"total\":3,\"data\":[%s]}", items);
    /* the same answer with a member the fast path does not read (a list of objects) */
    char *nested =
        xasprintf("{\"status\":\"OK\",\"total\":3,\"data\":[%s],\"messages\":[{}]}", items);

    (void)state;
    check_volume_fields(plain, true);
    check_volume_fields(nested, false);
    free(plain);
    free(nested);
}

/* ---- the fast path reads what jansson reads ---------------------------------------------- */

/* A small deterministic generator, so that a failure replays. */
static uint32_t lcg(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* Appends one random value of the kinds a MapR answer has, and some it should not. */
static void random_value(char *out, size_t size, uint32_t *seed)
{
    static const char *const fixed[] = {
        "\"\"",     "\"0\"",  "\"102400\"", "\"-7\"",   "\"12x\"", "\"x\"", "true", "null",
        "false",    "0",      "-1",         "1",        "100",     "9223372036854775807",
        "[]",       "[0,0,0,100]", "[ 0 , 10 , 90 ]", "[3]", "\"/tenants/dmi/obs\"",
        "\"2018-03-16T01:48:46.943-0700 PM\"", "\"1796601900000\"", "1796601900000",
        "\"t.dmi.forecast\"", "\"t.cvr.registry\"",
    };
    size_t len = strlen(out);

    snprintf(out + len, size - len, "%s", fixed[lcg(seed) % (sizeof fixed / sizeof fixed[0])]);
}

/* A list answer of random items over `keys`; *nested gets the same answer with a member the
 * fast path does not read. */
static char *random_answer(const char *const *keys, size_t nkeys, uint32_t *seed, char **nested)
{
    static const char *const ws[] = {"", " ", "\n\t", "\n  "};
    size_t items = lcg(seed) % 12, size = 64 + items * (nkeys + 1) * 96;
    char *text = xcalloc(1, size);

    snprintf(text, size, "{\"timestamp\":1796601900000,\"status\":\"OK\",\"total\":%zu,\"data\":[",
             items);
    for (size_t i = 0; i < items; i++) {
        strcat(text, i > 0 ? "," : "");
        strcat(text, ws[lcg(seed) % 4]);
        strcat(text, "{");
        for (size_t k = 0, first = 1; k < nkeys; k++) {
            if (lcg(seed) % 4 == 0) {
                continue; /* absent */
            }
            snprintf(text + strlen(text), size - strlen(text), "%s%s\"%s\"%s:%s", first ? "" : ",",
                     ws[lcg(seed) % 4], keys[k], ws[lcg(seed) % 4], ws[lcg(seed) % 4]);
            random_value(text, size, seed);
            first = 0;
        }
        strcat(text, "}");
    }
    strcat(text, "]}");
    *nested = xasprintf("%.*s,\"messages\":[{}]}", (int)(strlen(text) - 1), text);
    return text;
}

static const char *const volume_keys[] = {
    "volumename",    "mountdir",   "mounted",          "used",
    "quota",         "advisoryquota", "numreplicas",   "actualreplication",
    "snapshotcount", "volumetype", "mirror-percent-complete", "lastSuccessfulMirrorTime",
};

/* Random volume lists: the rows the fast path reads equal jansson's, field by field. */
static void test_fast_path_volumes(void **state)
{
    uint32_t seed = 15;

    (void)state;
    for (int round = 0; round < 400; round++) {
        char *nested, *plain = random_answer(volume_keys, 12, &seed, &nested);
        size_t n1 = 0, n2 = 0;
        bool fast1 = false, fast2 = true;
        char *err = NULL;
        struct mapr_volume **a = mapr_parse_volumes(plain, strlen(plain), &n1, &fast1, &err);
        struct mapr_volume **b = mapr_parse_volumes(nested, strlen(nested), &n2, &fast2, &err);

        assert_non_null(a);
        assert_non_null(b);
        assert_true(fast1);
        assert_false(fast2);
        if (n1 != n2) {
            fail_msg("round %d: %zu rows by the fast path, %zu by jansson: %s", round, n1, n2,
                     plain);
        }
        for (size_t i = 0; i < n1; i++) {
            if (!mapr_volume_same(a[i], b[i])) {
                fail_msg("round %d, row %zu differs: %s", round, i, plain);
            }
            mapr_volume_free(&a[i]->row);
            mapr_volume_free(&b[i]->row);
        }
        free(a);
        free(b);
        free(plain);
        free(nested);
    }
}

/* Random snapshot lists: the same summaries either way. */
static void test_fast_path_snapshots(void **state)
{
    static const char *const keys[] = {"volumename", "creationtime", "snapshotname"};
    uint32_t seed = 99;

    (void)state;
    for (int round = 0; round < 400; round++) {
        char *nested, *plain = random_answer(keys, 3, &seed, &nested);
        size_t n1 = 0, n2 = 0;
        bool fast1 = false, fast2 = true;
        char *err = NULL;
        struct mapr_snapshot_sum *a = mapr_parse_snapshots(plain, strlen(plain), &n1, &fast1, &err);
        struct mapr_snapshot_sum *b =
            mapr_parse_snapshots(nested, strlen(nested), &n2, &fast2, &err);

        assert_true(fast1 && !fast2);
        assert_int_equal(n1, n2);
        for (size_t i = 0; i < n1; i++) {
            assert_string_equal(a[i].volume, b[i].volume);
            assert_int_equal(a[i].count, b[i].count);
            assert_int_equal(a[i].newest_ms, b[i].newest_ms);
        }
        mapr_snapshot_sums_free(a, n1);
        mapr_snapshot_sums_free(b, n2);
        free(plain);
        free(nested);
    }
}

/* Answers the fast path does not take still read, or fail, as jansson says. */
static void test_fast_path_falls_back(void **state)
{
    static const char *const cases[] = {
        /* status after data, an escape: read, by jansson */
        "{\"data\":[{\"volumename\":\"t\\u002ea\"}],\"status\":\"OK\"}",
        /* a fraction */
        "{\"status\":\"OK\",\"data\":[{\"volumename\":\"t.a\",\"used\":1.5}]}",
    };
    size_t n;
    bool fast;
    char *err = NULL;
    struct mapr_volume **v;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fast = true;
        v = mapr_parse_volumes(cases[i], strlen(cases[i]), &n, &fast, &err);
        assert_non_null(v);
        assert_false(fast);
        assert_int_equal(n, 1);
        assert_string_equal(v[0]->name, "t.a");
        mapr_volume_free(&v[0]->row);
        free(v);
    }
    v = mapr_parse_volumes(S("{\"status\":\"OK\",\"data\":[{\"volumename\":\"t.a\",\"used\":1.5}]}"),
                           &n, NULL, &err);
    assert_int_equal(v[0]->used_mb, 1);
    mapr_volume_free(&v[0]->row);
    free(v);
    /* text after the answer, an error status, no status: jansson's errors */
    assert_null(mapr_parse_volumes(S("{\"status\":\"OK\",\"data\":[]} x"), &n, NULL, &err));
    assert_string_equal(err, "not a MapR REST answer");
    free(err);
    err = NULL;
    assert_null(mapr_parse_volumes(S("{\"status\":\"ERROR\",\"data\":[],\"errors\":[{\"id\":2,"
                                     "\"desc\":\"no such volume\"}]}"),
                                   &n, NULL, &err));
    assert_string_equal(err, "MapR: no such volume");
    free(err);
    err = NULL;
    assert_null(mapr_parse_volumes(S("{\"status\":\"OK\"\"data\":[]}"), &n, NULL, &err));
    assert_string_equal(err, "not a MapR REST answer"); /* no comma between the members */
    free(err);
    err = NULL;
    assert_null(mapr_parse_volumes(S("{\"data\":[]}"), &n, NULL, &err));
    assert_string_equal(err, "not a MapR REST answer");
    free(err);
    /* on an error, *fast says false too (callers read it) */
    fast = true;
    assert_null(mapr_parse_snapshots(S("{\"status\":\"ERROR\"}"), &n, &fast, &err));
    assert_false(fast);
    free(err);
    fast = true;
    assert_null(mapr_parse_tables(S("<html>"), &n, &fast, &err));
    assert_false(fast);
    free(err);
}

/* The table list: a row per table with a path, its physical size, the volume-only fields
 * unknown; an item without a path (or with a name that is no path) is skipped. */
static void test_tables(void **state)
{
    size_t n = 0;
    char *err = NULL;
    struct mapr_volume **t = mapr_parse_tables(
        S("{\"timestamp\":1700050001936,\"status\":\"OK\",\"total\":3,\"data\":["
          "{\"path\":\"/nysales\",\"numregions\":1,\"totallogicalsize\":0,"
          "\"totalphysicalsize\":0,\"owner\":\"root\"},"
          "{\"numregions\":2,\"totalphysicalsize\":5},"
          "{\"path\":\"t.not.a.path\"},"
          "{\"path\":\"/tenants/dmi/idx\\u001b[2J\",\"totalphysicalsize\":\"96\"}]}"),
        &n, NULL, &err);

    (void)state;
    assert_non_null(t);
    assert_null(err);
    assert_int_equal(n, 2);
    assert_string_equal(t[0]->row.uid, "/nysales");
    assert_string_equal(t[0]->name, "/nysales");
    assert_string_equal(t[0]->mount, "/nysales");
    assert_string_equal(t[0]->type, "table");
    assert_int_equal(t[0]->used_mb, 0);
    assert_int_equal(t[0]->quota_mb, 0);
    assert_int_equal(t[0]->repl_desired, -1);
    assert_int_equal(t[0]->snapshots, -1);
    assert_int_equal(t[0]->mirror_pct, -1);
    assert_int_equal(t[0]->newest_ms, -1);
    assert_true(mapr_is_table(t[0]));
    /* sanitized; the size as a string of digits too */
    assert_null(strchr(t[1]->name, '\x1b'));
    assert_int_equal(t[1]->used_mb, 96);
    for (size_t i = 0; i < n; i++) {
        mapr_volume_free(&t[i]->row);
    }
    free(t);
    assert_null(mapr_parse_tables(S("{\"status\":\"ERROR\",\"errors\":[{\"id\":22,"
                                    "\"desc\":\"Unknown command: table/metadata/list\"}]}"),
                                  &n, NULL, &err));
    assert_non_null(strstr(err, "Unknown command"));
    free(err);
}

/* The hash that lets a list saying the same again go undecoded: the envelope's clock does not
 * count, what the list says does. */
static void test_body_hash(void **state)
{
    (void)state;
    assert_int_equal(
        mapr_body_hash(
            S("{\"timestamp\":1,\"timeofday\":\"10:00\",\"status\":\"OK\",\"data\":[1]}")),
        mapr_body_hash(
            S("{\"timestamp\":2,\"timeofday\":\"10:01\",\"status\":\"OK\",\"data\":[1]}")));
    assert_int_not_equal(
        mapr_body_hash(S("{\"timestamp\":1,\"status\":\"OK\",\"data\":[{\"used\":\"1\"}]}")),
        mapr_body_hash(S("{\"timestamp\":1,\"status\":\"OK\",\"data\":[{\"used\":\"2\"}]}")));
    /* without a status member the whole body counts */
    assert_int_not_equal(mapr_body_hash(S("{\"timestamp\":1}")),
                         mapr_body_hash(S("{\"timestamp\":2}")));
}

static void test_stream_same(void **state)
{
    char *err = NULL;
    struct mapr_stream *s = mapr_parse_stream_info(
        "/tenants/dmi/observations",
        S("{\"status\":\"OK\",\"data\":[{\"path\":\"/tenants/dmi/observations\","
          "\"physicalsize\":10,\"numtopics\":2,\"ttl\":60}]}"),
        &err);
    struct mapr_stream *c;

    (void)state;
    assert_non_null(s);
    assert_int_equal(s->ntopics, 2);
    c = mapr_stream_dup(s);
    assert_true(mapr_stream_same(c, s));
    c->error = strdup("Stream does not exist");
    assert_false(mapr_stream_same(c, s));
    mapr_stream_free(&c->row);
    mapr_stream_free(&s->row);
}

static void test_topic_same(void **state)
{
    size_t n = 0;
    char *err = NULL;
    struct mapr_topic **a = mapr_parse_topics(
        "/s", S("{\"status\":\"OK\",\"data\":[{\"topic\":\"t\",\"partitions\":2,\"maxlag\":5}]}"),
        &n, &err);
    struct mapr_topic **b = mapr_parse_topics(
        "/s", S("{\"status\":\"OK\",\"data\":[{\"topic\":\"t\",\"partitions\":2,\"maxlag\":6}]}"),
        &n, &err);

    (void)state;
    assert_true(mapr_topic_same(a[0], a[0]));
    assert_false(mapr_topic_same(a[0], b[0])); /* the lag moved */
    b[0]->maxlag = 5;
    assert_true(mapr_topic_same(a[0], b[0]));
    b[0]->newest_ms = 7;
    assert_false(mapr_topic_same(a[0], b[0]));
    mapr_topic_free(&a[0]->row);
    mapr_topic_free(&b[0]->row);
    free(a);
    free(b);
}

static void test_fresh_verdict(void **state)
{
    const int64_t h = 3600 * 1000LL, now = 1796601900000LL;

    (void)state;
    /* no cadence: no verdict, whatever the age */
    assert_int_equal(mapr_fresh_verdict(0, now - 100 * h, now), MAPR_FRESH_NONE);
    assert_int_equal(mapr_fresh_verdict(0, -1, now), MAPR_FRESH_NONE);
    /* a cadence but no time */
    assert_int_equal(mapr_fresh_verdict(4 * h, -1, now), MAPR_FRESH_UNKNOWN);
    /* every 4 hours: fresh up to 4 h, late within an hour's grace, overdue after */
    assert_int_equal(mapr_fresh_verdict(4 * h, now - 3 * h, now), MAPR_FRESH_OK);
    assert_int_equal(mapr_fresh_verdict(4 * h, now - 4 * h, now), MAPR_FRESH_OK);
    assert_int_equal(mapr_fresh_verdict(4 * h, now - 4 * h - 1, now), MAPR_FRESH_LATE);
    assert_int_equal(mapr_fresh_verdict(4 * h, now - 5 * h, now), MAPR_FRESH_LATE);
    assert_int_equal(mapr_fresh_verdict(4 * h, now - 5 * h - 1, now), MAPR_FRESH_OVERDUE);
    /* every minute: the grace is at least 30 s */
    assert_int_equal(mapr_fresh_grace_ms(60000), 30000);
    assert_int_equal(mapr_fresh_verdict(60000, now - 80000, now), MAPR_FRESH_LATE);
    assert_int_equal(mapr_fresh_verdict(60000, now - 91000, now), MAPR_FRESH_OVERDUE);
    /* data from the future (clock skew) is fresh */
    assert_int_equal(mapr_fresh_verdict(60000, now + 5000, now), MAPR_FRESH_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_envelope_errors), cmocka_unit_test(test_time),
        cmocka_unit_test(test_topic_info),      cmocka_unit_test(test_snapshots_and_httpfs),
        cmocka_unit_test(test_volume_fields),   cmocka_unit_test(test_stream_same),
        cmocka_unit_test(test_topic_same),      cmocka_unit_test(test_fresh_verdict),
        cmocka_unit_test(test_tables),          cmocka_unit_test(test_body_hash),
        cmocka_unit_test(test_fast_path_volumes), cmocka_unit_test(test_fast_path_snapshots),
        cmocka_unit_test(test_fast_path_falls_back),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
