/* govconsole: command line, start-up and shut-down; `govconsole check`. Sources and views
 * come from their registries: nothing here names one. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/check.h"
#include "core/directory/identity.h" /* who is at the keyboard (issue 16) */
#include "core/nagios/sla_report.h" /* report sla (issue 13) */
#include "core/config.h"
#include "core/demo.h"
#include "core/http.h"
#include "core/jsonarena.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/sanitize.h"
#include "core/theme.h"
#include "core/ttypass.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "views/registry.h"

#define CHECK_TIMEOUT_MS 30000
#define REPORT_TIMEOUT_MS 180000
#define SYSTEM_CONFIG "/etc/govconsole/config.ini"
#define LOGIN_TRIES 3

static const char usage_head[] =
    "usage: govconsole [--config FILE] [--kubeconfig FILE] [--context NAME]\n"
    "                  [-c|--command VIEW] [--tenant NAME] [--login NAME] [--theme NAME]\n"
    "                  [--readonly] [--demo] [--log FILE] [--version] [--help]\n"
    "       govconsole check [--config FILE] [--kubeconfig FILE] [--context NAME] [--demo]\n"
    "                  [--tenant NAME] [--format text|json]\n"
    "       govconsole report sla --from YYYY-MM-DD --to YYYY-MM-DD [--tenant NAME]\n"
    "                  [--format csv|json|md] [--config FILE] [--demo]\n"
    "\n"
    "The operations console of the GovCloud platform: live tenants, apps and pods.\n"
    "\n"
    "  --config FILE      your configuration (default: $XDG_CONFIG_HOME/govconsole/config.ini),\n"
    "                     read after /etc/govconsole/config.ini, whose tenants, [access],\n"
    "                     [directory] and tenant_pattern it cannot change\n"
    "  --kubeconfig FILE  kubeconfig to read (default: [kubernetes] kubeconfig, $KUBECONFIG,\n"
    "                     else ~/.kube/config)\n"
    "  --context NAME     kubeconfig context (default: its current-context)\n"
    "  -c, --command VIEW view to start on:";

static const char usage_tail[] =
    "  --tenant NAME      limit the session to this tenant: every view, count, completion\n"
    "                     and action (a tenant's namespaces carry its label); with a\n"
    "                     directory, only a tenant your groups grant\n"
    "  --login NAME       run as directory user NAME (shared jump hosts): asks for NAME's\n"
    "                     password on the terminal, three tries; without it the login name\n"
    "                     is the user. Needs [directory] in the system configuration\n"
    "  --theme NAME       colour theme: default, light, high-contrast, mono, or a file\n"
    "                     NAME.theme in $XDG_CONFIG_HOME/govconsole/themes\n"
    "  --readonly         refuse every change (restart, scale, delete, acknowledge,\n"
    "                     downtime); refusals are audited\n"
    "  --demo             start the built-in simulator (govsim) on a free loopback port,\n"
    "                     point every source at it, stop it on exit; without [dataset]\n"
    "                     sections, the demo's data cadences are used\n"
    "  --log FILE         write a debug log to FILE (mode 0600)\n"
    "  --version          print the version and exit\n"
    "  --help             print this help and exit\n"
    "\n"
    "check: probe every configured source (reachable? TLS verified? credentials accepted?\n"
    "how fast? what does it say about itself?) without a terminal; --format json for scripts.\n"
    "Exit status 0 when every source passes, 1 when any fails (its line says why).\n"
    "\n"
    "report sla: service levels per tenant, app and service from the Nagios archive for the\n"
    "days --from to --to (both included, local time), on stdout: CSV (default), JSON or\n"
    "Markdown (docs/sla.md). --tenant limits it to that tenant. Exit status 1 with a message\n"
    "when Nagios cannot answer the period; with a directory, your groups bound it as they\n"
    "bound the console (exit status 3 when they grant nothing).\n"
    "\n"
    "Keys: ? shows them all. j/k move, Enter drills down, Esc goes back, : command,\n"
    "/ filter, d describe, y YAML, l logs, r restart, s scale, Ctrl-D delete, q quit.\n"
    "Exit status: 0 on q, 2 for a bad command line or configuration, 3 when the directory\n"
    "refuses the identity (no role, wrong password, directory required but unreachable),\n"
    "128+N on signal N.\n";

