#include "core/directory/escape.h"

#include <stdbool.h>
#include <string.h>

#include "core/xalloc.h"

static const char escape_hex[] = "0123456789abcdef";

static bool escape_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* Appends `\XX` for c at out[*n]. */
static void escape_hex_byte(char *out, size_t *n, unsigned char c)
{
    out[(*n)++] = '\\';
    out[(*n)++] = escape_hex[c >> 4];
    out[(*n)++] = escape_hex[c & 0xf];
}

char *dir_filter_escape(const char *s, size_t len)
{
    char *out = xmalloc(len * 3 + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '*' || c == '(' || c == ')' || c == '\\' || escape_control(c)) {
            escape_hex_byte(out, &n, c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return out;
}

char *dir_dn_escape(const char *s, size_t len)
{
    char *out = xmalloc(len * 3 + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (escape_control(c)) {
            escape_hex_byte(out, &n, c);
        } else if (strchr("\"+,;<>=\\", c) != NULL || (i == 0 && (c == ' ' || c == '#')) ||
                   (i == len - 1 && c == ' ')) {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return out;
}
