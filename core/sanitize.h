/* Strings from the network are untrusted: nothing they carry may reach the terminal as a
 * control sequence. Everything a source stores passes through sanitize_dup() first. */
#ifndef GC_CORE_SANITIZE_H
#define GC_CORE_SANITIZE_H

#include <stddef.h>

/* Returns a copy (caller frees) of the first `len` bytes of `s` that is valid UTF-8 and holds
 * no C0 control (including TAB, CR, LF and ESC), no DEL, no C1 control (U+0080..U+009F), no
 * bidirectional override or isolate (U+202A..U+202E, U+2066..U+2069): each such character or
 * each invalid byte becomes '?' (a NUL among the `len` bytes is a C0 control, so it becomes
 * '?' too). NULL in gives NULL out. */
char *sanitize_ndup(const char *s, size_t len);
char *sanitize_dup(const char *s);

/* In-place variant over a NUL-terminated buffer; returns s. Replacement never grows. */
char *sanitize_inplace(char *s);

#endif
