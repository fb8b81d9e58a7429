/* Sorting many rows by one column, fast enough for a keystroke at 50,000 rows.
 *
 * A view gives each row a 64-bit key ordered as the column is (a number, or a string's first
 * eight bytes) and its index; the pairs are radix-sorted, stably, so rows with equal keys
 * keep the order they came in (a view passes them in its default order, which then breaks
 * ties). Strings that share their first eight bytes are told apart by re-keying just those
 * runs from the next eight, and so on: each string is read once a level, never once a
 * comparison. */
#ifndef GC_CORE_KEYSORT_H
#define GC_CORE_KEYSORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keysort_item {
    uint64_t key;
    uint32_t idx; /* the caller's row */
};

/* Sorts items[0..n) by key, ascending and stable. */
void keysort(struct keysort_item *items, size_t n);

/* A string's first eight bytes as a key, big-endian (ordered as strcmp() orders them, as far
 * as they reach); a NULL string after every other (UINT64_MAX). */
uint64_t keysort_str_key(const char *s);

/* Sorts items[0..n) by the strings strs[idx] in strcmp() order (NULL last), descending
 * when `desc`; stable, so equal strings keep their order either way. The idx are 0..n-1 in
 * any order; the keys are set here (keysort_str_key(), inverted when desc). Each string is
 * read once, in the order of items (prefetched ahead); the sort works on a copy of them all
 * together. */
void keysort_strings(struct keysort_item *items, size_t n, const char *const *strs, bool desc);

#endif
