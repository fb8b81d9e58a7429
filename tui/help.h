/* What the help overlay lists: entries (keys, what they do, and why the session may not use
 * them), grouped under headings. Built by tui/keymap.c for a view and from the modes' own key
 * tables (a pager's, a log's); drawn by tui/helpview.c. Nothing here touches the terminal. */
#ifndef GC_TUI_HELP_H
#define GC_TUI_HELP_H

#include <stddef.h>

/* A mode's keys, in a static table ended by {NULL, NULL}. */
struct help_key {
    const char *keys; /* "j, Down" */
    const char *text; /* "Scroll one line down" */
};

/* The modes' own tables, also in docs/keys.md: a pager's moving and searching keys
 * (tui/pager.c), describe and YAML (tui/detail.c), a followed log (tui/logs.c), the
 * chooser of views (tui/chooser.c). */
extern const struct help_key pager_help_keys[];
extern const struct help_key detail_help_keys[];
extern const struct help_key logs_help_keys[];
extern const struct help_key chooser_help_keys[]; /* the chooser (tui/chooser.c) */

struct help_entry {
    char *keys; /* NULL for a heading */
    char *text;
    char *off;  /* why this session may not use it ("read-only session (--readonly)"), or NULL */
};

struct help_list {
    struct help_entry *e;
    size_t n, cap;
};

void help_heading(struct help_list *l, const char *text);
/* `off` may be NULL (available). */
void help_add(struct help_list *l, const char *keys, const char *text, const char *off);
/* Every key of a static table. */
void help_add_keys(struct help_list *l, const struct help_key *keys);
/* The entry whose text contains `text` (for tests), or NULL. */
const struct help_entry *help_find(const struct help_list *l, const char *text);
void help_free(struct help_list *l);

#endif
