/* The confirm dialog: two buttons, y/n shortcuts, and a typed-name variant for deletes. */
#include "tui/dialog.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/wrap.h"

enum {
    DIALOG_CTRL_C = 3,
    DIALOG_TAB = 9,
    DIALOG_LF = 10,
    DIALOG_CR = 13,
    DIALOG_ESC = 27,
};

/* Narrowest and widest text area inside the box, in cells. */
#define DIALOG_MIN_TEXT 30
#define DIALOG_MAX_TEXT 64

struct dialog {
    char *title;
    char *message;
    char *confirm;
    char *name; /* the typed variant's name, else NULL */
    char *label;   /* "Type NAME to confirm:" */
    char *warning; /* "type NAME to confirm" */
    struct prompt field;
    enum dialog_focus focus;
    bool warn;
};

static struct dialog *dialog_new(const char *title, const char *message,
                                 const char *confirm_label, const char *name)
{
    struct dialog *d = xcalloc(1, sizeof *d);

    d->title = xstrdup(title != NULL ? title : "");
    d->message = xstrdup(message != NULL ? message : "");
    d->confirm = xstrdup(confirm_label != NULL ? confirm_label : "OK");
    prompt_init(&d->field, 0, NULL);
    if (name != NULL) {
        d->name = xstrdup(name);
        d->label = xasprintf("Type %s to confirm:", name);
        d->focus = DIALOG_FOCUS_INPUT;
    } else {
        d->focus = DIALOG_FOCUS_CANCEL;
    }
    return d;
}

struct dialog *dialog_confirm(const char *title, const char *message, const char *confirm_label)
{
    return dialog_new(title, message, confirm_label, NULL);
}

struct dialog *dialog_confirm_typed(const char *title, const char *message,
                                    const char *confirm_label, const char *name)
{
    return dialog_new(title, message, confirm_label, name != NULL ? name : "");
}

void dialog_free(struct dialog *d)
{
    if (d == NULL) {
        return;
    }
    free(d->title);
    free(d->message);
    free(d->confirm);
    free(d->name);
    free(d->label);
    free(d->warning);
    prompt_fini(&d->field);
    free(d);
}

enum dialog_focus dialog_focus(const struct dialog *d)
{
    return d->focus;
}

const char *dialog_input(const struct dialog *d)
{
    return prompt_text(&d->field);
}

bool dialog_input_ok(const struct dialog *d)
{
    return d->name == NULL || strcmp(prompt_text(&d->field), d->name) == 0;
}

bool dialog_warning(const struct dialog *d)
{
    return d->warn;
}

static bool dialog_is_enter(int key)
{
    return key == DIALOG_CR || key == DIALOG_LF || key == KEY_ENTER;
}

static enum dialog_result dialog_plain_key(struct dialog *d, int key)
{
    switch (key) {
    case 'y':
    case 'Y':
        return DIALOG_CONFIRM;
    case 'n':
    case 'N':
    case 'q':
    case DIALOG_ESC:
    case DIALOG_CTRL_C:
        return DIALOG_CANCEL;
    case DIALOG_TAB:
    case KEY_BTAB:
        d->focus = d->focus == DIALOG_FOCUS_CANCEL ? DIALOG_FOCUS_CONFIRM : DIALOG_FOCUS_CANCEL;
        break;
    case KEY_LEFT:
    case 'h':
        d->focus = DIALOG_FOCUS_CANCEL;
        break;
    case KEY_RIGHT:
    case 'l':
        d->focus = DIALOG_FOCUS_CONFIRM;
        break;
    default:
        if (dialog_is_enter(key)) {
            return d->focus == DIALOG_FOCUS_CONFIRM ? DIALOG_CONFIRM : DIALOG_CANCEL;
        }
        break;
    }
    return DIALOG_NONE;
}

/* Confirms if the typed name matches; otherwise raises the warning, saying what was wrong. */
static enum dialog_result dialog_try_confirm(struct dialog *d)
{
    const char *typed = prompt_text(&d->field);

    if (dialog_input_ok(d)) {
        return DIALOG_CONFIRM;
    }
    free(d->warning);
    if (typed[0] == '\0') {
        d->warning = xstrdup("nothing typed: type the name above");
    } else {
        d->warning = xasprintf("'%.20s%s' is not the name", typed, strlen(typed) > 20 ? "..." : "");
    }
    d->warn = true;
    return DIALOG_NONE;
}

static enum dialog_result dialog_typed_key(struct dialog *d, int key)
{
    static const enum dialog_focus order[] = {DIALOG_FOCUS_INPUT, DIALOG_FOCUS_CANCEL,
                                              DIALOG_FOCUS_CONFIRM};

    if (key == DIALOG_ESC || key == DIALOG_CTRL_C) {
        return DIALOG_CANCEL;
    }
    if (key == DIALOG_TAB || key == KEY_BTAB) {
        d->focus = order[((int)d->focus + (key == DIALOG_TAB ? 1 : 2)) % 3];
        return DIALOG_NONE;
    }
    if (dialog_is_enter(key)) {
        return d->focus == DIALOG_FOCUS_CANCEL ? DIALOG_CANCEL : dialog_try_confirm(d);
    }
    if (d->focus != DIALOG_FOCUS_INPUT && (key == KEY_LEFT || key == KEY_RIGHT)) {
        d->focus = key == KEY_LEFT ? DIALOG_FOCUS_CANCEL : DIALOG_FOCUS_CONFIRM;
        return DIALOG_NONE;
    }
    if (prompt_key_char(key) >= 0) {
        d->focus = DIALOG_FOCUS_INPUT;
    }
    if (d->focus == DIALOG_FOCUS_INPUT) {
        switch (prompt_key(&d->field, key)) {
        case PROMPT_CHANGED:
            d->warn = false;
            break;
        case PROMPT_CANCEL:
            return DIALOG_CANCEL;
        case PROMPT_ACCEPT:
            return dialog_try_confirm(d);
        case PROMPT_NONE:
            break;
        }
    }
    return DIALOG_NONE;
}

