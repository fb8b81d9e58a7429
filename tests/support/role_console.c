/* TEST ONLY (issue 16): the console in a session whose roles the command line gives, so that
 * tests/screen/roles.sh can see what a developer, a viewer or a session without identity sees
 * without a directory. Built into build/tests/ only, never into govconsole: a role taken from
 * flags would let anyone raise their own.
 *
 *   role_console URL [--operator] [--oncall] [--developer T]... [--viewer T]... [--nobody]
 *                    [--tenant T] [--readonly] [-c VIEW]
 *
 * URL is a running govsim's; every source points there, as with --demo. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/config.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/source.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/workpool.h"
#include "tui/app.h"

int main(int argc, char **argv)
{
    const char *developer[16] = {NULL}, *viewer[16] = {NULL}, *narrow = NULL, *view = NULL;
    struct access_grant g = {.developer = developer, .viewer = viewer};
    size_t nd = 0, nv = 0;
    bool nobody = false, readonly = false;
    struct gc_config cfg;
    struct source_env env;
    struct app_opts o = {0};
    struct sources *sources;
    struct access *acc;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    struct app *app;
    char *err = NULL;
    int status;

    if (argc < 2) {
        fprintf(stderr, "usage: role_console URL [role flags] [-c VIEW]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(argv[i], "--operator") == 0) {
            g.operator = true;
        } else if (strcmp(argv[i], "--oncall") == 0) {
            g.oncall = true;
        } else if (strcmp(argv[i], "--nobody") == 0) {
            nobody = true;
        } else if (strcmp(argv[i], "--readonly") == 0) {
            readonly = true;
        } else if (next != NULL && strcmp(argv[i], "--developer") == 0 && nd < 15) {
            developer[nd++] = argv[++i];
        } else if (next != NULL && strcmp(argv[i], "--viewer") == 0 && nv < 15) {
            viewer[nv++] = argv[++i];
        } else if (next != NULL && strcmp(argv[i], "--tenant") == 0) {
            narrow = argv[++i];
        } else if (next != NULL && strcmp(argv[i], "-c") == 0) {
            view = argv[++i];
        } else {
            fprintf(stderr, "role_console: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    acc = nobody ? access_new_nobody("tester", readonly)
                 : access_new_grant("tester", &g, narrow, readonly, &err);
    if (acc == NULL) {
        fprintf(stderr, "role_console: %s\n", err);
        free(err);
        return 3;
    }
    signal(SIGPIPE, SIG_IGN);
    config_init(&cfg);
    loop = loop_new();
    http = http_new(loop);
    pool = workpool_new(loop, 0);
    store = store_new();
    env = (struct source_env){loop, http, pool, store, &cfg, argv[1], acc, NULL};
    access_bind(acc, store);
    sources = sources_new(&env, &err);
    if (sources == NULL) {
        fprintf(stderr, "role_console: %s\n", err);
        return 2;
    }
    sources_start(sources);
    o.start_view = view;
    o.access = acc;
    o.no_color = true;
    app = app_new(loop, store, sources, &o);
    status = app_run(app);
    sources_stop(sources);
    workpool_free(pool);
    app_free(app);
    sources_free(sources);
    http_free(http);
    store_free(store);
    loop_free(loop);
    access_free(acc);
    config_fini(&cfg);
    return status;
}
