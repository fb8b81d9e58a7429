/* The `/` filter of every table: a PCRE2 pattern compiled once per change, matched against
 * the displayed text of each row.
 *
 * Pattern language (docs/keys.md describes it for users):
 *   - PCRE2 syntax, UTF-8, Unicode properties; groups do not capture.
 *   - Smart case: caseless unless the pattern holds an upper-case letter outside an escape
 *     (`\S`, `\p{Lu}`, `\x{C6}` and group names do not count; `\QABC\E` does).
 *   - A leading `!` inverts the match (rows that do NOT match are kept). Write `\!` to match a
 *     literal leading `!`.
 *   - An empty pattern, or just "!", matches every row and highlights nothing.
 *   - Matching is bounded: a pattern that would backtrack catastrophically on a row gives up
 *     on that row, counts it as not matching, and raises filter_limited().
 *
 * A filter is not thread-safe: it owns one match-data block that every call reuses. */
#ifndef GC_CORE_FILTER_H
#define GC_CORE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct filter;

/* Compiles `pattern` (NUL-terminated UTF-8; NULL is treated as ""). Returns a new filter that
 * the caller releases with filter_free(). On a bad pattern returns NULL, sets *err to PCRE2's
 * message (caller frees) and *err_offset to the byte offset in `pattern` where the problem was
 * found, counting a leading `!`. `err` and `err_offset` may be NULL when the caller does not
 * want them; on success *err is set to NULL. */
struct filter *filter_new(const char *pattern, char **err, size_t *err_offset);

/* Frees the filter and everything it holds. NULL is allowed. */
void filter_free(struct filter *f);

/* The pattern as the user typed it, including any leading `!`. Borrowed; valid until
 * filter_free(). */
const char *filter_pattern(const struct filter *f);

/* True if the pattern began with `!`. */
bool filter_inverted(const struct filter *f);

/* True if the filter matches every row (empty pattern or just "!"). */
bool filter_matches_all(const struct filter *f);

/* Does the row `text` (len bytes, need not be NUL-terminated; invalid UTF-8 is tolerated) pass
 * the filter? Applies inversion. A row on which PCRE2 hits the match/depth/heap limit is
 * undecided: it does not pass (whether inverted or not), and filter_limited() becomes true. */
bool filter_match(struct filter *f, const char *text, size_t len);

/* Finds the next non-empty match in text[0..len) that starts at or after byte `start`, for
 * highlighting. Ignores inversion. On success returns true and sets [*mstart, *mend) to the
 * byte range of the match; call again with start = *mend for the next one. Returns false when
 * there is no further match, when the pattern is empty, when start > len, or when a limit was
 * hit (which also raises filter_limited()). */
bool filter_find(struct filter *f, const char *text, size_t len, size_t start, size_t *mstart,
                 size_t *mend);

/* True if any filter_match()/filter_find() since filter_new() or the last
 * filter_reset_limited() gave up on a row because the pattern was too complex. The UI says
 * "pattern too complex for some rows". */
bool filter_limited(const struct filter *f);

/* Clears the filter_limited() flag, e.g. before re-filtering a table. */
void filter_reset_limited(struct filter *f);

#endif
