/* govconsole: command line, start-up and shut-down. */
#include <getopt.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/access.h"
#include "core/config.h"
#include "core/demo.h"
#include "core/http.h"
#include "core/jsonarena.h"
#include "core/k8s/k8s.h"
#include "core/k8s/kubeconfig.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/theme.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "views/registry.h"

static const char usage[] =
    "usage: govconsole [--config FILE] [--kubeconfig FILE] [--context NAME]\n"
    "                  [-c|--command VIEW] [--tenant NAME] [--theme NAME] [--readonly]\n"
    "                  [--demo] [--log FILE] [--version] [--help]\n"
    "\n"
    "The operations console of the GovCloud platform: live tenants, apps and pods.\n"
    "\n"
    "  --config FILE      configuration (default: $XDG_CONFIG_HOME/govconsole/config.ini)\n"
    "  --kubeconfig FILE  kubeconfig to read (default: [kubernetes] kubeconfig, $KUBECONFIG,\n"
    "                     else ~/.kube/config)\n"
    "  --context NAME     kubeconfig context (default: its current-context)\n"
    "  -c, --command VIEW view to start on: tenants (te), apps (deploy), pods (po)\n"
    "  --tenant NAME      limit the session to this tenant: every view, count, completion\n"
    "                     and action (a tenant's namespaces carry its label)\n"
    "  --theme NAME       colour theme: default, light, high-contrast, mono, or a file\n"
    "                     NAME.theme in $XDG_CONFIG_HOME/govconsole/themes\n"
    "  --readonly         refuse every change (restart, scale, delete); refusals are audited\n"
    "  --demo             start the built-in simulator (govsim) on a free loopback port,\n"
    "                     point the console at it, stop it on exit\n"
    "  --log FILE         write a debug log to FILE (mode 0600)\n"
    "  --version          print the version and exit\n"
    "  --help             print this help and exit\n"
    "\n"
    "Keys: ? shows them all. j/k move, Enter drills down, Esc goes back, : command,\n"
    "/ filter, d describe, y YAML, l logs, r restart, s scale, Ctrl-D delete, q quit.\n"
    "Exit status: 0 on q, 2 for a bad command line or kubeconfig, 128+N on signal N.\n";

struct args {
    const char *config;
    const char *theme;
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
    enum { OPT_KUBECONFIG = 256, OPT_CONFIG, OPT_THEME, OPT_CONTEXT, OPT_TENANT, OPT_READONLY, OPT_DEMO, OPT_LOG,
           OPT_VERSION, OPT_HELP };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"theme", required_argument, NULL, OPT_THEME},
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
        case OPT_CONFIG:
            a->config = optarg;
            break;
        case OPT_THEME:
            a->theme = optarg;
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

/* What :ctx needs to build a new client. */
struct session {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    struct k8s_client *k8s;
    struct k8s_options k8s_opts; /* from [kubernetes] */
    const char *kubeconfig;
};

static struct k8s_client *switch_context(const char *name, char **err, void *arg)
{
    struct session *s = arg;
    struct kube_target target;

    if (kubeconfig_load(s->kubeconfig, name, &target, err) != 0) {
        return NULL;
    }
    k8s_client_stop(s->k8s);
    workpool_free(s->pool); /* drains decodes that still point at the old client */
    k8s_client_free(s->k8s);
    s->pool = workpool_new(s->loop, 0);
    for (int k = 0; k < STORE_KIND_COUNT; k++) {
        store_clear(store_table(s->store, (enum store_kind)k));
    }
    s->k8s = k8s_client_new(s->loop, s->http, s->pool, s->store, &target, &s->k8s_opts);
    kube_target_fini(&target);
    k8s_client_start(s->k8s);
    log_msg("context switched to %s", name);
    return s->k8s;
}

/* The theme to start with: --theme, else [ui] theme. Problems go to *warn (caller frees). */
static struct theme *pick_theme(const char *name, const char *const *dirs, char **warn)
{
    struct theme_warnings w;
    struct theme *t;

    theme_warnings_init(&w);
    t = theme_find(name, dirs, &w);
    if (t == NULL || w.count > 0) {
        *warn = xasprintf("theme %s: %s; using the default theme", name,
                          w.count > 0 ? w.items[0] : "not found");
        theme_free(t);
        t = NULL;
    }
    theme_warnings_fini(&w);
    return t;
}

/* Loads the configuration; errors end the program with status 2, warnings become the
 * first flash message. */
static void load_config(const char *path, struct gc_config *cfg, char **warn)
{
    struct config_diag diag;

    config_diag_init(&diag);
    if (config_load(path, cfg, &diag) != 0) {
        for (size_t i = 0; i < diag.nerrors; i++) {
            fprintf(stderr, "govconsole: %s\n", diag.errors[i]);
        }
        config_diag_fini(&diag);
        config_fini(cfg);
        exit(2);
    }
    if (diag.nwarnings > 0) {
        *warn = xasprintf("%s%s", diag.warnings[0],
                          diag.nwarnings > 1 ? " (and more: see the config file)" : "");
    }
    config_diag_fini(&diag);
}

