/* Escaping what goes into LDAP text: a value in a search filter (RFC 4515) and a value in a
 * distinguished name (RFC 4514). Every user name, DN and tenant name the console puts in a
 * filter or a DN passes through one of these, so that `*)(uid=*` is a name, never a filter. */
#ifndef GC_CORE_DIRECTORY_ESCAPE_H
#define GC_CORE_DIRECTORY_ESCAPE_H

#include <stddef.h>

/* `len` bytes of `s` (NUL bytes included) as an assertion value for a filter: `*`, `(`, `)`,
 * `\`, NUL and every other control byte (below 0x20, and 0x7f) as `\XX` (two lower-case hex
 * digits); other bytes as they are. Caller frees. */
char *dir_filter_escape(const char *s, size_t len);

/* `len` bytes of `s` as an attribute value in a DN (`cn=VALUE,...`): `"` `+` `,` `;` `<` `>`
 * `=` and `\` behind a backslash, a leading space or `#` and a trailing space likewise, NUL
 * and every other control byte as `\XX`. An empty value stays empty. Caller frees. */
char *dir_dn_escape(const char *s, size_t len);

#endif
