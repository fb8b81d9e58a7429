/* The default key bindings and everything generated from them. */
#include "tui/keymap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/curses.h"
#include "tui/help.h"
#include "views/registry.h"

struct binding {
    int key;
    enum action action;
};

#define CTRL(c) ((c) & 0x1f)

/* The one table of default bindings (k9s, less and vi conventions). */
static const struct binding bindings[] = {
    {'j', ACT_MOVE_DOWN},      {KEY_DOWN, ACT_MOVE_DOWN},    {'k', ACT_MOVE_UP},
    {KEY_UP, ACT_MOVE_UP},     {KEY_NPAGE, ACT_PAGE_DOWN},   {CTRL('f'), ACT_PAGE_DOWN},
    {' ', ACT_PAGE_DOWN},      {KEY_PPAGE, ACT_PAGE_UP},     {CTRL('b'), ACT_PAGE_UP},
    {'g', ACT_TOP},           {KEY_HOME, ACT_TOP},
    {'G', ACT_BOTTOM},         {KEY_END, ACT_BOTTOM},        {'\r', ACT_ENTER},
    {'\n', ACT_ENTER},         {KEY_ENTER, ACT_ENTER},       {27, ACT_BACK},
    {'q', ACT_QUIT},           {CTRL('c'), ACT_QUIT_ALL},    {':', ACT_COMMAND},
    {'/', ACT_FILTER},         {'?', ACT_HELP},              {'>', ACT_SORT_NEXT},
    {'<', ACT_SORT_PREV},      {'d', ACT_DESCRIBE},          {'y', ACT_RAW},
    {CTRL('d'), ACT_DELETE},   {CTRL('l'), ACT_REDRAW},      {'l', ACT_LOGS},
    {'r', ACT_RESTART},        {'s', ACT_SCALE},             {KEY_RIGHT, ACT_SCROLL_RIGHT},
    {KEY_LEFT, ACT_SCROLL_LEFT},
    /* nagios (issue 13) */
    {'a', ACT_ACKNOWLEDGE},    {'D', ACT_DOWNTIME},          {'t', ACT_TOGGLE},
    /* sla (issue 13) */
    {'[', ACT_PERIOD_PREV},    {']', ACT_PERIOD_NEXT},
    /* ServiceNow (issue 14) */
    {'n', ACT_NEW_INCIDENT}, {'w', ACT_WORK_NOTE}, {'i', ACT_ASSIGN_ME}, {'x', ACT_RESOLVE},
};

static const struct {
    const char *name;
    const char *help;
    bool view;
    enum access_verb verb;
} actions[ACT_COUNT] = {
#define ACTION_ROW(e, name, help, view, verb) [ACT_##e] = {name, help, view, verb},
    ACTION_LIST(ACTION_ROW)
#undef ACTION_ROW
};

enum action keymap_action(int key)
{
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
        if (bindings[i].key == key) {
            return bindings[i].action;
        }
    }
    return ACT_NONE;
}

int keymap_sort_column(const struct view_ops *v, int key)
{
    if (v->sort == NULL || !isupper(key)) {
        return -1;
    }
    for (size_t c = 0; c < v->ncolumns; c++) {
        if (v->columns[c].sort_key == key) {
            return (int)c;
        }
    }
    return -1;
}

const char *action_name(enum action a)
{
    return actions[a].name;
}

const char *action_help(enum action a)
{
    return actions[a].help;
}

bool action_view_specific(enum action a)
{
    return actions[a].view;
}

enum access_verb action_verb(enum action a)
{
    return actions[a].verb;
}

/* A key as people write it: "j", "Down", "Ctrl-D", "Enter". */
static const char *keymap_key_label(int key, char *buf, size_t size)
{
    switch (key) {
    case KEY_DOWN:
        return "Down";
    case KEY_UP:
        return "Up";
    case KEY_NPAGE:
        return "PgDn";
    case KEY_PPAGE:
        return "PgUp";
    case KEY_HOME:
        return "Home";
    case KEY_LEFT:
        return "Left";
    case KEY_RIGHT:
        return "Right";
    case KEY_END:
        return "End";
    case KEY_ENTER:
    case '\r':
        return "Enter";
    case '\n':
        return NULL; /* same as Enter */
    case 27:
        return "Esc";
    case ' ':
        return "Space";
    default:
        break;
    }
    if (key < 32) {
        snprintf(buf, size, "Ctrl-%c", key + 'A' - 1);
    } else {
        snprintf(buf, size, "%c", key);
    }
    return buf;
}

