/* The console: ties the loop, the store, the sources and the views to the terminal.
 * Handlers only set dirty flags; the loop's prepare hook rebuilds views and paints once per
 * iteration, with a single doupdate(). */
#ifndef GC_TUI_APP_H
#define GC_TUI_APP_H

#include <stdbool.h>

struct access;
struct loop;
struct store;
struct k8s_client;
struct theme;
struct app;

/* Switches the Kubernetes context (`:ctx NAME`): returns the new client (the old one is gone)
 * or NULL with *err set (caller frees) and the old client untouched. */
typedef struct k8s_client *(*app_switch_context_fn)(const char *name, char **err, void *arg);

struct app_opts {
    const char *start_view;     /* view name or alias; NULL = pods */
    bool no_color;              /* NO_COLOR: attributes only */
    bool mouse;                 /* click selects, wheel scrolls */
    struct theme *theme;        /* initial theme (ownership passes), NULL = default */
    const char *const *theme_dirs; /* where :theme NAME looks (NULL-terminated) */
    const char *const *contexts;   /* kubeconfig context names for :ctx completion, or NULL */
    struct access *access;      /* identity, role, tenant scope (borrowed, bound to the store) */
    const char *audit_path;     /* NULL = the default */
    app_switch_context_fn switch_context;
    void *switch_arg;
    const char *startup_flash;  /* a message shown at start (e.g. config warnings), or NULL */
};

/* The client is borrowed (for the header's context and health, describe and actions). */
struct app *app_new(struct loop *l, struct store *s, struct k8s_client *k8s,
                    const struct app_opts *o);

/* Takes the terminal, runs until the user quits or a terminating signal or hang-up arrives,
 * restores the terminal. Returns the exit status: 0 for q, 128+signal otherwise. */
int app_run(struct app *a);
void app_free(struct app *a);

/* The client in use (after :ctx it is not the one given to app_new). */
struct k8s_client *app_k8s(const struct app *a);

#endif
