/* Keys to actions, and the help generated from them. */
#ifndef GC_TUI_KEYMAP_H
#define GC_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/action.h"
#include "tui/help.h"
#include "views/view.h"

/* The action bound to a curses key code (character or KEY_*), ACT_NONE if none. Column sort
 * keys (Shift+letter) are not actions: see keymap_sort_column(). */
enum action keymap_action(int key);

/* The column of `v` whose sort key is `key` (an upper-case letter), or -1. */
int keymap_sort_column(const struct view_ops *v, int key);

const char *action_name(enum action a);
const char *action_help(enum action a);
bool action_view_specific(enum action a);
/* The access verb the action needs (ACCESS_VIEW for those that only look). */
enum access_verb action_verb(enum action a);

/* Readable names of the keys bound to an action ("j, Down"). Writes into buf, returns buf. */
char *keymap_keys_for(enum action a, char *buf, size_t size);

/* Does the view offer action `a` (a generic one, or one in its actions list)? */
bool keymap_view_has(const struct view_ops *v, enum action a);

/* The help of a view, appended to *out: its own actions and sort keys, then the keys that
 * work in every view. With `access` (NULL: every action, unmarked), the actions of verbs no
 * role of the session has are left out, and those it may not use now (--readonly) are
 * marked with why. */
void keymap_help(const struct view_ops *v, struct access *access, struct help_list *out);

/* The status line's key hints for view `v`: its keys that do something and that a role of
 * `access` (NULL: any) has, then help, filter, command and quit (`back`: "back"). Returns
 * out. */
char *keymap_hints(const struct view_ops *v, const struct access *access, bool back, char *out,
                   size_t size);

/* docs/keys.md, generated. Caller frees. */
char *keymap_markdown(void);

#endif
