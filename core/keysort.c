/* Stable radix sort of (key, row) pairs, and string sorting by eight-byte levels. */
#include "core/keysort.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Below this a run is sorted by insertion, and below KEYSORT_RADIX by merging: a radix pass
 * costs 256 counters, more than comparisons in a short run. */
#define KEYSORT_SMALL 24
#define KEYSORT_RADIX 1024
/* Strings fetched ahead of the one being read. */
#define KEYSORT_AHEAD 8

static void keysort_insertion(struct keysort_item *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct keysort_item x = a[i];
        size_t j = i;

        for (; j > 0 && a[j - 1].key > x.key; j--) {
            a[j] = a[j - 1];
        }
        a[j] = x;
    }
}

/* After a pass: what was written is read by the next. */
static void keysort_swap(struct keysort_item **src, struct keysort_item **dst)
{
    struct keysort_item *t = *src;

    *src = *dst;
    *dst = t;
}

/* LSD radix, a byte a pass; a pass where every key has the same byte is skipped (small
 * numbers, shared prefixes). `tmp` holds n items. */
static void keysort_radix(struct keysort_item *a, struct keysort_item *tmp, size_t n)
{
    struct keysort_item *src = a, *dst = tmp;

    for (unsigned shift = 0; shift < 64; shift += 8) {
        size_t count[256] = {0};
        size_t sum = 0;

        for (size_t i = 0; i < n; i++) {
            count[(src[i].key >> shift) & 0xff]++;
        }
        if (count[(src[0].key >> shift) & 0xff] == n) {
            continue;
        }
        for (size_t b = 0; b < 256; b++) {
            size_t c = count[b];

            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
        }
        keysort_swap(&src, &dst);
    }
    if (src != a) {
        memcpy(a, src, n * sizeof *a);
    }
}

/* Bottom-up merge sort over insertion-sorted blocks; stable. `tmp` holds n items. */
static void keysort_merge(struct keysort_item *a, struct keysort_item *tmp, size_t n)
{
    struct keysort_item *src = a, *dst = tmp;

    for (size_t i = 0; i < n; i += KEYSORT_SMALL) {
        keysort_insertion(a + i, n - i < KEYSORT_SMALL ? n - i : KEYSORT_SMALL);
    }
    for (size_t w = KEYSORT_SMALL; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;

            while (i < mid && j < hi) {
                dst[o++] = src[j].key < src[i].key ? src[j++] : src[i++];
            }
            while (i < mid) {
                dst[o++] = src[i++];
            }
            while (j < hi) {
                dst[o++] = src[j++];
            }
        }
        keysort_swap(&src, &dst);
    }
    if (src != a) {
        memcpy(a, src, n * sizeof *a);
    }
}

static void keysort_with(struct keysort_item *a, struct keysort_item *tmp, size_t n)
{
    if (n < KEYSORT_SMALL) {
        keysort_insertion(a, n);
    } else if (n < KEYSORT_RADIX) {
        keysort_merge(a, tmp, n);
    } else {
        keysort_radix(a, tmp, n);
    }
}

void keysort(struct keysort_item *items, size_t n)
{
    struct keysort_item *tmp;

    if (n < 2) {
        return;
    }
    tmp = xmalloc(n * sizeof *tmp);
    keysort_with(items, tmp, n);
    free(tmp);
}

uint64_t keysort_str_key(const char *s)
{
    uint64_t k = 0;
    size_t i = 0;

    if (s == NULL) {
        return UINT64_MAX;
    }
    for (; i < 8 && s[i] != '\0'; i++) {
        k = (k << 8) | (unsigned char)s[i];
    }
    return i == 0 ? 0 : i == 8 ? k : k << (8 * (8 - i));
}

/* The strings being sorted, copied together: deeper levels read them from here, not from
 * rows all over the heap. text + off[idx] is row idx's string (NULL strings are never
 * read: their key ends the refinement). */
struct keysort_strs {
    char *text;
    size_t *off;
};

/* Sorted items whose strings agree on bytes [0, depth + 8): each run of equal keys whose
 * strings go on past them is re-keyed from depth + 8 and sorted again. */
static void keysort_refine(struct keysort_item *a, struct keysort_item *tmp, size_t n,
                           size_t depth, const struct keysort_strs *ss, bool desc)
{
    uint64_t flip = desc ? UINT64_MAX : 0;

    for (size_t i = 0, j; i < n; i = j) {
        uint64_t k = a[i].key ^ flip;

        for (j = i + 1; j < n && a[j].key == a[i].key; j++) {
        }
        /* Equal strings so far, and longer: eight bytes without a NUL (UINT64_MAX is NULL,
         * which valid UTF-8 text cannot be). */
        if (j - i < 2 || (k & 0xff) == 0 || k == UINT64_MAX) {
            continue;
        }
        for (size_t m = i; m < j; m++) {
            a[m].key = keysort_str_key(ss->text + ss->off[a[m].idx] + depth + 8) ^ flip;
        }
        keysort_with(a + i, tmp, j - i);
        keysort_refine(a + i, tmp, j - i, depth + 8, ss, desc);
    }
}

void keysort_strings(struct keysort_item *items, size_t n, const char *const *strs, bool desc)
{
    uint64_t flip = desc ? UINT64_MAX : 0;
    struct keysort_strs ss;
    struct keysort_item *tmp;
    size_t len = 0, cap = 0;

    if (n < 2) {
        if (n == 1) {
            items[0].key = keysort_str_key(strs[items[0].idx]) ^ flip;
        }
        return;
    }
    /* One pass over the strings: the first level's keys, and the copy. They lie all over
     * the heap: fetching a few ahead overlaps the cache misses. */
    ss.off = xmalloc(n * sizeof *ss.off);
    ss.text = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = strs[items[i].idx];
        size_t l;

        if (i + KEYSORT_AHEAD < n) {
            __builtin_prefetch(strs[items[i + KEYSORT_AHEAD].idx]);
        }

        items[i].key = keysort_str_key(s) ^ flip;
        if (s == NULL) {
            ss.off[items[i].idx] = 0;
            continue;
        }
        l = strlen(s) + 1;
        if (len + l > cap) {
            cap = (len + l) * 2 + 4096;
            ss.text = xrealloc(ss.text, cap);
        }
        memcpy(ss.text + len, s, l);
        ss.off[items[i].idx] = len;
        len += l;
    }
    tmp = xmalloc(n * sizeof *tmp);
    keysort_with(items, tmp, n);
    keysort_refine(items, tmp, n, 0, &ss, desc);
    free(tmp);
    free(ss.text);
    free(ss.off);
}