enum dialog_result dialog_key(struct dialog *d, int key)
{
    return d->name != NULL ? dialog_typed_key(d, key) : dialog_plain_key(d, key);
}

/* ---- drawing ---- */

/* Widest line of the message, in cells. */
static int dialog_natural_width(const char *s)
{
    int widest = 0;

    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
        char *line = xstrndup(s, n);
        int w = screen_text_width(line);

        free(line);
        if (w > widest) {
            widest = w;
        }
        if (nl == NULL) {
            return widest;
        }
        s = nl + 1;
    }
}

/* `line` with " ..." after it, shortened so that the whole fits `width` cells. */
static char *dialog_ellipsis(const char *line, int width)
{
    size_t n = strlen(line), i = 0;
    int cells = 0;
    char *out;

    while (i < n) {
        uint32_t cp;
        size_t k = prompt_utf8_decode(line + i, n - i, &cp);
        int cw = prompt_cp_width(cp);

        if (cells + cw > width - 4) {
            break;
        }
        cells += cw;
        i += k;
    }
    out = xmalloc(i + 5);
    memcpy(out, line, i);
    memcpy(out + i, " ...", 5);
    return out;
}

static void dialog_draw_buttons(struct dialog *d, WINDOW *w, int y, int x, int width)
{
    char *cancel = xstrdup("[ Cancel ]");
    char *confirm = xasprintf("[ %s ]", d->confirm);
    int cw = screen_text_width(cancel), fw = screen_text_width(confirm);
    int total = cw + 2 + fw, bx;
    attr_t ca = screen_attr(d->focus == DIALOG_FOCUS_CANCEL ? THEME_DIALOG_BUTTON_FOCUS
                                                            : THEME_DIALOG_BUTTON);
    attr_t fa = screen_attr(d->focus == DIALOG_FOCUS_CONFIRM ? THEME_DIALOG_BUTTON_FOCUS
                                                             : THEME_DIALOG_BUTTON);

    if (!dialog_input_ok(d)) {
        fa |= A_DIM;
    }
    if (total > width) {
        /* Too narrow for both: share the row. */
        cw = width / 2;
        fw = width - cw - (width > 2 ? 1 : 0);
        total = width;
    }
    bx = x + (width - total) / 2;
    screen_put(w, y, bx, cancel, cw, false, ca);
    screen_put(w, y, bx + total - fw, confirm, fw, false, fa);
    free(cancel);
    free(confirm);
}

void dialog_draw(struct dialog *d, WINDOW *w, int y, int x, int height, int width)
{
    struct wrap_lines msg = {NULL, 0, 0};
    attr_t base = screen_attr(THEME_DIALOG);
    int need, inner, bw, bh, by, bx, fixed, nmsg, row;

    if (height < 3 || width < 8) {
        return;
    }
    need = dialog_natural_width(d->message);
    if (screen_text_width(d->title) + 4 > need) {
        need = screen_text_width(d->title) + 4;
    }
    if (d->label != NULL && screen_text_width(d->label) > need) {
        need = screen_text_width(d->label);
    }
    if (d->warn && screen_text_width(d->warning) > need) {
        need = screen_text_width(d->warning);
    }
    if (screen_text_width(d->confirm) + 16 > need) {
        need = screen_text_width(d->confirm) + 16; /* both buttons */
    }
    inner = need < DIALOG_MIN_TEXT ? DIALOG_MIN_TEXT : (need > DIALOG_MAX_TEXT ? DIALOG_MAX_TEXT
                                                                               : need);
    if (inner > width - 4) {
        inner = width - 4;
    }
    bw = inner + 4;
    wrap_text(&msg, d->message, inner);
    /* Border, blank, message, blank, [label, field, blank], buttons, border. */
    fixed = 5 + (d->name != NULL ? 3 : 0) + (d->name != NULL && d->warn ? 1 : 0);
    nmsg = (int)msg.n;
    if (fixed + nmsg > height) {
        nmsg = height - fixed > 1 ? height - fixed : 1;
    }
    bh = fixed + nmsg;
    if (bh > height) {
        bh = height;
    }
    screen_box(w, y, x, height, width, bh, bw, d->title, base, &by, &bx);
    row = by + 2;
    for (int i = 0; i < nmsg && row < by + bh - 1; i++, row++) {
        bool cut = i == nmsg - 1 && (size_t)nmsg < msg.n;

        if (cut) {
            char *last = dialog_ellipsis(msg.line[i], inner);

            screen_put(w, row, bx + 2, last, inner, false, base);
            free(last);
        } else {
            screen_put(w, row, bx + 2, msg.line[i], inner, false, base);
        }
    }
    row++;
    if (d->name != NULL && row + 1 < by + bh - 1) {
        screen_put(w, row, bx + 2, d->label, inner, false, base);
        d->field.hide_cursor = d->focus != DIALOG_FOCUS_INPUT;
        prompt_draw(&d->field, w, row + 1, bx + 2, 1, inner);
        if (d->warn && row + 2 < by + bh - 2) {
            /* under the field, the label (and the name in it) kept above */
            screen_put(w, row + 2, bx + 2, d->warning, inner, false,
                       screen_attr(THEME_PROMPT_ERROR));
        }
    }
    if (bh >= 3) {
        dialog_draw_buttons(d, w, by + bh - 2, bx + 2, inner);
    }
    wrap_free(&msg);
}
