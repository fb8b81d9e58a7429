/* The form widget: labelled text and choice fields in a centred box. */
#include "tui/form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/theme.h"
#include "core/xalloc.h"
#include "tui/prompt.h"
#include "tui/screen.h"

#define FORM_CTRL_S 19
#define FORM_MIN_FIELD 24
#define FORM_MAX_WIDTH 100
#define FORM_TEXT_ROWS 5    /* rows a multi-line field shows */
#define FORM_TEXT_LINES 200 /* the most lines it holds */

struct form_item {
    char *label;
    bool required;
    char **choices; /* NULL-terminated; NULL for a text field */
    size_t nchoices, choice;
    struct prompt prompt; /* a one-line text field's editor */
    /* A multi-line text field: an editor a line, the one with the cursor, the first shown,
     * and the text they make (lines joined by '\n'). */
    bool multiline;
    struct prompt *lines;
    size_t nlines, line, top;
    char *joined;
};

struct form {
    char *title, *submit, *error;
    struct form_item *items;
    size_t n, focus;
};

/* A multi-line field's value again from its lines. */
static void form_join(struct form_item *it)
{
    size_t len = 0, at = 0;

    for (size_t l = 0; l < it->nlines; l++) {
        len += strlen(prompt_text(&it->lines[l])) + 1;
    }
    free(it->joined);
    it->joined = xmalloc(len + 1);
    for (size_t l = 0; l < it->nlines; l++) {
        const char *t = prompt_text(&it->lines[l]);
        size_t n = strlen(t);

        memcpy(it->joined + at, t, n);
        at += n;
        if (l + 1 < it->nlines) {
            it->joined[at++] = '\n';
        }
    }
    it->joined[at] = '\0';
}

/* A new line `at` holding `text` (its cursor at the start); false when the field is full. */
static bool form_line_insert(struct form_item *it, size_t at, const char *text)
{
    if (it->nlines >= FORM_TEXT_LINES) {
        return false;
    }
    it->lines = xrealloc(it->lines, (it->nlines + 1) * sizeof *it->lines);
    memmove(&it->lines[at + 1], &it->lines[at], (it->nlines - at) * sizeof *it->lines);
    it->nlines++;
    prompt_init(&it->lines[at], 0, NULL);
    prompt_set_text(&it->lines[at], text);
    prompt_key(&it->lines[at], KEY_HOME);
    return true;
}

static void form_line_remove(struct form_item *it, size_t at)
{
    prompt_fini(&it->lines[at]);
    memmove(&it->lines[at], &it->lines[at + 1], (it->nlines - at - 1) * sizeof *it->lines);
    it->nlines--;
}

/* The lines of `text` (NULL: one empty line), a '\r' before a '\n' dropped. */
static void form_lines_set(struct form_item *it, const char *text)
{
    const char *s = text != NULL ? text : "";

    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
        char *line = xstrndup(s, n > 0 && s[n - 1] == '\r' ? n - 1 : n);
        bool more = form_line_insert(it, it->nlines, line);

        free(line);
        if (nl == NULL || !more) {
            break;
        }
        s = nl + 1;
    }
    for (size_t l = 0; l < it->nlines; l++) {
        it->lines[l].hide_cursor = true;
    }
    form_join(it);
}

struct form *form_new(const char *title, const struct form_field *fields, size_t n,
                      const char *submit)
{
    struct form *f = xcalloc(1, sizeof *f);

    f->title = xstrdup(title != NULL ? title : "");
    f->submit = xstrdup(submit != NULL ? submit : "Submit");
    f->items = xcalloc(n + 1, sizeof *f->items);
    f->n = n;
    for (size_t i = 0; i < n; i++) {
        struct form_item *it = &f->items[i];

        it->label = xstrdup(fields[i].label);
        it->required = fields[i].required;
        prompt_init(&it->prompt, 0, NULL);
        it->prompt.hide_cursor = i != 0;
        if (fields[i].choices != NULL) {
            while (fields[i].choices[it->nchoices] != NULL) {
                it->nchoices++;
            }
            it->choices = xcalloc(it->nchoices + 1, sizeof *it->choices);
            for (size_t c = 0; c < it->nchoices; c++) {
                it->choices[c] = xstrdup(fields[i].choices[c]);
                if (fields[i].value != NULL && strcmp(fields[i].value, it->choices[c]) == 0) {
                    it->choice = c;
                }
            }
        } else if (fields[i].multiline) {
            it->multiline = true;
            form_lines_set(it, fields[i].value);
            it->lines[0].hide_cursor = i != 0;
        } else {
            prompt_set_text(&it->prompt, fields[i].value);
            prompt_key(&it->prompt, KEY_HOME); /* a long prefilled text shows its start */
        }
    }
    return f;
}

