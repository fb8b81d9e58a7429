/* Strings from the network are untrusted: nothing they carry may reach the terminal as a
 * control sequence or as text that hides or reorders other text. Everything a source stores
 * passes through sanitize_dup() first. */
#ifndef GC_CORE_SANITIZE_H
#define GC_CORE_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns a copy (caller frees) of the first `len` bytes of `s` that is valid UTF-8 and holds
 * no C0 control (including TAB, CR, LF and ESC), no DEL, no C1 control (U+0080..U+009F), and
 * no invisible character that can hide, join, break or reorder text on a terminal: bidi
 * embeddings, overrides, isolates and marks, zero-width spaces and joiners, line and
 * paragraph separators, the BOM, soft hyphen, fillers, tags and the other default-ignorable
 * code points (the table in sanitize.c lists them; variation selectors are kept). Each such
 * character or each invalid byte becomes '?' (a NUL among the `len` bytes is a C0 control,
 * so it becomes '?' too). NULL in gives NULL out. Safe from any thread. */
char *sanitize_ndup(const char *s, size_t len);
char *sanitize_dup(const char *s);

/* The one rule, per code point: true for every character sanitize_dup() replaces (controls
 * and the invisible ones of the table). Everything drawn passes it (tui/screen.c), and the
 * pager, the prompt and the JSON/YAML writer use it too. */
bool sanitize_forbidden(uint32_t cp);

/* In-place variant over a NUL-terminated buffer; returns s. Replacement never grows. */
char *sanitize_inplace(char *s);

#endif
