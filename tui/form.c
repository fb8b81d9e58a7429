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

struct form_item {
    char *label;
    bool required;
    char **choices; /* NULL-terminated; NULL for a text field */
    size_t nchoices, choice;
    struct prompt prompt; /* a text field's editor */
};

struct form {
    char *title, *submit, *error;
    struct form_item *items;
    size_t n, focus;
};

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
    return prompt_text(&it->prompt);
}

static void form_move(struct form *f, size_t to)
{
    f->items[f->focus].prompt.hide_cursor = true;
    f->focus = to;
    f->items[f->focus].prompt.hide_cursor = false;
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

        if (f->items[i].required && v[strspn(v, " ")] == '\0') {
            char *msg = xasprintf("%s is required", f->items[i].label);

            form_set_error(f, msg, i);
            free(msg);
            return FORM_NONE;
        }
    }
    return FORM_SUBMIT;
}

enum form_result form_key(struct form *f, int key)
{
    struct form_item *it = &f->items[f->focus];

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
    if (prompt_key(&it->prompt, key) == PROMPT_CHANGED && f->error != NULL) {
        free(f->error);
        f->error = NULL;
    }
    return FORM_NONE;
}

void form_draw(struct form *f, WINDOW *w, int y, int x, int height, int width)
{
    attr_t base = screen_attr(THEME_DIALOG);
    attr_t field = screen_attr(THEME_DIALOG_BUTTON);
    attr_t focus = screen_attr(THEME_DIALOG_BUTTON_FOCUS);
    int label_w = 0, bw, bh, by, bx, fw, row;
    char *keys;

    if (height < 5 || width < 20) {
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        int lw = screen_text_width(f->items[i].label) + (f->items[i].required ? 1 : 0);

        label_w = lw > label_w ? lw : label_w;
    }
    bw = width - 2 < FORM_MAX_WIDTH ? width - 2 : FORM_MAX_WIDTH;
    fw = bw - label_w - 7;
    if (fw < FORM_MIN_FIELD / 2) {
        fw = FORM_MIN_FIELD / 2;
    }
    /* Border, blank, the fields, blank, error, keys, border. */
    bh = (int)f->n + 6;
    if (bh > height) {
        bh = height;
    }
    screen_box(w, y, x, height, width, bh, bw, f->title, base, &by, &bx);
    row = by + 2;
    for (size_t i = 0; i < f->n && row < by + bh - 3; i++, row++) {
        struct form_item *it = &f->items[i];
        char *label = xasprintf("%s%s", it->label, it->required ? "*" : "");

        screen_put(w, row, bx + 2, label, label_w, false,
                   i == f->focus ? base | A_BOLD : base);
        free(label);
        if (it->choices != NULL) {
            char *text = xasprintf("< %s >", form_value(f, i));

            screen_put(w, row, bx + 4 + label_w, text, fw, false, i == f->focus ? focus : field);
            free(text);
        } else {
            wattrset(w, i == f->focus ? focus : field);
            prompt_draw(&it->prompt, w, row, bx + 4 + label_w, 1, fw);
            wattrset(w, A_NORMAL);
        }
    }
    if (f->error != NULL) {
        screen_put(w, by + bh - 3, bx + 2, f->error, bw - 4, false,
                   screen_attr(THEME_PROMPT_ERROR));
    }
    keys = xasprintf("Ctrl-S %s   Tab next field   Esc cancel%s", f->submit,
                     f->n == 1 ? "   Enter submit" : "");
    screen_put(w, by + bh - 2, bx + 2, keys, bw - 4, false, base | A_DIM);
    free(keys);
}