char *keymap_keys_for(enum action a, char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
        char kb[16];
        const char *k;

        if (bindings[i].action != a || (k = keymap_key_label(bindings[i].key, kb, sizeof kb)) == NULL) {
            continue;
        }
        if (strstr(buf, k) != NULL && strlen(k) > 1) {
            continue;
        }
        o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? ", " : "", k);
        if (o >= size) {
            break;
        }
    }
    return buf;
}

bool keymap_view_has(const struct view_ops *v, enum action a)
{
    if (a == ACT_ENTER && v->enter != NULL) {
        return true;
    }
    if ((a == ACT_DESCRIBE || a == ACT_RAW) && v->describe != NULL) {
        return true;
    }
    if (a == ACT_ENTER && v->describe != NULL) { /* rows that lead nowhere: their describe */
        return true;
    }
    if (a == ACT_TOGGLE) {
        return v->toggle != NULL;
    }
    if (a == ACT_PERIOD_PREV || a == ACT_PERIOD_NEXT) { /* sla (issue 13) */
        return v->step != NULL;
    }
    if (!action_view_specific(a)) {
        return true;
    }
    for (size_t i = 0; v->actions != NULL && v->actions[i] != ACT_NONE; i++) {
        if (v->actions[i] == a) {
            return v->request != NULL;
        }
    }
    return false;
}

char *keymap_hints(const struct view_ops *v, const struct access *access, bool back, char *out,
                   size_t size)
{
    static const struct {
        enum action act;
        const char *label;
    } hints[] = {{ACT_ENTER, "<Enter> open"}, {ACT_DESCRIBE, "<d> describe"},
                 {ACT_LOGS, "<l> logs"}};
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < sizeof hints / sizeof hints[0] && o < size; i++) {
        if (keymap_view_has(v, hints[i].act) &&
            (access == NULL || access_verb_granted(access, action_verb(hints[i].act)))) {
            o += (size_t)snprintf(out + o, size - o, " %s ", hints[i].label);
        }
    }
    if (o < size) {
        snprintf(out + o, size - o, " <?> help  </> filter  <:> command  <q> %s",
                 back ? "back" : "quit");
    }
    return out;
}

void keymap_help(const struct view_ops *v, struct access *access, struct help_list *out)
{
    char keys[64], why[160], text[160];

    help_heading(out, v->title != NULL ? v->title : v->name);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            help_heading(out, "Everywhere");
        }
        for (int a = 1; a < ACT_COUNT; a++) {
            bool here = action_view_specific((enum action)a) || a == ACT_ENTER;

            if (here != (pass == 0) || !keymap_view_has(v, (enum action)a)) {
                continue;
            }
            /* what no role of the session has is left out; --readonly only marks */
            if (access != NULL && !access_verb_granted(access, action_verb((enum action)a))) {
                continue;
            }
            keymap_keys_for((enum action)a, keys, sizeof keys);
            if (keys[0] == '\0') {
                continue;
            }
            if (access == NULL ||
                access_verb_check(access, action_verb((enum action)a), why, sizeof why) == 0) {
                why[0] = '\0';
            }
            help_add(out, keys, action_help((enum action)a), why[0] != '\0' ? why : NULL);
        }
        if (pass == 0 && v->sort != NULL) {
            for (size_t c = 0; c < v->ncolumns; c++) {
                if (v->columns[c].sort_key != 0) {
                    snprintf(keys, sizeof keys, "%c", v->columns[c].sort_key);
                    snprintf(text, sizeof text, "Sort by %s (again: reverse)", v->columns[c].name);
                    help_add(out, keys, text, NULL);
                }
            }
        }
    }
}

