/* JSON text without a tree: skipping values, and pruning members nobody reads.
 *
 * jansson builds a hash table for every object and a copy of every string; for a Kubernetes
 * pod most of that work goes to members no parser reads (managedFields, volumes, env,
 * probes ...). jsontext_prune() copies the text without them, far faster than jansson reads
 * them, so that the tree jansson then builds holds only what is used.
 *
 * Pruning is an optimization, never a filter of meaning: a parser must read the same values
 * from the pruned text as from the whole one. Whatever the rules are not sure of is kept. */
#ifndef GC_CORE_JSONTEXT_H
#define GC_CORE_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The first byte at or after p that is not JSON whitespace (end if none). */
const char *jsontext_ws(const char *p, const char *end);

/* p is at '"': returns the byte after the closing quote, NULL if the text ends first. */
const char *jsontext_skip_string(const char *p, const char *end);

/* Skips one value at p: the byte after it, or p itself at a ',', '}' or ']' (no value);
 * NULL if the text ends first. Only brackets and strings are followed: what is inside is not
 * validated. */
const char *jsontext_skip_value(const char *p, const char *end);

/* Rules for the members of an object. A member named in `members` with `sub` NULL is
 * dropped when keep_unlisted (a deny list), kept whole otherwise (an allow list); with `sub`
 * set, its value is pruned by `sub`: an object by its rules, an array element by element
 * (the object elements), anything else kept. A member whose name is written with escapes
 * is never dropped, and never descended. */
struct jsonprune_member {
    const char *key;
    const struct jsonprune *sub;
};

struct jsonprune {
    bool keep_unlisted;
    const struct jsonprune_member *members; /* ends with a NULL key */
    /* For objects keyed by name (Nagios' hosts, their services): every member no rule names
     * is kept and its value pruned by `each`; NULL: keep_unlisted decides. */
    const struct jsonprune *each;
};

/* A growing output buffer; zero it before first use, free(buf) after the last. */
struct jsontext_buf {
    char *buf;
    size_t len, cap;
};

/* Copies the JSON value in [text, text+len) into out (replacing its contents) with what
 * `rules` drop left out, and no whitespace between the tokens of the objects it descends.
 * False, with out unspecified, when the text is not one well-formed value where the pruner
 * reads it: the caller then parses the original text (and so reports its error). */
bool jsontext_prune(const char *text, size_t len, const struct jsonprune *rules,
                    struct jsontext_buf *out);

#endif
