/* govconsole: command line, start-up and shut-down. */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/demo.h"
#include "core/http.h"
#include "core/k8s.h"
#include "core/kubeconfig.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tui/app.h"

static const char usage[] =
    "usage: govconsole [--kubeconfig FILE] [--context NAME] [-c|--command VIEW]\n"
    "                  [--tenant NAME] [--readonly] [--demo] [--log FILE]\n"
    "                  [--version] [--help]\n"
    "\n"
    "The operations console of the GovCloud platform: live tenants, apps and pods.\n"
    "\n"
    "  --kubeconfig FILE  kubeconfig to read (default: $KUBECONFIG, else ~/.kube/config)\n"
    "  --context NAME     kubeconfig context (default: its current-context)\n"
    "  -c, --command VIEW view to start on: pods (alias po)\n"
    "  --tenant NAME      show only this tenant's namespaces and pods\n"
    "  --readonly         never change anything (the console has no actions yet)\n"
    "  --demo             start the built-in simulator (govsim) on a free loopback port,\n"
    "                     point the console at it, stop it on exit\n"
    "  --log FILE         write a debug log to FILE (mode 0600)\n"
    "  --version          print the version and exit\n"
    "  --help             print this help and exit\n"
    "\n"
    "Keys: j/k or arrows move, PgUp/PgDn page, g/G top/bottom, q quit.\n"
    "Exit status: 0 on q, 2 for a bad command line or kubeconfig, 128+N on signal N.\n";

struct args {
    const char *kubeconfig;
    const char *context;
    const char *command;
    const char *tenant;
    const char *log;
    bool readonly;
    bool demo;
};

static void parse_args(int argc, char **argv, struct args *a)
{
    enum { OPT_KUBECONFIG = 256, OPT_CONTEXT, OPT_TENANT, OPT_READONLY, OPT_DEMO, OPT_LOG,
           OPT_VERSION, OPT_HELP };
    static const struct option longopts[] = {
        {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
        {"context", required_argument, NULL, OPT_CONTEXT},
        {"command", required_argument, NULL, 'c'},
        {"tenant", required_argument, NULL, OPT_TENANT},
        {"readonly", no_argument, NULL, OPT_READONLY},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"log", required_argument, NULL, OPT_LOG},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int ch;

    while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_KUBECONFIG:
            a->kubeconfig = optarg;
            break;
        case OPT_CONTEXT:
            a->context = optarg;
            break;
        case 'c':
            a->command = optarg;
            break;
        case OPT_TENANT:
            a->tenant = optarg;
            break;
        case OPT_READONLY:
            a->readonly = true;
            break;
        case OPT_DEMO:
            a->demo = true;
            break;
        case OPT_LOG:
            a->log = optarg;
            break;
        case OPT_VERSION:
            printf("govconsole %s\n", GC_VERSION);
            exit(0);
        case OPT_HELP:
            fputs(usage, stdout);
            exit(0);
        default:
            fputs(usage, stderr);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "govconsole: unexpected argument '%s'\n", argv[optind]);
        fputs(usage, stderr);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    struct args args = {0};
    struct kube_target target = {0};
    struct demo demo = {0};
    struct app_opts aopts = {0};
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct k8s_client *k8s;
    struct app *app;
    char *err = NULL;
    int status;

    parse_args(argc, argv, &args);
    if (args.command != NULL && strcmp(args.command, "pods") != 0 &&
        strcmp(args.command, "po") != 0 && strcmp(args.command, "pod") != 0) {
        fprintf(stderr, "govconsole: unknown view '%s' (available: pods)\n", args.command);
        return 2;
    }
    log_open(args.log);
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0); /* before the worker threads decode anything */

    if (args.demo) {
        char *govsim = demo_find_govsim();

        if (demo_start(govsim, NULL, &demo, &err) != 0) {
            fprintf(stderr, "govconsole: --demo: %s\n", err);
            free(err);
            free(govsim);
            return 1;
        }
        free(govsim);
        target.context = xstrdup("govsim-demo");
        target.cluster = xstrdup("govsim");
        target.server = xstrdup(demo.server);
        log_msg("demo: govsim pid %d on %s", (int)demo.pid, demo.server);
    } else if (kubeconfig_load(args.kubeconfig, args.context, &target, &err) != 0) {
        fprintf(stderr, "govconsole: %s\n", err);
        free(err);
        return 2;
    }

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "govconsole: needs a terminal on stdin and stdout\n");
        kube_target_fini(&target);
        demo_stop(&demo);
        return 2;
    }
    loop = loop_new();
    http = http_new(loop);
    pool = workpool_new(loop, 0);
    store_init(&store);
    k8s = k8s_client_new(loop, http, pool, &store, &target, NULL);
    kube_target_fini(&target);
    k8s_client_start(k8s);

    aopts.start_view = args.command;
    aopts.tenant = args.tenant;
    aopts.readonly = args.readonly;
    aopts.no_color = getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0';
    app = app_new(loop, &store, k8s, &aopts);
    status = app_run(app);

    k8s_client_stop(k8s);
    workpool_free(pool);
    k8s_client_free(k8s);
    app_free(app);
    http_free(http);
    store_fini(&store);
    loop_free(loop);
    demo_stop(&demo);
    log_close();
    return status;
}