char *keymap_markdown(void)
{
    size_t cap = 8192, len = 0;
    char *out = xmalloc(cap);
    char keys[64];

#define MD_APPEND(...)                                                                         \
    do {                                                                                       \
        int n_ = snprintf(out + len, cap - len, __VA_ARGS__);                                  \
        while ((size_t)n_ >= cap - len) {                                                      \
            cap *= 2;                                                                          \
            out = xrealloc(out, cap);                                                          \
            n_ = snprintf(out + len, cap - len, __VA_ARGS__);                                  \
        }                                                                                      \
        len += (size_t)n_;                                                                     \
    } while (0)

    MD_APPEND("# Keys\n\nGenerated from tui/action.h and tui/keymap.c by the keymap test;"
              " `?` in the console shows the same list for the view you are in.\n\n"
              "| keys | action | what it does |\n|---|---|---|\n");
    for (int a = 1; a < ACT_COUNT; a++) {
        keymap_keys_for((enum action)a, keys, sizeof keys);
        MD_APPEND("| %s | %s | %s%s |\n", keys, action_name((enum action)a),
                  action_help((enum action)a),
                  action_view_specific((enum action)a) ? " (views that have it)" : "");
    }
    MD_APPEND("\n## In a log\n\n"
              "`l` on a pod follows its log; on an app, the logs of the app's pods merged"
              " (those the apps view counts, at most 10 at once: the title says how many"
              " more were left out), each line after its pod's short name (the end of the"
              " pod's name that tells it from the others: a Deployment pod's suffix, a"
              " StatefulSet pod's ordinal) in that pod's own colour."
              " Each pod's log starts with its last 10 lines, as `kubectl logs -l` does."
              " The app's pods are followed as they change: a pod that joins (a scale-up,"
              " a replacement) starts with up to 100 lines of its run, one that goes ends"
              " with a dimmed `\xe2\x94\x80\xe2\x94\x80 pod NAME gone`, and a container"
              " that restarted is followed again once its pod runs (`pod NAME restarted`)."
              " The title says `following` (for an app, how many of its pods stream),"
              " `waiting` (an app whose pods have not started yet) or `ended`.\n\n"
              "| key | in a log |\n|---|---|\n"
              "| p | the previous run's log (of every pod, for an app); again: the current"
              " one |\n"
              "| t | timestamps on or off |\n"
              "| c | the next container (for an app, of those its pods share; the default"
              " first); `previous` stays on only if that container has a previous run (in"
              " some pod), else the log says it shows the current one |\n"
              "| F | pause, or follow again |\n"
              "| w | wrap on or off |\n"
              "| /, n, N | search, next match, previous match |\n"
              "| g, G | top, bottom |\n"
              "| q, Esc | close the log |\n");
    MD_APPEND("\n## Sorting\n\nShift+letter sorts by a column; the same key again reverses."
              " `<` and `>` move the sort column.\n\n| view | key | column |\n|---|---|---|\n");
    for (size_t i = 0; registry_get(i) != NULL; i++) {
        const struct view_ops *v = registry_get(i);

        for (size_t c = 0; v->sort != NULL && c < v->ncolumns; c++) {
            if (v->columns[c].sort_key != 0) {
                MD_APPEND("| %s | %c | %s |\n", v->name, v->columns[c].sort_key,
                          v->columns[c].name);
            }
        }
    }
    {
        static const struct {
            const char *title;
            const struct help_key *keys;
        } modes[] = {
            {"In a pager (describe, YAML, logs)", pager_help_keys},
            {"Describe and YAML", detail_help_keys},
            {"A followed log", logs_help_keys},
            {"Choosing a view (Enter on a tenant)", chooser_help_keys},
        };

        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            MD_APPEND("\n## %s\n\n| keys | what they do |\n|---|---|\n", modes[m].title);
            for (const struct help_key *k = modes[m].keys; k->keys != NULL; k++) {
                MD_APPEND("| %s | %s |\n", k->keys, k->text);
            }
        }
    }
#undef MD_APPEND
    return out;
}
