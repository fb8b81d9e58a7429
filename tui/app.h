/* The console: ties the loop, the store, the sources and the views to the terminal.
 * Handlers only set dirty flags; the loop's prepare hook rebuilds views and paints once per
 * iteration, with a single doupdate(). It knows sources only through core/sources.h. */
#ifndef GC_TUI_APP_H
#define GC_TUI_APP_H

#include <stdbool.h>

struct access;
struct loop;
struct store;
struct sources;
struct theme;
struct app;

struct app_opts {
    const char *start_view;     /* view name or alias; NULL = the registry's first (tenants) */
    bool no_color;              /* NO_COLOR: attributes only */
    bool mouse;                 /* click selects, wheel scrolls */
    struct theme *theme;        /* initial theme (ownership passes), NULL = default */
    const char *const *theme_dirs; /* where :theme NAME looks (NULL-terminated) */
    struct access *access;      /* identity, role, tenant scope (borrowed, bound to the store) */
    const char *audit_path;     /* NULL = the default */
    const char *startup_flash;  /* a message shown at start (e.g. config warnings), or NULL */
};

/* The sources are borrowed (the header's tokens, the requests of the views' actions, their
 * commands on the command line). */
struct app *app_new(struct loop *l, struct store *s, struct sources *sources,
                    const struct app_opts *o);

/* Takes the terminal, runs until the user quits or a terminating signal or hang-up arrives,
 * restores the terminal. Returns the exit status: 0 for q, 128+signal, 2 when the scope names
 * no tenant once the first list has arrived (app_exit_message() says which exist). Requests in
 * flight are cancelled when it returns. */
int app_run(struct app *a);
void app_free(struct app *a);

/* Why the console stopped by itself (a --tenant that names no tenant: status 2), for stderr
 * once the terminal is restored; NULL when it did not. Borrowed until app_free(). */
const char *app_exit_message(const struct app *a);

#endif
