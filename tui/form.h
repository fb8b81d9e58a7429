/* A form: a centred box of labelled fields, for what a request needs more than one answer for
 * (a new incident, a resolution, a downtime). Fields are text (edited as in tui/prompt.h; a
 * multi-line one is an editor a line) or a choice among fixed values. DESIGN.md's contract:
 * the first field has the focus, Tab and Shift-Tab (and Down/Up) move between fields, Ctrl-S
 * submits (the caller then asks the usual confirmation), Esc cancels; a form of a single
 * one-line text field also submits on Enter. The form decides nothing itself: the caller
 * reads the values on FORM_SUBMIT, and may refuse them with form_set_error() (the form stays
 * open). It names no source. */
#ifndef GC_TUI_FORM_H
#define GC_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/curses.h"

struct form;

/* One field as the caller describes it; copied by form_new(). */
struct form_field {
    const char *label;          /* "Short description" */
    const char *value;          /* the initial text, or the initial choice; NULL: "" or the
                                   first choice */
    const char *const *choices; /* NULL-terminated: a choice field; NULL: a text field */
    bool required;              /* a text field that may not be left empty */
    bool multiline;             /* a text field of several lines (a description) */
};

enum form_result {
    FORM_NONE,   /* still open; repaint it */
    FORM_SUBMIT, /* Ctrl-S (or Enter in a one-field form), every required field filled */
    FORM_CANCEL, /* Esc or Ctrl-C */
};

/* A form titled `title` with `n` fields (n >= 1); `submit` names what Ctrl-S does ("Create").
 * Release with form_free(). */
struct form *form_new(const char *title, const struct form_field *fields, size_t n,
                      const char *submit);
void form_free(struct form *f); /* NULL is allowed */

/* Handles one key (key codes as in tui/prompt.h):
 *   Tab, Down              the next field (wrapping)
 *   Shift-Tab, Up          the previous field
 *   Ctrl-S                 FORM_SUBMIT, unless a required field is empty: it gets the focus
 *                          and the error "LABEL is required"
 *   Enter                  in a multi-line field: a new line at the cursor; else in a
 *                          one-field form: as Ctrl-S; else the next field
 *   Up, Down               in a multi-line field: the line above / below, the field
 *                          before / after from its first / last line
 *   Backspace, Delete      in a multi-line field, at a line's start / end: joins the lines
 *   Esc, Ctrl-C            FORM_CANCEL
 *   Left/Right, Space      on a choice field: the previous / next choice
 *   anything else          edits the focused text field */
enum form_result form_key(struct form *f, int key);

size_t form_count(const struct form *f);
/* The index of the focused field. */
size_t form_focus(const struct form *f);
/* A field's value (a text field's text, its lines joined by '\n'; a choice field's choice).
 * Borrowed until the next form_key(). */
const char *form_value(const struct form *f, size_t i);

/* Shows `msg` (copied; NULL clears) below the fields, and focuses field `field` when it is
 * one (SIZE_MAX: keeps the focus): the caller's word on values it refused. */
void form_set_error(struct form *f, const char *msg, size_t field);
/* The error shown, or NULL. Borrowed. */
const char *form_error(const struct form *f);

/* Paints the form centred in (y, x, height, width) over whatever is there: the border with the
 * title, a row a field (label, then the text or "< choice >"; a multi-line field up to five,
 * scrolled to its cursor's line), the focused field's cursor, the
 * error, and a line of keys. Never refreshes. */
void form_draw(struct form *f, WINDOW *w, int y, int x, int height, int width);

#endif
