/* Untrusted-string sanitizing: valid UTF-8 without controls or invisible format characters. */
#include "core/sanitize.h"

#include <pthread.h>
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

/* A run of code points that never reaches the terminal. */
struct sanitize_range {
    uint32_t first, last;
    const char *name;
};

/* The one rule of what is replaced by '?', besides invalid UTF-8: controls, and every
 * character that is invisible and can hide, join, break or reorder text on a terminal (the
 * Unicode Default_Ignorable_Code_Point set and the invisible format characters, Cf). Kept:
 * variation selectors (U+FE00..U+FE0F, U+E0100..U+E01EF, Mongolian U+180B..U+180D, U+180F),
 * which only pick the glyph of the character before them (an emoji needs U+FE0F), and the
 * visible format characters (Arabic number signs U+0600..U+0605 and the like). Sorted by
 * code point, not overlapping: sanitize_is_forbidden() searches it by halves. */
static const struct sanitize_range sanitize_ranges[] = {
    {0x0000, 0x001F, "C0 controls"},
    {0x007F, 0x009F, "DEL and C1 controls"},
    {0x00AD, 0x00AD, "soft hyphen"},
    {0x034F, 0x034F, "combining grapheme joiner"},
    {0x061C, 0x061C, "Arabic letter mark"},
    {0x115F, 0x1160, "Hangul choseong and jungseong fillers"},
    {0x17B4, 0x17B5, "Khmer inherent vowels"},
    {0x180E, 0x180E, "Mongolian vowel separator"},
    {0x200B, 0x200F, "zero width space, joiners, LRM, RLM"},
    {0x2028, 0x2029, "line and paragraph separators"},
    {0x202A, 0x202E, "bidi embeddings and overrides"},
    {0x2060, 0x2064, "word joiner, invisible operators"},
    {0x2065, 0x2065, "reserved default ignorable"},
    {0x2066, 0x2069, "bidi isolates"},
    {0x206A, 0x206F, "deprecated format characters"},
    {0x3164, 0x3164, "Hangul filler"},
    {0xFEFF, 0xFEFF, "byte order mark (zero width no-break space)"},
    {0xFFA0, 0xFFA0, "halfwidth Hangul filler"},
    {0xFFF0, 0xFFF8, "reserved default ignorable"},
    {0xFFF9, 0xFFFB, "interlinear annotation"},
    {0x13430, 0x1343F, "Egyptian hieroglyph format controls"},
    {0x1BCA0, 0x1BCA3, "shorthand format controls"},
    {0x1D173, 0x1D17A, "musical symbol format controls"},
    {0xE0000, 0xE007F, "tags"},
    {0xE0080, 0xE00FF, "reserved default ignorable"},
    {0xE01F0, 0xE0FFF, "reserved default ignorable"},
};

#define SANITIZE_NRANGES (sizeof(sanitize_ranges) / sizeof(sanitize_ranges[0]))

/* True for code points in sanitize_ranges. */
static bool sanitize_in_ranges(uint32_t cp)
{
    size_t lo = 0, hi = SANITIZE_NRANGES;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cp < sanitize_ranges[mid].first) {
            hi = mid;
        } else if (cp > sanitize_ranges[mid].last) {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    return false;
}

/* sanitize_ranges over U+0000..U+FFFF as one bit a code point (8 KiB), filled once: most
 * text is answered by one load, and runs of plain ASCII are copied whole. */
static uint64_t sanitize_bmp[0x10000 / 64];
static pthread_once_t sanitize_bmp_once = PTHREAD_ONCE_INIT;

static void sanitize_bmp_fill(void)
{
    for (size_t i = 0; i < SANITIZE_NRANGES; i++) {
        for (uint32_t cp = sanitize_ranges[i].first; cp <= sanitize_ranges[i].last && cp < 0x10000;
             cp++) {
            sanitize_bmp[cp >> 6] |= (uint64_t)1 << (cp & 63);
        }
    }
}

/* True for code points that must never reach the terminal (after sanitize_bmp_fill()). */
static bool sanitize_is_forbidden(uint32_t cp)
{
    if (cp < 0x10000) {
        return (sanitize_bmp[cp >> 6] >> (cp & 63)) & 1;
    }
    return sanitize_in_ranges(cp);
}

bool sanitize_forbidden(uint32_t cp)
{
    pthread_once(&sanitize_bmp_once, sanitize_bmp_fill);
    return sanitize_is_forbidden(cp);
}

/* Writes the sanitized form of src[0..len) to dst, which may equal src (output never runs
 * ahead of input); returns the number of bytes written, without a terminator. */
static size_t sanitize_into(char *dst, const char *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t r = 0, w = 0;

    pthread_once(&sanitize_bmp_once, sanitize_bmp_fill);
    while (r < len) {
        uint32_t cp = 0;
        size_t n, end = r;

        while (end < len && s[end] < 0x80 && !sanitize_is_forbidden(s[end])) {
            end++;
        }
        if (end > r) {
            if (dst + w != src + r) {
                memmove(dst + w, src + r, end - r);
            }
            w += end - r;
            r = end;
            continue;
        }
        n = sanitize_utf8_len(s + r, len - r, &cp);
        if (n == 0 || sanitize_is_forbidden(cp)) {
            dst[w++] = '?';
            r += n == 0 ? 1 : n;
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
