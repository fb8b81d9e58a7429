/* Word-wrapping text to a width in terminal cells (dialogs, the help overlay). */
#ifndef GC_TUI_WRAP_H
#define GC_TUI_WRAP_H

#include <stddef.h>

struct wrap_lines {
    char **line; /* each a copy; free with wrap_free() */
    size_t n, cap;
};

/* Appends the lines of `s` wrapped at spaces to `width` cells (at least 1): each '\n' starts a
 * new line, an empty paragraph stays an empty line, a word longer than a row is cut. */
void wrap_text(struct wrap_lines *l, const char *s, int width);

/* Frees the lines and empties l. */
void wrap_free(struct wrap_lines *l);

#endif
