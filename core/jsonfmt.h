/* Text renderings of one JSON document for the pager: re-indented JSON for `y` and a
 * kubectl-like YAML for reading. Keys keep their order in the document. No control character
 * ever comes out raw: inside strings they are escapes (an ESC is the six characters \u001b),
 * so the result is safe for the terminal as it is, apart from its newlines.
 *
 * Both accept any JSON value at the top (not only objects) and at most the nesting depth
 * jansson accepts. Integers too big for 64 bits are shown as floating point. */
#ifndef GC_CORE_JSONFMT_H
#define GC_CORE_JSONFMT_H

#include <stdbool.h>
#include <stddef.h>

/* Re-indents `json` (len bytes, need not be NUL-terminated) with two spaces, one member or
 * element a line, `"key": value`, `{}` and `[]` for empty containers, ending in a newline.
 * Strings are re-escaped: \" \\ \b \f \n \r \t, \u00XX (lower-case hex) for the other C0
 * controls and DEL, \u0080..\u009f, and \u202a..\u202e, \u2066..\u2069, \u2028, \u2029,
 * \ufeff; everything else is UTF-8 as is. Numbers print as integers, or as the shortest
 * decimal that reads back as the same double (always with a '.' or an exponent).
 * Returns the text (caller frees), or NULL with *err set (caller frees) to
 * "line L, column C: message" when the input is not JSON. `err` may be NULL. */
char *jsonfmt_pretty(const char *json, size_t len, char **err);

/* Renders `json` as YAML the way `kubectl get -o yaml` lays it out, keys in document order:
 *   key: value            maps; nested maps indented two spaces
 *   key:\n- item          lists under a key at the key's indentation, `- ` per item, a map
 *                         item's first key on the dash line
 *   {} [] null true 3 1.5 empty containers and scalars
 * Strings are plain when YAML reads them back as the same string, otherwise:
 *   "..."  when they would read as something else (empty, null/~, true/false/yes/no/on/off/
 *          y/n, numbers in any YAML 1.1 form, dates), or hold a control character (escaped
 *          as in jsonfmt_pretty, \n as \n);
 *   '...'  when they are strings but plain syntax cannot hold them (leading or trailing
 *          space, a leading indicator such as - ? : , [ ] { } # & * ! | > ' " % @ `,
 *          ": " or " #" inside, a trailing ':');
 *   |  |-  |+  literal blocks for multi-line strings (by how many newlines end them),
 *          indented two spaces deeper, unless a control character or leading space on the
 *          first line forces "...".
 * Returns the text (caller frees), or NULL with *err as for jsonfmt_pretty(). */
char *jsonfmt_yaml(const char *json, size_t len, char **err);

enum jsonfmt_format { JSONFMT_JSON, JSONFMT_YAML };

/* Either of the above, without the members at the dotted paths in `hide` (NULL-terminated,
 * may be NULL; "metadata.managedFields"); *nhidden (may be NULL) gets how many were there. */
char *jsonfmt_render(const char *json, size_t len, enum jsonfmt_format format,
                     const char *const *hide, size_t *nhidden, char **err);

#endif
