/* The Prometheus text format reader (core/krakend/prom.c) against the exposition format's
 * rules: counters, gauges, histograms, summaries, label escapes, HELP and TYPE, timestamps,
 * NaN and the infinities, blanks, and bad lines skipped and counted; and over the metrics
 * excerpt in ../shared/fixtures/krakend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/krakend/prom.h"
#include "core/xalloc.h"

#define MAX_SEEN 64

struct seen {
    char name[128], family[128];
    enum prom_type type;
    double value;
    bool has_ts;
    int64_t ts;
    size_t line;
    size_t nlabels;
    char labels[8][2][128];
};

struct got {
    struct seen s[MAX_SEEN];
    size_t n;
    char help_family[64], help_text[128];
    size_t helps;
};

static void on_sample(const struct prom_sample *s, void *arg)
{
    struct got *g = arg;
    struct seen *o;

    assert_true(g->n < MAX_SEEN);
    o = &g->s[g->n++];
    snprintf(o->name, sizeof o->name, "%s", s->name);
    snprintf(o->family, sizeof o->family, "%s", s->family);
    o->type = s->type;
    o->value = s->value;
    o->has_ts = s->has_timestamp;
    o->ts = s->timestamp_ms;
    o->line = s->line;
    o->nlabels = s->nlabels;
    for (size_t i = 0; i < s->nlabels && i < 8; i++) {
        snprintf(o->labels[i][0], sizeof o->labels[i][0], "%s", s->labels[i].name);
        snprintf(o->labels[i][1], sizeof o->labels[i][1], "%s", s->labels[i].value);
    }
}

static void on_help(const char *family, const char *text, void *arg)
{
    struct got *g = arg;

    snprintf(g->help_family, sizeof g->help_family, "%s", family);
    snprintf(g->help_text, sizeof g->help_text, "%s", text);
    g->helps++;
}

static void parse(const char *text, struct got *g, struct prom_result *res)
{
    struct prom_handler h = {.sample = on_sample, .help = on_help, .arg = g};

    memset(g, 0, sizeof *g);
    prom_parse(text, strlen(text), &h, res);
}

static void test_counter_gauge_untyped(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    parse("# HELP http_requests_total The total number of HTTP requests.\n"
          "# TYPE http_requests_total counter\n"
          "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
          "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
          "\n"
          "# TYPE temperature gauge\n"
          "temperature -3.5e1\n"
          "metric_without_timestamp_and_labels 12.47\n",
          &g, &res);
    assert_int_equal(res.samples, 4);
    assert_int_equal(res.skipped, 0);
    assert_int_equal(res.comments, 3);
    assert_int_equal(res.lines, 8);
    assert_string_equal(g.s[0].name, "http_requests_total");
    assert_int_equal(g.s[0].type, PROM_COUNTER);
    assert_true(g.s[0].value == 1027.0);
    assert_true(g.s[0].has_ts);
    assert_true(g.s[0].ts == 1395066363000LL);
    assert_int_equal(g.s[0].nlabels, 2);
    assert_string_equal(g.s[0].labels[0][0], "method");
    assert_string_equal(g.s[0].labels[0][1], "post");
    assert_string_equal(g.s[1].labels[1][1], "400");
    assert_true(g.s[1].value == 3.0);
    assert_int_equal(g.s[2].type, PROM_GAUGE);
    assert_true(g.s[2].value == -35.0);
    assert_false(g.s[2].has_ts);
    assert_int_equal(g.s[3].type, PROM_UNTYPED);
    assert_true(fabs(g.s[3].value - 12.47) < 1e-12);
    assert_int_equal(g.s[3].line, 8);
    assert_int_equal(g.helps, 1);
    assert_string_equal(g.help_family, "http_requests_total");
    assert_string_equal(g.help_text, "The total number of HTTP requests.");
}

static void test_label_escapes(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    parse("msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
          "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
          "# HELP weird A help with \\\\ and \\n and \\t kept\n",
          &g, &res);
    assert_int_equal(res.samples, 1);
    assert_int_equal(res.skipped, 0);
    assert_string_equal(g.s[0].labels[0][1], "C:\\DIR\\FILE.TXT");
    assert_string_equal(g.s[0].labels[1][1], "Cannot find file:\n\"FILE.TXT\"");
    assert_true(g.s[0].value == 1458255915.0);
    assert_string_equal(g.help_text, "A help with \\ and \n and \\t kept");
}

static void test_special_values(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    parse("a NaN\nb +Inf\nc -Inf\nd Inf\ne 0\nf .5\ng 1e-3 -1\n", &g, &res);
    assert_int_equal(res.samples, 7);
    assert_int_equal(res.skipped, 0);
    assert_true(isnan(g.s[0].value));
    assert_true(isinf(g.s[1].value) && g.s[1].value > 0);
    assert_true(isinf(g.s[2].value) && g.s[2].value < 0);
    assert_true(isinf(g.s[3].value) && g.s[3].value > 0);
    assert_true(g.s[4].value == 0.0);
    assert_true(g.s[5].value == 0.5);
    assert_true(fabs(g.s[6].value - 0.001) < 1e-15);
    assert_true(g.s[6].has_ts);
    assert_true(g.s[6].ts == -1);
}

/* The process's locale may write numbers with a decimal comma (Danish): the reader does not
 * care. */
