/* Untrusted-string sanitizing: valid UTF-8 without control characters or bidi overrides. */
#include "core/sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/xalloc.h"

/* Length of the well-formed UTF-8 sequence at s (at most `avail` bytes), storing its code
 * point in *cp; 0 if the bytes there are not one (overlong, surrogate, above U+10FFFF,
 * truncated, or a stray continuation byte). */
static size_t sanitize_utf8_len(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char b = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    uint32_t c;

    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
        c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        c = b & 0x0F;
        if (b == 0xE0) {
            lo = 0xA0; /* shorter forms are overlong */
        } else if (b == 0xED) {
            hi = 0x9F; /* U+D800..U+DFFF are surrogates */
        }
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        c = b & 0x07;
        if (b == 0xF0) {
            lo = 0x90;
        } else if (b == 0xF4) {
            hi = 0x8F; /* nothing above U+10FFFF */
        }
    } else {
        return 0; /* 0x80..0xC1 (continuation or overlong lead), 0xF5..0xFF */
    }
    if (avail < n) {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    c = (c << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return n;
}

/* True for code points that must never reach the terminal. */
static bool sanitize_is_forbidden(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Writes the sanitized form of src[0..len) to dst, which may equal src (output never runs
 * ahead of input); returns the number of bytes written, without a terminator. */
static size_t sanitize_into(char *dst, const char *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t r = 0, w = 0;

    while (r < len) {
        uint32_t cp = 0;
        size_t n = sanitize_utf8_len(s + r, len - r, &cp);

        if (n == 0) {
            dst[w++] = '?';
            r++;
        } else if (sanitize_is_forbidden(cp)) {
            dst[w++] = '?';
            r += n;
        } else {
            for (size_t i = 0; i < n; i++) {
                dst[w++] = (char)s[r + i];
            }
            r += n;
        }
    }
    return w;
}

char *sanitize_ndup(const char *s, size_t len)
{
    char *out;
    size_t n;

    if (s == NULL) {
        return NULL;
    }
    out = xmalloc(len + 1);
    n = sanitize_into(out, s, len);
    out[n] = '\0';
    return out;
}

char *sanitize_dup(const char *s)
{
    return s == NULL ? NULL : sanitize_ndup(s, strlen(s));
}

char *sanitize_inplace(char *s)
{
    if (s != NULL) {
        s[sanitize_into(s, s, strlen(s))] = '\0';
    }
    return s;
}