/* The session's identity until the directory is wired in: the process's login name, the
 * operator role, --tenant as the scope, and the namespaces [tenant NAME] sections assign. */
static struct access *session_access(const struct args *args, const struct gc_config *cfg)
{
    struct passwd pw, *pwr = NULL;
    char buf[4096];
    const char *tenants[2] = {args->tenant, NULL};
    const char *user = getenv("USER");
    struct access *acc;

    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &pwr) == 0 && pwr != NULL) {
        user = pw.pw_name;
    }
    acc = access_new(user, ACCESS_OPERATOR, tenants, args->readonly);
    for (size_t i = 0; i < cfg->ntenants; i++) {
        const struct config_tenant *t = &cfg->tenants[i];

        for (size_t k = 0; k < t->nnamespaces; k++) {
            access_map_namespace(acc, t->namespaces[k], t->name);
        }
    }
    if (cfg->kubernetes.tenant_pattern != NULL) {
        char *err = NULL;

        if (access_set_ns_pattern(acc, cfg->kubernetes.tenant_pattern, &err) != 0) {
            log_msg("%s", err); /* config_load() checked it already */
            free(err);
        }
    }
    return acc;
}

int main(int argc, char **argv)
{
    struct args args = {0};
    struct kube_target target = {0};
    struct demo demo = {0};
    struct app_opts aopts = {0};
    struct gc_config cfg;
    struct session sess = {0};
    struct store store;
    struct app *app;
    char *err = NULL, *warn = NULL, *govsim_dir = NULL, *user_themes = NULL;
    char buf[4096];
    const char *theme_dirs[4] = {NULL};
    char **contexts = NULL;
    struct access *acc;
    int status, ndirs = 0;

    parse_args(argc, argv, &args);
    if (args.command != NULL && registry_find(args.command) == NULL) {
        fprintf(stderr, "govconsole: unknown view '%s' (available: tenants, apps, pods)\n",
                args.command);
        return 2;
    }
    load_config(args.config, &cfg, &warn);
    log_open(args.log);
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0); /* before the worker threads decode anything */
    jsonarena_install();

    sess.kubeconfig = args.kubeconfig != NULL ? args.kubeconfig : cfg.kubernetes.kubeconfig;
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
    } else if (kubeconfig_load(sess.kubeconfig,
                               args.context != NULL ? args.context : cfg.kubernetes.context,
                               &target, &err) != 0) {
        fprintf(stderr, "govconsole: %s\n", err);
        free(err);
        free(warn);
        config_fini(&cfg);
        return 2;
    } else {
        contexts = kubeconfig_contexts(sess.kubeconfig);
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "govconsole: needs a terminal on stdin and stdout\n");
        kube_target_fini(&target);
        demo_stop(&demo);
        kubeconfig_contexts_free(contexts);
        config_fini(&cfg);
        free(warn);
        return 2;
    }

    /* Themes: the user's directory, then the ones beside the program (the repository). */
    user_themes = xstrdup(theme_user_dir(buf, sizeof buf));
    if (user_themes != NULL && user_themes[0] != '\0') {
        theme_dirs[ndirs++] = user_themes;
    }
    govsim_dir = demo_find_govsim();
    if (strrchr(govsim_dir, '/') != NULL) {
        strcpy(strrchr(govsim_dir, '/'), "/themes");
        theme_dirs[ndirs++] = govsim_dir;
    }
    theme_dirs[ndirs++] = "/usr/share/govconsole/themes";

    sess.loop = loop_new();
    sess.http = http_new(sess.loop);
    sess.pool = workpool_new(sess.loop, 0);
    sess.store = &store;
    store_init(&store);
    sess.k8s_opts.metrics_interval_ms = (int)cfg.kubernetes.interval_metrics_ms;
    sess.k8s = k8s_client_new(sess.loop, sess.http, sess.pool, &store, &target, &sess.k8s_opts);
    kube_target_fini(&target);
    k8s_client_start(sess.k8s);

    aopts.start_view = args.command;
    aopts.mouse = cfg.ui.mouse;
    aopts.no_color = getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0';
    aopts.theme = pick_theme(args.theme != NULL ? args.theme : cfg.ui.theme, theme_dirs,
                             warn == NULL ? &warn : &err);
    aopts.theme_dirs = theme_dirs;
    aopts.contexts = (const char *const *)contexts;
    aopts.switch_context = args.demo ? NULL : switch_context;
    aopts.switch_arg = &sess;
    aopts.startup_flash = warn;
    acc = session_access(&args, &cfg);
    access_bind(acc, &store);
    aopts.access = acc;
    app = app_new(sess.loop, &store, sess.k8s, &aopts);
    status = app_run(app);

    k8s_client_stop(sess.k8s);
    workpool_free(sess.pool);
    k8s_client_free(sess.k8s);
    app_free(app);
    access_free(acc);
    http_free(sess.http);
    store_fini(&store);
    loop_free(sess.loop);
    demo_stop(&demo);
    kubeconfig_contexts_free(contexts);
    config_fini(&cfg);
    free(warn);
    free(err);
    free(user_themes);
    free(govsim_dir);
    log_close();
    return status;
}
