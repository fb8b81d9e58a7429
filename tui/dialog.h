/* The confirm dialog every mutating action goes through: a centred box with a message and
 * two buttons, [Cancel] [confirm_label], focus on Cancel by default. The typed variant (for
 * deletes) also has a field where the user must type the object's name exactly before the
 * confirm button works. The dialog decides nothing itself: the app acts on DIALOG_CONFIRM. */
#ifndef GC_TUI_DIALOG_H
#define GC_TUI_DIALOG_H

#include <stdbool.h>

#include "tui/curses.h"

struct dialog;

enum dialog_result {
    DIALOG_NONE,    /* still open; repaint it */
    DIALOG_CONFIRM, /* the user confirmed: do it, then dialog_free() */
    DIALOG_CANCEL,  /* the user declined: dialog_free() */
};

/* Where the keyboard focus is. */
enum dialog_focus {
    DIALOG_FOCUS_INPUT,   /* the name field (typed variant only) */
    DIALOG_FOCUS_CANCEL,
    DIALOG_FOCUS_CONFIRM,
};

/* A yes/no dialog. Strings are copied; message may hold '\n' and is word-wrapped to the box.
 * confirm_label is the button's word ("Restart", "Delete"); NULL means "OK". Focus starts on
 * Cancel. Release with dialog_free(). */
struct dialog *dialog_confirm(const char *title, const char *message, const char *confirm_label);

/* The typed variant: the confirm button works only once the field holds exactly `name`
 * (byte for byte). Focus starts in the field. */
struct dialog *dialog_confirm_typed(const char *title, const char *message,
                                    const char *confirm_label, const char *name);

/* NULL is allowed. */
void dialog_free(struct dialog *d);

/* Handles one key (key codes as in tui/prompt.h).
 * Plain dialog:
 *   y, Y               DIALOG_CONFIRM
 *   n, N, q, Esc, Ctrl-C   DIALOG_CANCEL
 *   Tab, Shift-Tab      move the focus to the other button
 *   Left, h / Right, l  focus Cancel / the confirm button
 *   Enter               activates the focused button
 * Typed dialog:
 *   printable characters   go into the field (focus moves there): 'y' and 'n' are letters
 *   editing keys           as in the prompt, while the field has the focus
 *   Tab / Shift-Tab        field -> Cancel -> confirm -> field, and back
 *   Left / Right           on the buttons: focus Cancel / the confirm button
 *   Enter                  on Cancel: DIALOG_CANCEL; in the field or on the confirm button:
 *                          DIALOG_CONFIRM if the name matches, else nothing but the warning
 *                          "type NAME to confirm"
 *   Esc, Ctrl-C            DIALOG_CANCEL */
enum dialog_result dialog_key(struct dialog *d, int key);

enum dialog_focus dialog_focus(const struct dialog *d);
/* The typed variant: what is in the field (borrowed), and whether it matches the name. The
 * plain variant: "" and true. */
const char *dialog_input(const struct dialog *d);
bool dialog_input_ok(const struct dialog *d);
/* True after a confirm attempt with the wrong name, until the field changes. */
bool dialog_warning(const struct dialog *d);

/* Paints the dialog centred in the rectangle (y, x, height, width), over whatever is there:
 * a border (the terminal's line-drawing characters; curses falls back to + - | when it has
 * none), the title in the top border, the wrapped message (cut to fit a short screen), the
 * field and its label for the typed variant, and the buttons, the focused one in
 * THEME_DIALOG_BUTTON_FOCUS and a confirm button that cannot work yet dimmed. Never refreshes. */
void dialog_draw(struct dialog *d, WINDOW *w, int y, int x, int height, int width);

#endif
