/* govsim: a simulated GovCloud on 127.0.0.1 (Kubernetes, Nagios, ServiceNow, MapR and KrakenD
 * on one port) for the demo and the integration tests: the command line and main. See
 * docs/simulator.md. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/router.h"
#include "sim/sim_util.h"
#include "sim/world.h"

struct sim_options {
    long port;
    long tenants;
    long long pods;
    unsigned long long seed;
    double churn;
    const char *token;
    const char *basic_auth;
    long bookmark_interval;
    long long history;
    const char **forbid;
    size_t n_forbid;
    double log_rate;
    int no_metrics;
    int lookalike; /* s7-isolation */
};

static void sim_usage(FILE *out)
{
    fputs("usage: govsim [--port P] [--tenants N] [--pods N] [--seed S] [--churn EVENTS_PER_S]\n"
          "              [--token T] [--basic-auth USER:PASSWORD] [--forbid-namespace NS]...\n"
          "              [--log-rate LINES_PER_S] [--no-metrics] [--bookmark-interval SECONDS]\n"
          "              [--history N] [--lookalike] [--help]\n"
          "\n"
          "A simulated GovCloud on 127.0.0.1, one port for every API: Kubernetes (/api, /apis),\n"
          "Nagios (/nagios4/cgi-bin/), ServiceNow (/api/now/), MapR (/rest/), KrakenD\n"
          "(/__health, /krakend.json, /krakend/metrics), and the test controls under /_sim/\n"
          "(GET /_sim/requests?since=N: every other request since the N-th, for tests).\n"
          "\n"
          "  --port P                 TCP port; 0 (default) picks a free one\n"
          "  --tenants N              tenants (default 8)\n"
          "  --pods N                 pods in the world (default 300)\n"
          "  --seed S                 world seed (default 1)\n"
          "  --churn R                changes per second, 0 = none (default 2)\n"
          "  --token T                Kubernetes: require \"Authorization: Bearer T\"\n"
          "  --basic-auth USER:PASSWORD\n"
          "                           Nagios, ServiceNow, MapR: require HTTP basic\n"
          "                           authentication with exactly that pair\n"
          "  --forbid-namespace NS    Kubernetes: answer 403 Forbidden to every request\n"
          "                           touching NS (repeatable)\n"
          "  --log-rate R             Kubernetes: lines a second of a followed pod log\n"
          "                           (default 2)\n"
          "  --no-metrics             Kubernetes: serve no metrics.k8s.io API\n"
          "  --bookmark-interval S    Kubernetes: seconds between watch bookmarks (default 10)\n"
          "  --history N              Kubernetes: watch events kept for resuming\n"
          "                           (default 10000)\n"
          "  --lookalike              tenants named like one another (dmi, dmi2, dmi-sandbox-2,\n"
          "                           registry1 ...), the seed drawing them, for isolation tests\n"
          "  --help                   this text\n"
          "\n"
          "Prints \"listening on 127.0.0.1:PORT\" once ready; SIGTERM or SIGINT stops it.\n",
          out);
}

/* Parses a number option or exits with status 2. */
static long long sim_parse_num(const char *opt, const char *s, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "govsim: %s: invalid value '%s' (expected %lld..%lld)\n", opt, s, lo, hi);
        exit(2);
    }
    return v;
}