static void test_locale_independent(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    if (setlocale(LC_NUMERIC, "da_DK.UTF-8") == NULL &&
        setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL) {
        print_message("no locale with a decimal comma here: read in the C locale only\n");
        setlocale(LC_NUMERIC, "C");
    }
    parse("x 0.25\n", &g, &res);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(res.samples, 1);
    assert_true(g.s[0].value == 0.25);
}

static void test_histogram(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    parse("# HELP http_request_duration_seconds A histogram of the request duration.\n"
          "# TYPE http_request_duration_seconds histogram\n"
          "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
          "http_request_duration_seconds_bucket{le=\"0.1\"} 33444\n"
          "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
          "http_request_duration_seconds_sum 53423\n"
          "http_request_duration_seconds_count 144320\n"
          "http_request_duration_seconds_bucket 5\n"
          "http_request_duration_seconds 7\n",
          &g, &res);
    assert_int_equal(res.samples, 5);
    assert_int_equal(res.skipped, 2); /* a bucket without le; the family's own name */
    assert_int_equal(res.first_skipped, 8);
    assert_non_null(strstr(res.why, "le"));
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(g.s[i].family, "http_request_duration_seconds");
        assert_int_equal(g.s[i].type, PROM_HISTOGRAM);
    }
    assert_string_equal(g.s[2].labels[0][1], "+Inf");
    assert_string_equal(g.s[4].name, "http_request_duration_seconds_count");
    assert_true(g.s[4].value == 144320.0);
}

static void test_summary(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    parse("# TYPE rpc_duration_seconds summary\n"
          "rpc_duration_seconds{quantile=\"0.01\"} 3102\n"
          "rpc_duration_seconds{quantile=\"0.99\"} NaN\n"
          "rpc_duration_seconds_sum 1.7560473e+07\n"
          "rpc_duration_seconds_count 2693\n"
          "rpc_duration_seconds 1\n",
          &g, &res);
    assert_int_equal(res.samples, 4);
    assert_int_equal(res.skipped, 1); /* no quantile */
    assert_int_equal(res.first_skipped, 6);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(g.s[i].family, "rpc_duration_seconds");
        assert_int_equal(g.s[i].type, PROM_SUMMARY);
    }
    assert_true(isnan(g.s[1].value));
    assert_true(g.s[2].value == 17560473.0);
}