void form_free(struct form *f)
{
    if (f == NULL) {
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        struct form_item *it = &f->items[i];

        free(it->label);
        for (size_t c = 0; c < it->nchoices; c++) {
            free(it->choices[c]);
        }
        free(it->choices);
        prompt_fini(&it->prompt);
        for (size_t l = 0; l < it->nlines; l++) {
            prompt_fini(&it->lines[l]);
        }
        free(it->lines);
        free(it->joined);
    }
    free(f->items);
    free(f->title);
    free(f->submit);
    free(f->error);
    free(f);
}

size_t form_count(const struct form *f)
{
    return f->n;
}

size_t form_focus(const struct form *f)
{
    return f->focus;
}

const char *form_value(const struct form *f, size_t i)
{
    const struct form_item *it = &f->items[i];

    if (it->choices != NULL) {
        return it->nchoices > 0 ? it->choices[it->choice] : "";
    }
    return it->multiline ? it->joined : prompt_text(&it->prompt);
}

/* The editor with the item's cursor. */
static struct prompt *form_editor(struct form_item *it)
{
    return it->multiline ? &it->lines[it->line] : &it->prompt;
}

static void form_move(struct form *f, size_t to)
{
    form_editor(&f->items[f->focus])->hide_cursor = true;
    f->focus = to;
    form_editor(&f->items[f->focus])->hide_cursor = false;
}

void form_set_error(struct form *f, const char *msg, size_t field)
{
    free(f->error);
    f->error = msg != NULL ? xstrdup(msg) : NULL;
    if (field < f->n) {
        form_move(f, field);
    }
}

const char *form_error(const struct form *f)
{
    return f->error;
}

/* FORM_SUBMIT, or the first empty required field focused with an error. */
static enum form_result form_submit(struct form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const char *v = form_value(f, i);

        if (f->items[i].required && v[strspn(v, " \n")] == '\0') {
            char *msg = xasprintf("%s is required", f->items[i].label);

            form_set_error(f, msg, i);
            free(msg);
            return FORM_NONE;
        }
    }
    return FORM_SUBMIT;
}

/* The characters before a line's cursor. */
static size_t form_cursor_chars(const struct prompt *p)
{
    size_t n = 0;

    for (size_t b = 0; b < p->cursor; b++) {
        n += ((unsigned char)p->text[b] & 0xC0) != 0x80;
    }
    return n;
}

/* Puts the cursor on line `to` of a multi-line field, as many characters in as it was. */
static void form_line_go(struct form_item *it, size_t to)
{
    size_t chars = form_cursor_chars(&it->lines[it->line]);

    it->lines[it->line].hide_cursor = true;
    it->line = to;
    it->lines[to].hide_cursor = false;
    prompt_key(&it->lines[to], KEY_HOME);
    for (size_t c = 0; c < chars && it->lines[to].cursor < it->lines[to].len; c++) {
        prompt_key(&it->lines[to], KEY_RIGHT);
    }
}

/* A key a multi-line field takes for itself (Enter, Up and Down inside it, Backspace at a
 * line's start, Delete at its end): true when it did. */
static bool form_multiline_key(struct form_item *it, int key)
{
    struct prompt *p = &it->lines[it->line];

    if (key == '\r' || key == '\n' || key == KEY_ENTER) {
        char *rest = xstrdup(p->text + p->cursor);

        if (form_line_insert(it, it->line + 1, rest)) {
            prompt_key(&it->lines[it->line], 11); /* Ctrl-K: the rest moved down */
            it->lines[it->line].hide_cursor = true;
            it->line++;
        }
        free(rest);
    } else if ((key == KEY_UP && it->line > 0) || (key == KEY_DOWN && it->line + 1 < it->nlines)) {
        form_line_go(it, key == KEY_UP ? it->line - 1 : it->line + 1);
        return true;
    } else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && p->cursor == 0 &&
               it->line > 0) {
        struct prompt *prev = &it->lines[it->line - 1];
        char *both = xasprintf("%s%s", prev->text, p->text);
        size_t at = prev->len;

        form_line_remove(it, it->line--);
        prompt_set_text(&it->lines[it->line], both);
        it->lines[it->line].hide_cursor = false;
        free(both);
        while (it->lines[it->line].cursor > at) {
            prompt_key(&it->lines[it->line], KEY_LEFT);
        }
    } else if ((key == KEY_DC || key == 4) && p->cursor == p->len && it->line + 1 < it->nlines) {
        char *both = xasprintf("%s%s", p->text, it->lines[it->line + 1].text);
        size_t at = p->len;

        form_line_remove(it, it->line + 1);
        prompt_set_text(p, both);
        free(both);
        while (p->cursor > at) {
            prompt_key(p, KEY_LEFT);
        }
    } else {
        return false;
    }
    form_join(it);
    return true;
}

enum form_result form_key(struct form *f, int key)
{
    struct form_item *it = &f->items[f->focus];

