/* The command line (`:`): views by name with a tenant or a source's narrower scope, :theme,
 * the sources' own commands, :help, :q; Tab completion from the registries. The filter prompt
 * (`/`) and the help overlay (`?`) are modes here too. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/filter.h"
#include "core/sources.h"
#include "core/theme.h"
#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/keymap.h"
#include "tui/screen.h"
#include "views/registry.h"

/* Commands of the command line other than view names and the sources' commands. */
static const char *const cmdline_commands[] = {"q", "quit", "theme", "help", NULL};

/* ---- the prompt modes ------------------------------------------------------------------- */

struct cmdline_prompt {
    struct prompt prompt;
    bool filter; /* `/`, else `:` */
};

static void cmdline_prompt_close(struct app *a, void *data)
{
    struct cmdline_prompt *cp = data;

    (void)a;
    prompt_fini(&cp->prompt);
    free(cp);
}

static void cmdline_prompt_draw(struct app *a, void *data, int rows, int cols)
{
    struct cmdline_prompt *cp = data;
    size_t nc = 0, sel = 0;

    (void)a;
    prompt_candidates(&cp->prompt, &nc, &sel);
    if (nc > 0) {
        prompt_draw_candidates(&cp->prompt, stdscr, rows - 2, 0, cols,
                               screen_attr(THEME_STATUS_LINE));
    }
    prompt_draw(&cp->prompt, stdscr, rows - 1, 0, 1, cols);
}

/* Compiles the prompt's text as the top frame's filter; a bad pattern is shown at the
 * prompt. The selection moves to the first match. */
static void cmdline_filter_update(struct app *a, struct cmdline_prompt *cp)
{
    size_t off = 0;
    bool limited;
    char *err = frames_set_filter(a, prompt_text(&cp->prompt), &off, &limited);

    if (err != NULL) {
        prompt_set_error(&cp->prompt, err, off);
        free(err);
    } else if (limited) {
        prompt_set_error(&cp->prompt, "pattern too complex for some rows", 0);
    }
}

static void cmdline_prompt_key(struct app *a, void *data, int key)
{
    struct cmdline_prompt *cp = data;
    enum prompt_result r = prompt_key(&cp->prompt, key);
    bool filter = cp->filter;
    char *text;

    if (r == PROMPT_CHANGED && filter) {
        cmdline_filter_update(a, cp);
    } else if (r == PROMPT_ACCEPT) {
        if (filter && prompt_error(&cp->prompt) != NULL &&
            strcmp(prompt_error(&cp->prompt), "pattern too complex for some rows") != 0) {
            return; /* an invalid pattern stays open for correction */
        }
        text = xstrdup(prompt_text(&cp->prompt));
        prompt_history_add(filter ? &a->filter_hist : &a->cmd_hist, text);
        app_mode_pop(a); /* cp is gone */
        if (!filter) {
            cmdline_run(a, text);
        } else if (text[0] == '\0') {
            frames_clear_filter(a);
        }
        free(text);
    } else if (r == PROMPT_CANCEL) {
        if (filter) {
            frames_clear_filter(a); /* Esc on the filter line clears the filter (k9s) */
        }
        app_mode_pop(a);
    }
}

static const struct mode_ops cmdline_command_mode = {
    .name = "command",
    .key = cmdline_prompt_key,
    .draw = cmdline_prompt_draw,
    .close = cmdline_prompt_close,
    .line = true,
};

static const struct mode_ops cmdline_filter_mode = {
    .name = "filter",
    .key = cmdline_prompt_key,
    .draw = cmdline_prompt_draw,
    .close = cmdline_prompt_close,
    .line = true,
};

/* ---- completion ------------------------------------------------------------------------- */

static size_t cmdline_add_cand(const char **out, size_t n, size_t max, const char *cand,
                               const char *word, size_t wlen)
{
    if (n < max && cand != NULL && strncmp(cand, word, wlen) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(out[i], cand) == 0) {
                return n;
            }
        }
        out[n++] = cand;
    }
    return n;
}

struct cmdline_scope_cands {
    const char **out;
    size_t n, max;
    const char *word;
    size_t wlen;
};

static void cmdline_scope_cand(const char *name, const char *tenant, void *arg)
{
    struct cmdline_scope_cands *c = arg;

    if (tenant != NULL) {
        c->n = cmdline_add_cand(c->out, c->n, c->max, tenant, c->word, c->wlen); /* once each */
    }
    c->n = cmdline_add_cand(c->out, c->n, c->max, name, c->word, c->wlen);
}

/* The tenants and the sources' scopes (namespaces) the session may see that start with
 * word[0..wlen), once each: the arguments of ":pods NAME". */
static size_t cmdline_complete_scope(struct app *a, const char **out, size_t n, size_t max,
                                     const char *word, size_t wlen)
{
    struct cmdline_scope_cands c = {out, n, max, word, wlen};

    for (size_t i = 0; i < sources_count(a->sources); i++) {
        struct source *src = sources_at(a->sources, i);

        if (src->ops->scopes != NULL) {
            src->ops->scopes(src->state, a->opts.access, cmdline_scope_cand, &c);
        }
    }
    return c.n;
}