/* The usage text, with the views from the registry (name and aliases). */
static void print_usage(FILE *out)
{
    fputs(usage_head, out);
    for (size_t i = 0; registry_get(i) != NULL; i++) {
        const struct view_ops *v = registry_get(i);

        size_t k = 0;

        fprintf(out, "%s %s", i > 0 ? "," : "", v->name);
        for (; v->aliases != NULL && v->aliases[k] != NULL; k++) {
            fprintf(out, "%s%s", k == 0 ? " (" : ", ", v->aliases[k]);
        }
        for (const struct view_narrow *nw = v->narrows; nw != NULL && nw->alias != NULL; nw++) {
            fprintf(out, "%s%s", k++ == 0 ? " (" : ", ", nw->alias);
        }
        if (k > 0) {
            fputc(')', out);
        }
        if (v->cluster_scoped) {
            fputs(" [not with --tenant]", out);
        }
    }
    fputc('\n', out);
    fputs(usage_tail, out);
}

struct args {
    const char *config;
    const char *theme;
    const char *kubeconfig;
    const char *context;
    const char *command;
    const char *tenant;
    const char *login; /* --login NAME */
    const char *log;
    const char *format;
    bool readonly;
    bool demo;
    bool check;
    bool report; /* report sla */
    const char *from;
    const char *to;
};

static void parse_args(int argc, char **argv, struct args *a)
{
    enum { OPT_KUBECONFIG = 256, OPT_CONFIG, OPT_THEME, OPT_CONTEXT, OPT_TENANT, OPT_READONLY, OPT_DEMO, OPT_LOG,
           OPT_VERSION, OPT_HELP, OPT_FORMAT, OPT_FROM, OPT_TO, OPT_LOGIN };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"theme", required_argument, NULL, OPT_THEME},
        {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
        {"context", required_argument, NULL, OPT_CONTEXT},
        {"command", required_argument, NULL, 'c'},
        {"tenant", required_argument, NULL, OPT_TENANT},
        {"login", required_argument, NULL, OPT_LOGIN},
        {"readonly", no_argument, NULL, OPT_READONLY},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"log", required_argument, NULL, OPT_LOG},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int ch;

    if (argc > 1 && strcmp(argv[1], "check") == 0) {
        a->check = true;
        argv[1] = argv[0];
        argc--;
        argv++;
    } else if (argc > 1 && strcmp(argv[1], "report") == 0) {
        if (argc < 3 || strcmp(argv[2], "sla") != 0) {
            fprintf(stderr, "govconsole: report what? (report sla); try 'govconsole --help'\n");
            exit(2);
        }
        a->report = true;
        argv[2] = argv[0];
        argc -= 2;
        argv += 2;
    }
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
        case OPT_LOGIN:
            a->login = optarg;
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
        case OPT_FORMAT:
            a->format = optarg;
            break;
        case OPT_FROM:
            a->from = optarg;
            break;
        case OPT_TO:
            a->to = optarg;
            break;
        case OPT_VERSION:
            printf("govconsole %s\n", GC_VERSION);
            exit(0);
        case OPT_HELP:
            print_usage(stdout);
            exit(0);
        default: /* getopt said what was wrong, in one line */
            fprintf(stderr, "try 'govconsole --help'\n");
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "govconsole: unexpected argument '%s'; try 'govconsole --help'\n",
                argv[optind]);
        exit(2);
    }
    if ((a->from != NULL || a->to != NULL) && !a->report) {
        fprintf(stderr, "govconsole: --from and --to are for report sla only\n");
        exit(2);
    }
    if (a->login != NULL && (a->check || a->report)) {
        fprintf(stderr, "govconsole: --login is for the console, not for check or report\n");
        exit(2);
    }
    if (a->report) {
        return;
    }
    if (a->format != NULL && (!a->check || (strcmp(a->format, "text") != 0 &&
                                            strcmp(a->format, "json") != 0))) {
        fprintf(stderr, "govconsole: --format is text or json, for check only\n");
        exit(2);
    }
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

/* Adds a warning to the start-up message (both may be NULL): "A; B". */
static char *add_warning(char *warn, char *more)
{
    char *both;

    if (more == NULL) {
        return warn;
    }
    if (warn == NULL) {
        return more;
    }
    both = xasprintf("%s; %s", warn, more);
    free(warn);
    free(more);
    return both;
}

/* Loads the configuration: the system file (/etc/govconsole/config.ini, or
 * $GOVCONSOLE_SYSTEM_CONFIG), then the user's, which cannot set what decides scope and
 * identity. Errors end the program with status 2, warnings become the first flash message.
 * Command-line flags then override their keys. */
