/* A growable byte buffer with the few JSON writers the simulator needs. The hot paths
 * (pod lists of 50,000 items) render through here rather than through jansson trees. */
#ifndef GC_SIM_JBUF_H
#define GC_SIM_JBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jbuf {
    char *data;
    size_t len;
    size_t cap;
};

/* Embedded buffer: jbuf_init before use, jbuf_fini to release. */
void jbuf_init(struct jbuf *b);
void jbuf_fini(struct jbuf *b);
/* Drops the content, keeps the storage. */
void jbuf_reset(struct jbuf *b);
/* Hands the NUL-terminated content to the caller (caller frees) and empties b. */
char *jbuf_steal(struct jbuf *b, size_t *len);
/* Makes room for n more bytes. */
void jbuf_reserve(struct jbuf *b, size_t n);

/* Append n bytes, one character, a C string, formatted text. */
void jbuf_put(struct jbuf *b, const void *p, size_t n);
void jbuf_putc(struct jbuf *b, char c);
void jbuf_puts(struct jbuf *b, const char *s);
void jbuf_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decimal integers. */
void jbuf_put_u64(struct jbuf *b, uint64_t v);
void jbuf_put_i64(struct jbuf *b, int64_t v);
/* A JSON string literal with quotes, escaped as Go's encoding/json does
 * (control characters as \u00XX, and <, >, & as \u003c, \u003e, \u0026). */
void jbuf_put_str(struct jbuf *b, const char *s);
void jbuf_put_strn(struct jbuf *b, const char *s, size_t n);
/* A quoted decimal string, as resourceVersion is: "123". */
void jbuf_put_qu64(struct jbuf *b, uint64_t v);
/* A quoted RFC 3339 timestamp "2024-01-02T03:04:05Z". */
void jbuf_put_time(struct jbuf *b, int64_t t);

/* Appends a string literal (its size known at compile time). */
#define JB_LIT(b, lit) jbuf_put((b), (lit), sizeof(lit) - 1)

#endif
