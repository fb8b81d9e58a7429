/* Word-wrapping to a width in cells. */
#include "tui/wrap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/prompt.h"

static void wrap_push(struct wrap_lines *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->line = xrealloc(l->line, l->cap * sizeof *l->line);
    }
    l->line[l->n++] = xstrndup(s, n);
}

/* Word-wraps one paragraph (no '\n') to `width` cells; a word longer than a row is cut. */
static void wrap_para(struct wrap_lines *l, const char *s, size_t n, int width)
{
    size_t i = 0;

    if (width < 1) {
        width = 1;
    }
    if (n == 0) {
        wrap_push(l, "", 0);
        return;
    }
    while (i < n) {
        size_t start = i, j = i, brk = SIZE_MAX;
        int cells = 0;

        while (j < n) {
            uint32_t cp;
            size_t k = prompt_utf8_decode(s + j, n - j, &cp);
            int cw = prompt_cp_width(cp);

            if (cells + cw > width) {
                break;
            }
            if (s[j] == ' ') {
                brk = j;
            }
            cells += cw;
            j += k;
        }
        if (j >= n) {
            wrap_push(l, s + start, n - start);
            return;
        }
        if (s[j] != ' ' && brk != SIZE_MAX && brk > start) {
            j = brk;
        } else if (j == start) {
            uint32_t cp;

            j += prompt_utf8_decode(s + j, n - j, &cp); /* one character, whatever its width */
        }
        wrap_push(l, s + start, j - start);
        i = j;
        while (i < n && s[i] == ' ') {
            i++;
        }
    }
}

void wrap_text(struct wrap_lines *l, const char *s, int width)
{
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);

        wrap_para(l, s, n, width);
        if (nl == NULL) {
            return;
        }
        s = nl + 1;
    }
}

void wrap_free(struct wrap_lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->line[i]);
    }
    free(l->line);
    *l = (struct wrap_lines){NULL, 0, 0};
}
