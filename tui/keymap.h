/* Keys to actions, and the help generated from them. */
#ifndef GC_TUI_KEYMAP_H
#define GC_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/action.h"
#include "views/view.h"

/* The action bound to a curses key code (character or KEY_*), ACT_NONE if none. Column sort
 * keys (Shift+letter) are not actions: see keymap_sort_column(). */
enum action keymap_action(int key);

/* The column of `v` whose sort key is `key` (an upper-case letter), or -1. */
int keymap_sort_column(const struct view_ops *v, int key);

const char *action_name(enum action a);
const char *action_help(enum action a);
bool action_view_specific(enum action a);

/* Readable names of the keys bound to an action ("j, Down"). Writes into buf, returns buf. */
char *keymap_keys_for(enum action a, char *buf, size_t size);

/* Does the view offer action `a` (a generic one, or one in its actions list)? */
bool keymap_view_has(const struct view_ops *v, enum action a);

/* Help lines for a view: the actions it supports and the generic ones, then its sort keys.
 * Each line is "KEYS\tHELP". Returns a NULL-terminated array; free with keymap_help_free(). */
char **keymap_help(const struct view_ops *v);
void keymap_help_free(char **lines);

/* docs/keys.md, generated. Caller frees. */
char *keymap_markdown(void);

#endif