/* Garbage is skipped line by line and counted; what follows it is read. */
static void test_garbage(void **state)
{
    struct got g;
    struct prom_result res;

    (void)state;
    parse("<html><body>oops</body></html>\n"
          "good 1\n"
          "bad{a=\"unterminated} 1\n"
          "bad{a=\"x\\t\"} 1\n"
          "bad{a=\"x\",a=\"y\"} 1\n"
          "bad{a=x} 1\n"
          "bad{9a=\"x\"} 1\n"
          "bad{a=\"x\" b=\"y\"} 1\n"
          "bad one\n"
          "bad 1 2 3\n"
          "bad 1 1.5\n"
          "bad 0x10\n"
          "bad\n"
          "bad-name 1\n"
          "# TYPE x nosuchtype\n"
          "# TYPE\n"
          "# HELP\n"
          "# just a comment, with {braces} and \"quotes\n"
          "#\n"
          "  \t  \n"
          "also_good{a=\"1\",} 2 \r\n"
          "last_without_newline 3",
          &g, &res);
    assert_int_equal(res.samples, 3);
    assert_int_equal(res.skipped, 16);
    assert_int_equal(res.comments, 2);
    assert_int_equal(res.first_skipped, 1);
    assert_int_equal(res.lines, 22);
    assert_string_equal(g.s[0].name, "good");
    assert_string_equal(g.s[1].name, "also_good");
    assert_int_equal(g.s[1].nlabels, 1);
    assert_true(g.s[1].value == 2.0);
    assert_string_equal(g.s[2].name, "last_without_newline");
    assert_true(g.s[2].value == 3.0);
}

/* Blanks around labels, a second TYPE, a NUL byte, a TYPE after nothing. */
static void test_blanks_and_types(void **state)
{
    static const char text[] = "spaced { a = \"3\" , b=\"4\" , } 1\n"
                               "# TYPE c counter\n"
                               "# TYPE c gauge\n"
                               "c 5\n"
                               "n\0ul 1\n";
    struct got g;
    struct prom_result res;
    struct prom_handler h = {.sample = on_sample, .arg = &g};

    (void)state;
    memset(&g, 0, sizeof g);
    prom_parse(text, sizeof text - 1, &h, &res);
    assert_int_equal(res.samples, 2);
    assert_int_equal(res.skipped, 2);
    assert_int_equal(res.first_skipped, 3);
    assert_string_equal(g.s[0].labels[1][0], "b");
    assert_string_equal(g.s[0].labels[1][1], "4");
    assert_int_equal(g.s[1].type, PROM_COUNTER);
    assert_non_null(prom_type_name(PROM_SUMMARY));
    assert_string_equal(prom_type_name(PROM_SUMMARY), "summary");
}

/* KrakenD's own exposition (its OpenTelemetry exporter): every line of the excerpt is read. */
static void test_fixture_excerpt(void **state)
{
    const char *root = getenv("GC_ROOT") != NULL ? getenv("GC_ROOT") : ".";
    char *path = xasprintf("%s/../shared/fixtures/krakend/"
                           "prometheus_otel_http_server_duration_excerpt.txt",
                           root);
    FILE *f = fopen(path, "r");
    char buf[65536];
    size_t len;
    struct got g;
    struct prom_result res;
    struct prom_handler h = {.sample = on_sample, .arg = &g};

    (void)state;
    free(path);
    if (f == NULL) {
        print_message("no ../shared/fixtures/krakend: the excerpt is not read\n");
        return;
    }
    len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    memset(&g, 0, sizeof g);
    prom_parse(buf, len, &h, &res);
    assert_int_equal(res.skipped, 0);
    assert_true(res.samples > 0);
    assert_int_equal(res.samples, res.lines);
    assert_string_equal(g.s[0].name, "http_server_duration_bucket");
    for (size_t i = 0; i < g.n; i++) {
        bool route = false, le = false;

        for (size_t k = 0; k < g.s[i].nlabels; k++) {
            route |= strcmp(g.s[i].labels[k][0], "http_route") == 0;
            le |= strcmp(g.s[i].labels[k][0], "le") == 0;
        }
        assert_true(route && le);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_gauge_untyped),
        cmocka_unit_test(test_label_escapes),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_blanks_and_types),
        cmocka_unit_test(test_fixture_excerpt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