    if (it->multiline && form_multiline_key(it, key)) {
        free(f->error);
        f->error = NULL;
        return FORM_NONE;
    }
    switch (key) {
    case '\t':
    case KEY_DOWN:
        form_move(f, (f->focus + 1) % f->n);
        return FORM_NONE;
    case KEY_BTAB:
    case KEY_UP:
        form_move(f, (f->focus + f->n - 1) % f->n);
        return FORM_NONE;
    case FORM_CTRL_S:
        return form_submit(f);
    case 27:
    case 3: /* Ctrl-C */
        return FORM_CANCEL;
    case '\r':
    case '\n':
    case KEY_ENTER:
        if (f->n == 1 && it->choices == NULL) {
            return form_submit(f);
        }
        form_move(f, (f->focus + 1) % f->n);
        return FORM_NONE;
    default:
        break;
    }
    if (it->choices != NULL) {
        if (it->nchoices > 0 && (key == KEY_RIGHT || key == ' ')) {
            it->choice = (it->choice + 1) % it->nchoices;
        } else if (it->nchoices > 0 && key == KEY_LEFT) {
            it->choice = (it->choice + it->nchoices - 1) % it->nchoices;
        }
        return FORM_NONE;
    }
    if (prompt_key(form_editor(it), key) == PROMPT_CHANGED) {
        if (it->multiline) {
            form_join(it);
        }
        free(f->error);
        f->error = NULL;
    }
    return FORM_NONE;
}

/* Paints a multi-line field's rows from `row`, scrolled to keep its cursor's line in view. */
static void form_draw_lines(struct form_item *it, WINDOW *w, int row, int x, int rows, int fw,
                            attr_t attr)
{
    if (it->line < it->top) {
        it->top = it->line;
    } else if (it->line >= it->top + (size_t)rows) {
        it->top = it->line - (size_t)rows + 1;
    }
    for (int r = 0; r < rows; r++) {
        size_t l = it->top + (size_t)r;

        if (l < it->nlines) {
            wattrset(w, attr);
            prompt_draw(&it->lines[l], w, row + r, x, 1, fw);
            wattrset(w, A_NORMAL);
        } else {
            screen_put(w, row + r, x, "", fw, false, attr);
        }
    }
}

void form_draw(struct form *f, WINDOW *w, int y, int x, int height, int width)
{
    attr_t base = screen_attr(THEME_DIALOG);
    attr_t field = screen_attr(THEME_DIALOG_BUTTON);
    attr_t focus = screen_attr(THEME_DIALOG_BUTTON_FOCUS);
    int label_w = 0, bw, bh, by, bx, fw, row, text_rows = FORM_TEXT_ROWS, nmulti = 0;
    char *keys;

    if (height < 5 || width < 20) {
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        int lw = screen_text_width(f->items[i].label) + (f->items[i].required ? 1 : 0);

        label_w = lw > label_w ? lw : label_w;
        nmulti += f->items[i].multiline;
    }
    bw = width - 2 < FORM_MAX_WIDTH ? width - 2 : FORM_MAX_WIDTH;
    fw = bw - label_w - 7;
    if (fw < FORM_MIN_FIELD / 2) {
        fw = FORM_MIN_FIELD / 2;
    }
    /* A multi-line field shows fewer rows where the screen is short. */
    while (text_rows > 1 && (int)f->n + 6 + nmulti * (text_rows - 1) > height) {
        text_rows--;
    }
    /* Border, blank, the fields, blank, error, keys, border. */
    bh = (int)f->n + 6 + nmulti * (text_rows - 1);
    if (bh > height) {
        bh = height;
    }
    screen_box(w, y, x, height, width, bh, bw, f->title, base, &by, &bx);
    row = by + 2;
    for (size_t i = 0; i < f->n && row < by + bh - 3; i++, row++) {
        struct form_item *it = &f->items[i];
        char *label = xasprintf("%s%s", it->label, it->required ? "*" : "");
        attr_t attr = i == f->focus ? focus : field;

        screen_put(w, row, bx + 2, label, label_w, false,
                   i == f->focus ? base | A_BOLD : base);
        free(label);
        if (it->choices != NULL) {
            char *text = xasprintf("< %s >", form_value(f, i));

            screen_put(w, row, bx + 4 + label_w, text, fw, false, attr);
            free(text);
        } else if (it->multiline) {
            int rows = text_rows < by + bh - 3 - row ? text_rows : by + bh - 3 - row;

            form_draw_lines(it, w, row, bx + 4 + label_w, rows, fw, attr);
            row += rows - 1;
        } else {
            wattrset(w, attr);
            prompt_draw(&it->prompt, w, row, bx + 4 + label_w, 1, fw);
            wattrset(w, A_NORMAL);
        }
    }
    if (f->error != NULL) {
        screen_put(w, by + bh - 3, bx + 2, f->error, bw - 4, false,
                   screen_attr(THEME_PROMPT_ERROR));
    }
    keys = xasprintf("Ctrl-S %s   Tab next field   Esc cancel%s", f->submit,
                     f->n == 1 && !f->items[0].multiline ? "   Enter submit"
                     : f->items[f->focus].multiline      ? "   Enter new line"
                                                         : "");
    screen_put(w, by + bh - 2, bx + 2, keys, bw - 4, false, base | A_DIM);
    free(keys);
}