static void load_config(const struct args *args, struct gc_config *cfg, char **warn)
{
    struct config_diag diag;
    const char *system = getenv("GOVCONSOLE_SYSTEM_CONFIG");

    config_diag_init(&diag);
    if (config_load_layered(system != NULL && system[0] != '\0' ? system : SYSTEM_CONFIG,
                            args->config, cfg, &diag) != 0) {
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
    if (args->kubeconfig != NULL) {
        free(cfg->kubernetes.kubeconfig);
        cfg->kubernetes.kubeconfig = xstrdup(args->kubeconfig);
    }
    if (args->context != NULL) {
        free(cfg->kubernetes.context);
        cfg->kubernetes.context = xstrdup(args->context);
    }
}

/* The process's login name, into buf. */
static const char *login_name(char *buf, size_t size)
{
    struct passwd pw, *pwr = NULL;
    const char *user = getenv("USER");

    if (getpwuid_r(getuid(), &pw, buf, size, &pwr) == 0 && pwr != NULL) {
        return pw.pw_name;
    }
    return user != NULL ? user : "unknown";
}

/* The session without a directory (none configured, or --demo): the process's login name,
 * the operator role, --tenant as the scope. */
static struct access *session_plain(const struct args *args)
{
    char buf[4096];
    const char *tenants[2] = {args->tenant, NULL};

    return access_new(login_name(buf, sizeof buf), ACCESS_OPERATOR, tenants, args->readonly);
}

/* One audit line about the identity ("login"); a line that cannot be written only goes to
 * the debug log (every later change is refused anyway while the log is broken). */
static void session_audit(const char *user, const char *role, const char *scope,
                          const char *result)
{
    char id[17], *err = NULL;
    struct audit_entry e = {
        .user = user,
        .role = role,
        .scope = scope,
        .action = "login",
        .target = user,
        .result = result,
        .id = audit_new_id(id),
    };

    if (audit_append(NULL, &e, &err) != 0) {
        log_msg("identity: %s", err);
        free(err);
    }
}

/* Ends the program: identity refused (exit status 3), with msg on stderr. */
static void session_refuse(const char *user, const char *msg)
{
    char *u = sanitize_dup(user);

    fprintf(stderr, "govconsole: %s\n", msg);
    session_audit(u, NULL, NULL, "refused");
    free(u);
    exit(3);
}

/* dir_identity_resolve() on a thread of its own, so that a slow directory is named on the
 * terminal (after IDENTITY_NOTE_MS, before the console takes it) rather than leaving a blank
 * wait; the resolver's own deadline ([directory] timeout) bounds the wait either way. */
#define IDENTITY_NOTE_MS 700
struct identity_run {
    struct dir_identity_opts *o;
    struct dir_identity *id;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
};

static void *identity_thread(void *arg)
{
    struct identity_run *r = arg;

    dir_identity_resolve(r->o, r->id);
    pthread_mutex_lock(&r->mu);
    r->done = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static void identity_resolve_noting(struct dir_identity_opts *o, struct dir_identity *id)
{
    struct identity_run r = {.o = o, .id = id, .done = false};
    struct timespec until;
    pthread_t th;
    int rc = 0;

    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    if (pthread_create(&th, NULL, identity_thread, &r) != 0) {
        dir_identity_resolve(o, id);
    } else {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)IDENTITY_NOTE_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_mutex_lock(&r.mu);
        while (!r.done && rc != ETIMEDOUT) {
            rc = pthread_cond_timedwait(&r.cv, &r.mu, &until);
        }
        pthread_mutex_unlock(&r.mu);
        if (!r.done && isatty(STDERR_FILENO)) {
            char *uri = sanitize_dup(o->conn.uri != NULL ? o->conn.uri : "");

            fprintf(stderr, "govconsole: asking the directory (%s) who you are...\n", uri);
            free(uri);
        }
        pthread_join(th, NULL);
    }
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
}

/* Resolves `user` in the directory: with --login up to LOGIN_TRIES passwords typed on the
 * terminal. *id is the outcome of the last try. */
static void session_resolve(const struct args *args, struct dir_identity_opts *o,
                            struct dir_identity *id)
{
    char pw[1024], *err = NULL, *prompt, *u = sanitize_dup(o->user);
    int tries = 0, rc;

    for (;;) {
        if (args->login != NULL) {
            prompt = xasprintf("Directory password for %s: ", u);
            rc = ttypass_read(prompt, pw, sizeof pw, &err);
            free(prompt);
            if (rc != 0) {
                explicit_bzero(pw, sizeof pw);
                session_refuse(o->user, rc > 0 ? "--login: no password given" : err);
            }
            o->password = pw;
        }
        identity_resolve_noting(o, id);
        explicit_bzero(pw, sizeof pw);
        o->password = NULL;
        if (args->login == NULL || id->status != DIR_IDENTITY_REFUSED || ++tries >= LOGIN_TRIES) {
            break;
        }
        ttypass_say(id->error);
        session_audit(u, NULL, NULL, "refused: wrong user name or password");
        dir_identity_fini(id);
    }
    free(u);
}

/* The session's identity. Without a directory (or with --demo): session_plain(). With one,
 * before the terminal is taken (the password prompt needs it): the user (the login name, or
 * --login NAME) resolved within [directory] timeout, the grant of their groups narrowed by
 * --tenant. Exits 3 on a refusal (no role, wrong password three times, unknown user, a
 * --tenant outside the grant, the directory down while required); with [directory] required
 * = false a directory that cannot answer gives a session that sees nothing, and *warn says
 * so. Sources are not started meanwhile: each is created with the session (source_env), and
 * the directory answers within its timeout, 5 s by default. */
static struct access *session_access(const struct args *args, const struct gc_config *cfg,
                                     char **warn)
{
    struct dir_identity_opts o;
    struct dir_identity id;
    struct access *acc;
    char buf[4096], *service_pw = NULL, *err = NULL, *why = NULL, *u, *msg;
    const char *user;

    if (cfg->directory.uri == NULL || cfg->directory.uri[0] == '\0' || args->demo) {
        if (args->login != NULL) {
            fprintf(stderr, "govconsole: --login needs a directory ([directory] uri in %s)\n",
                    args->demo ? "the system configuration, and no --demo"
                               : "the system configuration");
            exit(2);
        }
        return session_plain(args);
    }
    user = args->login != NULL ? args->login : login_name(buf, sizeof buf);
    if (dir_identity_opts_init(cfg, user, &o, &service_pw, &err) != 0) {
        fprintf(stderr, "govconsole: %s\n", err);
        exit(2);
    }
    session_resolve(args, &o, &id);
    if (service_pw != NULL) {
        explicit_bzero(service_pw, strlen(service_pw));
        free(service_pw);
    }
    u = sanitize_dup(user);
    switch (id.status) {
    case DIR_IDENTITY_OK:
        acc = access_new_grant(u, &id.grant.g, args->tenant, args->readonly, &why);
        if (acc == NULL) {
            msg = xasprintf("%s: %s", u, why);
            session_refuse(user, msg);
        }
        audit_set_dn(id.dn);
        log_msg("identity: %s (%s), %.0f ms, role %s, scope %s", u, id.dn, id.ms,
                access_role_name(access_role(acc)), access_scope_text(acc));
        session_audit(u, access_role_name(access_role(acc)),
                      access_all_tenants(acc) ? NULL : access_scope_text(acc), "ok");
        break;
    case DIR_IDENTITY_ERROR:
        if (cfg->directory.required) {
            msg = xasprintf("the directory cannot say who you are: %s", id.error);
            session_refuse(user, msg);
        }
        acc = access_new_nobody(u, args->readonly);
        *warn = add_warning(*warn, xasprintf("the directory cannot say who you are (%s): this "
                                             "session sees no tenant ([directory] required = "
                                             "false)",
                                             id.error));
        session_audit(u, access_role_name(access_role(acc)), "none", "directory unreachable");
        break;
    default: /* refused three times, or not in the directory */
        msg = id.status == DIR_IDENTITY_REFUSED
                  ? xasprintf("%s (%d tries)", id.error, LOGIN_TRIES)
                  : xstrdup(id.error);
        session_refuse(user, msg);
        acc = NULL; /* not reached */
    }
    free(u);
    dir_identity_fini(&id);
    return acc;
}

/* What every source shares: the loop, HTTP, the decode pool, the store. */
struct shared {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    struct sources *sources;
    struct demo demo;
};

static void shared_fini(struct shared *sh)
{
    if (sh->sources != NULL) {
        sources_stop(sh->sources);
    }
    workpool_free(sh->pool); /* drains decodes that point into the sources */
    sources_free(sh->sources);
    http_free(sh->http);
    store_free(sh->store);
    loop_free(sh->loop);
    demo_stop(&sh->demo);
}

/* Starts govsim for --demo, the loop and its machinery, and every configured source (not
 * started) for the session `acc`; the sources' warnings are added to *warn. Exits with 1 when
 * govsim cannot start, 2 when a source's configuration is bad. */
static void shared_init(const struct args *args, const struct gc_config *cfg, struct access *acc,
                        struct shared *sh, char **warn)
{
    struct source_env env;
    struct config_diag diag;
    char *err = NULL;

    memset(sh, 0, sizeof *sh);
    if (args->demo) {
        char *govsim = demo_find_govsim();

        if (demo_start(govsim, NULL, &sh->demo, &err) != 0) {
            fprintf(stderr, "govconsole: --demo: %s\n", err);
            exit(1);
        }
        free(govsim);
        log_msg("demo: govsim pid %d on %s", (int)sh->demo.pid, sh->demo.server);
    }
    sh->loop = loop_new();
    sh->http = http_new(sh->loop);
    sh->pool = workpool_new(sh->loop, 0);
    sh->store = store_new();
    config_diag_init(&diag);
    env = (struct source_env){sh->loop, sh->http, sh->pool, sh->store, cfg,
                              args->demo ? sh->demo.server : NULL, acc, &diag};
    access_bind(acc, sh->store);
    sh->sources = sources_new(&env, &err);
    for (size_t i = 0; i < diag.nwarnings; i++) {
        *warn = add_warning(*warn, xstrdup(diag.warnings[i]));
    }
    config_diag_fini(&diag);
    if (sh->sources == NULL) {
        fprintf(stderr, "govconsole: %s\n", err);
        free(err);
        shared_fini(sh);
        exit(2);
    }
}

/* `govconsole check`: every configured source probed, a report on stdout. */
static int run_check(const struct args *args, struct gc_config *cfg, char *warn)
{
    struct shared sh;
    struct access *acc = session_plain(args); /* the directory's probe resolves the user */
    char *report = NULL;
    int rc;

    shared_init(args, cfg, acc, &sh, &warn);
    if (warn != NULL) {
        fprintf(stderr, "govconsole: %s\n", warn);
        free(warn);
    }
    rc = check_run(sh.loop, sh.sources,
                   args->format != NULL && strcmp(args->format, "json") == 0 ? CHECK_JSON
                                                                             : CHECK_TEXT,
                   CHECK_TIMEOUT_MS, &report);
    fputs(report, stdout);
    free(report);
    shared_fini(&sh);
    access_free(acc);
    config_fini(cfg);
    log_close();
    return rc;
}

/* `govconsole report sla`: the period's service levels on stdout. Only what the report needs
 * runs: govsim with --demo, the loop, HTTP and the decode pool. */
static int run_report(const struct args *args, struct gc_config *cfg, char *warn)
{
    struct sla_period p;
    enum sla_report_format fmt = SLA_REPORT_CSV;
    int y1, m1, d1, y2, m2, d2;
    struct shared sh;
    struct source_env env;
    struct access *acc;
    char *out = NULL, *err = NULL;
    int rc = 0;

    if (args->from == NULL || args->to == NULL || sla_day_parse(args->from, &y1, &m1, &d1) != 0 ||
        sla_day_parse(args->to, &y2, &m2, &d2) != 0 ||
        sla_period_days(y1, m1, d1, y2, m2, d2, &p) != 0) {
        fprintf(stderr, "govconsole: report sla needs --from YYYY-MM-DD and --to YYYY-MM-DD, "
                        "real days, --to not before --from\n");
        rc = 2;
    } else if (args->format != NULL && sla_report_format_parse(args->format, &fmt) != 0) {
        fprintf(stderr, "govconsole: report sla --format is csv, json or md\n");
        rc = 2;
    }
    if (rc != 0) {
        config_fini(cfg);
        free(warn);
        return rc;
    }
    if (warn != NULL) {
        fprintf(stderr, "govconsole: %s\n", warn);
        free(warn);
        warn = NULL;
    }
    memset(&sh, 0, sizeof sh);
    if (args->demo) {
        char *govsim = demo_find_govsim();

        if (demo_start(govsim, NULL, &sh.demo, &err) != 0) {
            fprintf(stderr, "govconsole: --demo: %s\n", err);
            free(err);
            free(govsim);
            config_fini(cfg);
            return 1;
        }
        free(govsim);
    }
    acc = session_access(args, cfg, &warn);
    if (warn != NULL) {
        fprintf(stderr, "govconsole: %s\n", warn);
        free(warn);
    }
    if (access_scope(acc) != NULL && access_scope(acc)[0] == NULL) {
        fprintf(stderr, "govconsole: report sla: your session has no tenant to report on\n");
        demo_stop(&sh.demo);
        access_free(acc);
        config_fini(cfg);
        return 1;
    }
    sh.loop = loop_new();
    sh.http = http_new(sh.loop);
    sh.pool = workpool_new(sh.loop, 0);
    sh.store = store_new();
    access_bind(acc, sh.store);
    env = (struct source_env){sh.loop, sh.http, sh.pool, sh.store, cfg,
                              args->demo ? sh.demo.server : NULL, acc, NULL};
    if (sla_report_run(&env, &p, (int64_t)time(NULL), fmt, REPORT_TIMEOUT_MS, &out, &err) == 0) {
        fputs(out, stdout);
        free(out);
        if (err != NULL) { /* the figures are there; incidents and MTTR are not */
            fprintf(stderr, "govconsole: report sla: warning: %s\n", err);
            free(err);
        }
    } else {
        fprintf(stderr, "govconsole: report sla: %s\n", err);
        free(err);
        rc = 1;
    }
    shared_fini(&sh);
    access_free(acc);
    config_fini(cfg);
    log_close();
    return rc;
}

int main(int argc, char **argv)
{
    struct args args = {0};
    struct app_opts aopts = {0};
    struct gc_config cfg;
    struct shared sh;
    struct app *app;
    char *warn = NULL, *govsim_dir = NULL, *user_themes = NULL, names[256];
    char buf[4096];
    const char *theme_dirs[4] = {NULL};
    struct access *acc;
    int status, ndirs = 0;

    registry_check();
    parse_args(argc, argv, &args);
    if (args.command != NULL && registry_find(args.command) == NULL) {
        fprintf(stderr, "govconsole: unknown view '%s' (available:%s)\n", args.command,
                registry_names(NULL, "", names, sizeof names));
        return 2;
    }
    load_config(&args, &cfg, &warn);
    if (args.demo) {
        demo_datasets(&cfg); /* s7-data: the demo's [dataset] cadences, when none are set */
    }
    {
        char *why = NULL;

        if (log_open(args.log, &why) != 0) {
            fprintf(stderr, "govconsole: %s\n", why);
            free(why);
            config_fini(&cfg);
            free(warn);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0); /* before the worker threads decode anything */
    jsonarena_install();
    if (args.check) {
        return run_check(&args, &cfg, warn);
    }
    if (args.report) {
        return run_report(&args, &cfg, warn);
    }
    acc = session_access(&args, &cfg, &warn);
    if (args.command != NULL && !registry_allowed(registry_find(args.command), acc)) {
        fprintf(stderr, "govconsole: the %s view is not available in a tenant-scoped session "
                        "(%s)\n",
                registry_find(args.command)->name, access_scope_text(acc));
        access_free(acc);
        config_fini(&cfg);
        free(warn);
        return 2;
    }
    shared_init(&args, &cfg, acc, &sh, &warn);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "govconsole: needs a terminal on stdin and stdout\n");
        shared_fini(&sh);
        access_free(acc);
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

    sources_start(sh.sources);
    aopts.start_view = args.command;
    aopts.mouse = cfg.ui.mouse;
    aopts.no_color = getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0';
    {
        char *theme_warn = NULL;

        aopts.theme = pick_theme(args.theme != NULL ? args.theme : cfg.ui.theme, theme_dirs,
                                 &theme_warn);
        warn = add_warning(warn, theme_warn);
    }
    aopts.theme_dirs = theme_dirs;
    aopts.startup_flash = warn;
    aopts.access = acc;
    app = app_new(sh.loop, sh.store, sh.sources, &aopts);
    status = app_run(app);
    if (app_exit_message(app) != NULL) {
        fprintf(stderr, "govconsole: %s\n", app_exit_message(app));
    }

    sources_stop(sh.sources);
    workpool_free(sh.pool); /* drains decodes that point into the sources */
    sh.pool = NULL;
    app_free(app);
    shared_fini(&sh);
    access_free(acc);
    config_fini(&cfg);
    free(warn);
    free(user_themes);
    free(govsim_dir);
    log_close();
    return status;
}
