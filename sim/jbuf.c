#include "sim/jbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/sim_util.h"

void jbuf_init(struct jbuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void jbuf_fini(struct jbuf *b)
{
    free(b->data);
    jbuf_init(b);
}

void jbuf_reset(struct jbuf *b)
{
    b->len = 0;
}

char *jbuf_steal(struct jbuf *b, size_t *len)
{
    jbuf_reserve(b, 1);
    b->data[b->len] = '\0';
    char *p = b->data;
    if (len) {
        *len = b->len;
    }
    jbuf_init(b);
    return p;
}

void jbuf_reserve(struct jbuf *b, size_t n)
{
    if (b->len + n <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) {
        cap *= 2;
    }
    b->data = sim_xrealloc(b->data, cap);
    b->cap = cap;
}

void jbuf_put(struct jbuf *b, const void *p, size_t n)
{
    jbuf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void jbuf_putc(struct jbuf *b, char c)
{
    jbuf_reserve(b, 1);
    b->data[b->len++] = c;
}

void jbuf_puts(struct jbuf *b, const char *s)
{
    jbuf_put(b, s, strlen(s));
}

void jbuf_printf(struct jbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) {
        return;
    }
    jbuf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void jbuf_put_u64(struct jbuf *b, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    jbuf_put(b, tmp + i, (size_t)(24 - i));
}

void jbuf_put_i64(struct jbuf *b, int64_t v)
{
    if (v < 0) {
        jbuf_putc(b, '-');
        jbuf_put_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        jbuf_put_u64(b, (uint64_t)v);
    }
}

void jbuf_put_qu64(struct jbuf *b, uint64_t v)
{
    jbuf_putc(b, '"');
    jbuf_put_u64(b, v);
    jbuf_putc(b, '"');
}

void jbuf_put_time(struct jbuf *b, int64_t t)
{
    char ts[21];
    sim_format_time(t, ts);
    jbuf_reserve(b, 22);
    b->data[b->len++] = '"';
    memcpy(b->data + b->len, ts, 20);
    b->len += 20;
    b->data[b->len++] = '"';
}

static const char hexdig[] = "0123456789abcdef";

void jbuf_put_strn(struct jbuf *b, const char *s, size_t n)
{
    /* Worst case every byte becomes \u00XX. */
    jbuf_reserve(b, n * 6 + 2);
    char *o = b->data + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hexdig[c >> 4];
            *o++ = hexdig[c & 15];
            break;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
}

void jbuf_put_str(struct jbuf *b, const char *s)
{
    jbuf_put_strn(b, s, strlen(s));
}
