/* The console: ties the loop, the store, the sources and the views to the terminal.
 * Handlers only set dirty flags; the loop's prepare hook rebuilds views and paints once per
 * iteration, with a single doupdate(). */
#ifndef GC_TUI_APP_H
#define GC_TUI_APP_H

#include <stdbool.h>

struct loop;
struct store;
struct k8s_client;
struct app;

struct app_opts {
    const char *start_view; /* view name or alias; NULL = pods */
    const char *tenant;     /* scope, or NULL for every tenant */
    bool no_color;          /* NO_COLOR: attributes only */
    bool readonly;
};

/* The client is borrowed (for the header's context and health). */
struct app *app_new(struct loop *l, struct store *s, struct k8s_client *k8s,
                    const struct app_opts *o);

/* Takes the terminal, runs until the user quits or a terminating signal or hang-up arrives,
 * restores the terminal. Returns the exit status: 0 for q, 128+signal otherwise. */
int app_run(struct app *a);
void app_free(struct app *a);

#endif