static void sim_parse_args(int argc, char **argv, struct sim_options *o)
{
    enum { OPT_BOOKMARK = 256, OPT_HISTORY, OPT_FORBID, OPT_LOG_RATE, OPT_NO_METRICS, OPT_BASIC,
           OPT_LOOKALIKE };
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"tenants", required_argument, NULL, 't'},
        {"pods", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"churn", required_argument, NULL, 'c'},
        {"token", required_argument, NULL, 'T'},
        {"basic-auth", required_argument, NULL, OPT_BASIC},
        {"bookmark-interval", required_argument, NULL, OPT_BOOKMARK},
        {"history", required_argument, NULL, OPT_HISTORY},
        {"forbid-namespace", required_argument, NULL, OPT_FORBID},
        {"log-rate", required_argument, NULL, OPT_LOG_RATE},
        {"no-metrics", no_argument, NULL, OPT_NO_METRICS},
        {"lookalike", no_argument, NULL, OPT_LOOKALIKE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    o->port = 0;
    o->tenants = 8;
    o->pods = 300;
    o->seed = 1;
    o->churn = 2;
    o->token = NULL;
    o->basic_auth = NULL;
    o->bookmark_interval = 10;
    o->history = 10000;
    o->forbid = NULL;
    o->n_forbid = 0;
    o->log_rate = 2;
    o->no_metrics = 0;
    o->lookalike = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o->port = (long)sim_parse_num("--port", optarg, 0, 65535);
            break;
        case 't':
            o->tenants = (long)sim_parse_num("--tenants", optarg, 0, 2000);
            break;
        case 'n':
            o->pods = sim_parse_num("--pods", optarg, 0, 2000000);
            break;
        case 's':
            o->seed = (unsigned long long)sim_parse_num("--seed", optarg, 0, INT64_MAX);
            break;
        case 'c': {
            char *end;
            o->churn = strtod(optarg, &end);
            if (*end || end == optarg || o->churn < 0 || o->churn > 100000) {
                fprintf(stderr, "govsim: --churn: invalid value '%s'\n", optarg);
                exit(2);
            }
            break;
        }
        case 'T':
            o->token = optarg;
            break;
        case OPT_BASIC:
            if (!strchr(optarg, ':') || optarg[0] == ':') {
                fprintf(stderr, "govsim: --basic-auth: expected USER:PASSWORD\n");
                exit(2);
            }
            o->basic_auth = optarg;
            break;
        case OPT_BOOKMARK:
            o->bookmark_interval = (long)sim_parse_num("--bookmark-interval", optarg, 1, 86400);
            break;
        case OPT_HISTORY:
            o->history = sim_parse_num("--history", optarg, 0, 10000000);
            break;
        case OPT_FORBID:
            o->forbid = sim_xrealloc(o->forbid, (o->n_forbid + 1) * sizeof(*o->forbid));
            o->forbid[o->n_forbid++] = optarg;
            break;
        case OPT_LOG_RATE: {
            char *end;
            o->log_rate = strtod(optarg, &end);
            if (*end || end == optarg || !(o->log_rate >= 0.01 && o->log_rate <= 1000000)) {
                fprintf(stderr, "govsim: --log-rate: invalid value '%s' (0.01..1000000)\n", optarg);
                exit(2);
            }
            break;
        }
        case OPT_NO_METRICS:
            o->no_metrics = 1;
            break;
        case OPT_LOOKALIKE:
            o->lookalike = 1;
            break;
        case 'h':
            sim_usage(stdout);
            exit(0);
        default:
            sim_usage(stderr);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "govsim: unexpected argument '%s'\n", argv[optind]);
        sim_usage(stderr);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    struct sim_options o;
    sim_parse_args(argc, argv, &o);

    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct world_config wc = {
        .tenants = (int)o.tenants,
        .pods = (size_t)o.pods,
        .seed = o.seed,
        .churn = o.churn,
        .history = (size_t)o.history,
        .lookalike = o.lookalike != 0,
    };
    struct world *w = world_new(&wc);
    struct router_config rc = {
        .world = w,
        .port = (uint16_t)o.port,
        .token = o.token,
        .basic_auth = o.basic_auth,
        .forbid = o.forbid,
        .n_forbid = o.n_forbid,
        .bookmark_interval = (unsigned)o.bookmark_interval,
        .log_rate = o.log_rate,
        .no_metrics = o.no_metrics != 0,
    };
    struct router *router = router_start(&rc);
    if (!router) {
        world_free(w);
        free(o.forbid);
        return 1;
    }
    world_churn_start(w);
    world_ctl_start(w);
    printf("listening on 127.0.0.1:%u\n", router_port(router));
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);

    world_shutdown(w);
    router_stop(router);
    world_free(w);
    free(o.forbid);
    return 0;
}