/* Tab on the command line: view names and aliases and commands for the first word; for the
 * argument, theme names after "theme ", a source command's own candidates, tenants and
 * scopes after a view's name. */
static size_t cmdline_complete(const char *text, size_t cursor, const char **out, size_t max,
                               void *arg)
{
    struct app *a = arg;
    const char *sp = memchr(text, ' ', cursor);
    size_t n = 0;
    char cmd[32];
    const char *word;
    size_t wlen, cmdlen;
    const struct source_command *sc;
    const struct view_ops *ops;
    struct source *src = NULL;

    if (sp == NULL) {
        for (size_t i = 0; registry_get(i) != NULL; i++) {
            const struct view_ops *v = registry_get(i);

            if (!registry_allowed(v, a->opts.access)) {
                continue; /* a view this session may not open is not offered */
            }
            n = cmdline_add_cand(out, n, max, v->name, text, cursor);
            for (size_t k = 0; v->aliases != NULL && v->aliases[k] != NULL; k++) {
                n = cmdline_add_cand(out, n, max, v->aliases[k], text, cursor);
            }
            for (const struct view_narrow *nw = v->narrows; nw != NULL && nw->alias != NULL;
                 nw++) {
                n = cmdline_add_cand(out, n, max, nw->alias, text, cursor);
            }
        }
        for (size_t i = 0; cmdline_commands[i] != NULL; i++) {
            n = cmdline_add_cand(out, n, max, cmdline_commands[i], text, cursor);
        }
        for (size_t i = 0; i < sources_count(a->sources); i++) {
            for (sc = sources_at(a->sources, i)->ops->commands; sc != NULL && sc->name != NULL;
                 sc++) {
                n = cmdline_add_cand(out, n, max, sc->name, text, cursor);
            }
        }
        return n;
    }
    word = sp + 1;
    wlen = cursor - (size_t)(word - text);
    cmdlen = (size_t)(sp - text);
    while (wlen > 0 && *word == ' ') {
        word++;
        wlen--;
    }
    snprintf(cmd, sizeof cmd, "%.*s", (int)cmdlen, text);
    if (strcmp(cmd, "theme") == 0) {
        for (size_t i = 0; i < a->nthemes; i++) {
            n = cmdline_add_cand(out, n, max, a->theme_names[i], word, wlen);
        }
    } else if ((sc = sources_command(a->sources, cmd, &src)) != NULL) {
        if (sc->complete != NULL) {
            n = sc->complete(src->state, word, wlen, out, max);
        }
    } else if ((ops = registry_find(cmd)) != NULL && registry_allowed(ops, a->opts.access) &&
               !ops->cluster_scoped) {
        n = cmdline_complete_scope(a, out, n, max, word, wlen);
    }
    return n;
}

void cmdline_open(struct app *a)
{
    struct cmdline_prompt *cp = xcalloc(1, sizeof *cp);

    prompt_init(&cp->prompt, ':', &a->cmd_hist);
    prompt_set_completion(&cp->prompt, cmdline_complete, a, true);
    app_mode_push(a, &cmdline_command_mode, cp);
}

void cmdline_filter_open(struct app *a)
{
    struct cmdline_prompt *cp = xcalloc(1, sizeof *cp);
    struct frame *f = app_top(a);

    prompt_init(&cp->prompt, '/', &a->filter_hist);
    cp->filter = true;
    prompt_set_text(&cp->prompt, f->filter != NULL ? filter_pattern(f->filter) : "");
    app_mode_push(a, &cmdline_filter_mode, cp);
    frames_texts_ahead(a);
}

/* ---- commands --------------------------------------------------------------------------- */

struct cmdline_scope_find {
    const char *name;
    bool tenant, part;
};

static void cmdline_scope_match(const char *name, const char *tenant, void *arg)
{
    struct cmdline_scope_find *f = arg;

    f->tenant = f->tenant || (tenant != NULL && strcmp(tenant, f->name) == 0);
    f->part = f->part || strcmp(name, f->name) == 0;
}

/* Narrows `scope` to `name`, a tenant or else a source's scope (a namespace) the session may
 * see. False when it is neither (the same answer whether or not it exists outside the
 * scope). */
static bool cmdline_scope_to(struct app *a, const char *name, struct view_scope *scope)
{
    struct cmdline_scope_find f = {name, false, false};
    size_t len = strlen(name);

    /* Namespace names and label values are at most 63 characters; a longer word is neither,
     * and must not be cut down to one that is. */
    if (len >= sizeof scope->tenant || len >= sizeof scope->ns) {
        return false;
    }
    for (size_t i = 0; i < sources_count(a->sources); i++) {
        struct source *src = sources_at(a->sources, i);

        if (src->ops->scopes != NULL) {
            src->ops->scopes(src->state, a->opts.access, cmdline_scope_match, &f);
        }
    }
    if (f.tenant) {
        memcpy(scope->tenant, name, len + 1);
    } else if (f.part) {
        memcpy(scope->ns, name, len + 1);
    }
    return f.tenant || f.part;
}

