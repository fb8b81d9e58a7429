/* make bench: the KrakenD source's decoding at the scale (figures printed, never
 * pass/fail): a krakend.json of 2,000 endpoints, a Prometheus page of about 1 MB for them
 * (the OpenTelemetry histogram per route and status code), and the rates of 2,000 routes
 * between two such pages. Each is what one worker does every [krakend] interval. With
 * --write DIR it writes the configuration and a metrics page as files instead, for
 * scripts/bench.sh to time the routes view end to end. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/krakend/krakend_config.h"
#include "core/krakend/krakend_metrics.h"
#include "core/xalloc.h"

#define ROUTES 2000

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Appends printf output to a growing buffer. */
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if ((size_t)n < *cap - *len) {
            *len += (size_t)n;
            return;
        }
        *cap = *cap * 2 + (size_t)n + 1;
        *buf = xrealloc(*buf, *cap);
    }
}

static char *config_text(size_t *len)
{
    size_t cap = 1 << 20;
    char *buf = xmalloc(cap);

    *len = 0;
    put(&buf, len, &cap,
        "{\"version\": 3, \"timeout\": \"3s\", \"cache_ttl\": \"300s\", "
        "\"endpoints\": [");
    for (int i = 0; i < ROUTES; i++) {
        put(&buf, len, &cap,
            "%s{\"endpoint\": \"/t%d/v1/api%d/{id}\", \"method\": \"GET\", \"backend\": "
            "[{\"host\": [\"http://api%d.t%d.svc:8080\"], \"url_pattern\": \"/v1/x/{id}\", "
            "\"extra_config\": {\"qos/circuit-breaker\": {\"interval\": 60, \"timeout\": 10, "
            "\"max_errors\": 5}}}], \"extra_config\": {\"auth/validator\": {\"alg\": \"RS256\", "
            "\"issuer\": \"https://idp/realms/t%d\", \"audience\": [\"a\"]}, "
            "\"qos/ratelimit/router\": {\"max_rate\": 200, \"client_max_rate\": 10}}}",
            i > 0 ? ", " : "", i % 40, i, i, i % 40, i % 40);
    }
    put(&buf, len, &cap, "]}\n");
    return buf;
}

/* The page after `seconds` of traffic: 2 status codes x 12 buckets + sum + count a route. */
static char *metrics_text(double seconds, size_t *len)
{
    static const char *const le[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                     "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
    size_t cap = 1 << 21;
    char *buf = xmalloc(cap);

    *len = 0;
    put(&buf, len, &cap, "# TYPE http_server_duration histogram\n");
    for (int i = 0; i < ROUTES; i++) {
        for (int code = 0; code < 2; code++) {
            double total = seconds * (code == 0 ? 10 : 0.1);
            char labels[160];

            snprintf(labels, sizeof labels,
                     "http_request_method=\"GET\",http_response_status_code=\"%s\","
                     "http_route=\"/t%d/v1/api%d/:id\"",
                     code == 0 ? "200" : "503", i % 40, i);
            for (size_t b = 0; b < sizeof le / sizeof le[0]; b++) {
                put(&buf, len, &cap, "http_server_duration_bucket{%s,le=\"%s\"} %.0f\n", labels,
                    le[b], total * (double)(b + 1) / 12);
            }
            put(&buf, len, &cap, "http_server_duration_sum{%s} %.3f\n", labels, total * 0.1);
            put(&buf, len, &cap, "http_server_duration_count{%s} %.0f\n", labels, total);
        }
    }
    return buf;
}

/* Writes `len` bytes to DIR/NAME; 0, or -1 with a message on stderr. */
static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    int rc = f != NULL && fwrite(text, 1, len, f) == len ? 0 : -1;

    if (f != NULL && fclose(f) != 0) {
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "krakend_bench: cannot write %s\n", path);
    }
    free(path);
    return rc;
}

/* --write DIR: the configuration, the later metrics page and a health answer as files
 * (krakend.json, metrics, __health), for scripts/bench.sh to serve to the console. */
static int write_pages(const char *dir)
{
    size_t clen, mlen;
    char *config = config_text(&clen), *m = metrics_text(615, &mlen);
    int rc = write_file(dir, "krakend.json", config, clen) | write_file(dir, "metrics", m, mlen) |
             write_file(dir, "__health", "{\"status\":\"ok\"}\n", 16);

    free(config);
    free(m);
    return rc != 0;
}

int main(int argc, char **argv)
{
    size_t clen, m1len, m2len;
    char *config, *m1, *m2, *err = NULL, **keys;
    struct krakend_config c;
    struct krakend_scrape s1, s2;
    struct krakend_rates r;
    double t0, t_config, t_digest, t_scrape, t_rates;
    volatile uint64_t digest;

    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        return write_pages(argv[2]);
    }
    config = config_text(&clen);
    m1 = metrics_text(600, &m1len);
    m2 = metrics_text(615, &m2len);
    t0 = now_ms();
    if (krakend_config_read(config, clen, "bench", &c, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    t_config = now_ms() - t0;
    t0 = now_ms();
    digest = krakend_config_digest(config, clen); /* an unchanged configuration: only this */
    t_digest = now_ms() - t0;
    (void)digest;
    krakend_scrape_read(m1, m1len, &s1);
    t0 = now_ms();
    krakend_scrape_read(m2, m2len, &s2);
    t_scrape = now_ms() - t0;
    keys = xcalloc(c.nendpoints, sizeof *keys);
    for (size_t i = 0; i < c.nendpoints; i++) {
        keys[i] = krakend_route_key(c.endpoints[i].method, c.endpoints[i].endpoint);
    }
    t0 = now_ms();
    for (size_t i = 0; i < c.nendpoints; i++) {
        krakend_rates_between(krakend_scrape_find(&s1, keys[i]), krakend_scrape_find(&s2, keys[i]),
                              15, &r);
    }
    t_rates = now_ms() - t0;
    printf("krakend: krakend.json of %zu endpoints (%zu KB) read in %.1f ms\n", c.nendpoints,
           clen / 1024, t_config);
    printf("krakend: metrics page of %zu routes (%zu KB, %zu samples) read in %.1f ms (%.0f "
           "MB/s)\n",
           s2.nroutes, m2len / 1024, s2.prom.samples, t_scrape,
           (double)m2len / 1e6 / (t_scrape / 1e3));
    printf("krakend: rates of %zu routes between two scrapes in %.2f ms (last: %.1f req/s, "
           "%.1f%% 5xx)\n",
           c.nendpoints, t_rates, r.req_rate, r.err_share * 100);
    printf("krakend: steady state (configuration unchanged: its digest, %.2f ms) %.2f%% of one "
           "core on a worker every 15 s; %.2f%% when the configuration changes\n",
           t_digest, (t_digest + t_scrape + t_rates) / 15000 * 100,
           (t_config + t_scrape + t_rates) / 15000 * 100);
    for (size_t i = 0; i < c.nendpoints; i++) {
        free(keys[i]);
    }
    free(keys);
    krakend_scrape_fini(&s1);
    krakend_scrape_fini(&s2);
    krakend_config_fini(&c);
    free(config);
    free(m1);
    free(m2);
    return 0;
}