static void cmdline_theme(struct app *a, const char *name)
{
    struct theme_warnings w;
    struct theme *t;

    if (name[0] == '\0') {
        app_flash(a, false, "theme: %s (themes: :theme <Tab>)", screen_theme_name());
        return;
    }
    theme_warnings_init(&w);
    t = theme_find(name, a->opts.theme_dirs, &w);
    if (t == NULL || w.count > 0) {
        app_flash(a, true, "theme %s: %s", name, w.count > 0 ? w.items[0] : "not found");
        theme_free(t);
    } else if (!screen_has_color()) {
        theme_free(t);
        app_flash(a, true, "no colours here (NO_COLOR or a monochrome terminal): mono stays");
    } else {
        screen_set_theme(t);
        a->dirty |= DIRTY_CLEAR;
        app_flash(a, false, "theme %s", name);
    }
    theme_warnings_fini(&w);
}

/* A source's own command (:ctx). What it changed shows on the next pass: every frame is
 * filtered again and the header repainted. */
static void cmdline_source_command(struct app *a, struct source *src,
                                   const struct source_command *sc, const char *arg)
{
    char *msg = NULL;
    int rc = sc->run(src->state, arg, &msg);

    app_flash(a, rc != 0, "%s", msg != NULL ? msg : (rc != 0 ? "failed" : "done"));
    free(msg);
    if (rc == 0) {
        for (int i = 0; i < a->nframes; i++) {
            a->frames[i].refilter = true;
        }
        a->health_version = 0;
    }
}

void cmdline_run(struct app *a, const char *line)
{
    char cmd[64] = "", arg[256] = "", names[256];
    const struct view_ops *ops;
    const struct source_command *sc;
    struct source *src = NULL;
    struct view_scope scope = {0};

    sscanf(line, " %63s %255[^\n]", cmd, arg);
    for (size_t n = strlen(arg); n > 0 && arg[n - 1] == ' '; n--) {
        arg[n - 1] = '\0';
    }
    if (cmd[0] == '\0') {
        return;
    }
    app_flash_clear_now(a); /* the last message was about what came before */
    if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0 || strcmp(cmd, "q!") == 0) {
        app_quit(a, 0);
    } else if (strcmp(cmd, "theme") == 0) {
        cmdline_theme(a, arg);
    } else if (strcmp(cmd, "help") == 0) {
        helpview_open(a);
    } else if ((ops = registry_lookup(cmd, &scope)) != NULL) {
        /* all the session may see (access narrows it), of the kind an alias names */
        if (!registry_allowed(ops, a->opts.access)) {
            app_flash(a, true, "the %s view is not available in a tenant-scoped session (%s)",
                      ops->name, access_scope_text(a->opts.access));
            return;
        }
        if (arg[0] != '\0' && ops->cluster_scoped) {
            app_flash(a, true, "the %s view shows the whole cluster: no tenant or namespace to "
                      "narrow it to", ops->name);
            return;
        }
        if (arg[0] != '\0' && ops->param != NULL && ops->param(arg, &scope)) { /* sla */
            frames_push(a, ops, &scope, NULL, true);
            return;
        }
        if (arg[0] != '\0' && !cmdline_scope_to(a, arg, &scope)) {
            app_flash(a, true, "no tenant or namespace '%s' in your scope (%s)", arg,
                      access_scope_text(a->opts.access));
            return;
        }
        frames_push(a, ops, &scope, NULL, true);
    } else if ((sc = sources_command(a->sources, cmd, &src)) != NULL) {
        cmdline_source_command(a, src, sc, arg);
    } else {
        app_flash(a, true, "unknown command '%s' (views: %s; also :theme :help :q)", cmd,
                  registry_names(a->opts.access, ":", names, sizeof names));
    }
}

/* ---- themes ----------------------------------------------------------------------------- */

/* Adds the theme files of a directory to the completion list. */
static void cmdline_scan_dir(struct app *a, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char *name;
        bool dup = false;

        if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0) {
            continue;
        }
        name = xstrndup(e->d_name, n - 6);
        for (size_t i = 0; i < a->nthemes; i++) {
            dup = dup || strcmp(a->theme_names[i], name) == 0;
        }
        if (dup) {
            free(name);
            continue;
        }
        a->theme_names = xrealloc(a->theme_names, (a->nthemes + 2) * sizeof *a->theme_names);
        a->theme_names[a->nthemes++] = name;
        a->theme_names[a->nthemes] = NULL;
    }
    closedir(d);
}

void cmdline_scan_themes(struct app *a)
{
    a->theme_names = xcalloc(4, sizeof *a->theme_names);
    a->theme_names[a->nthemes++] = xstrdup("default");
    a->theme_names[a->nthemes++] = xstrdup("mono");
    for (size_t i = 0; a->opts.theme_dirs != NULL && a->opts.theme_dirs[i] != NULL; i++) {
        cmdline_scan_dir(a, a->opts.theme_dirs[i]);
    }
}
