#include "sim/fields.h"

#include <stdio.h>
#include <string.h>

static void json_put(struct field_sink *sink, const struct field *f)
{
    struct field_json *j = (struct field_json *)sink;
    json_t *v = NULL;
    char num[24];

    switch (f->kind) {
    case FIELD_STR:
        v = json_string(f->s);
        break;
    case FIELD_INT:
        v = json_integer((json_int_t)f->i);
        break;
    case FIELD_QINT:
        snprintf(num, sizeof num, "%lld", (long long)f->i);
        v = json_string(num);
        break;
    case FIELD_INTS:
        v = json_array();
        for (size_t i = 0; i < f->n; i++) {
            json_array_append_new(v, json_integer((json_int_t)f->ints[i]));
        }
        break;
    case FIELD_BOOL:
        v = json_boolean(f->i);
        break;
    case FIELD_REAL:
        v = json_real(f->r);
        break;
    case FIELD_OBJECT:
        v = json_object();
        break;
    case FIELD_ARRAY:
        v = json_array();
        break;
    case FIELD_END:
        j->depth--;
        return;
    }
    if (f->key != NULL) {
        json_object_set_new(j->open[j->depth - 1], f->key, v);
    } else {
        json_array_append_new(j->open[j->depth - 1], v);
    }
    if ((f->kind == FIELD_OBJECT || f->kind == FIELD_ARRAY) && j->depth < FIELD_JSON_DEPTH) {
        j->open[j->depth++] = v;
    }
}

json_t *field_json_init(struct field_json *j)
{
    memset(j, 0, sizeof *j);
    j->sink.put = json_put;
    j->open[0] = json_object();
    j->depth = 1;
    return j->open[0];
}

bool field_text_value(struct jbuf *b, const struct field *f)
{
    char num[40];
    int n;

    switch (f->kind) {
    case FIELD_STR:
        jbuf_put_str(b, f->s);
        return true;
    case FIELD_INT:
        jbuf_put_i64(b, f->i);
        return true;
    case FIELD_QINT:
        jbuf_putc(b, '"');
        jbuf_put_i64(b, f->i);
        jbuf_putc(b, '"');
        return true;
    case FIELD_INTS:
        jbuf_putc(b, '[');
        for (size_t i = 0; i < f->n; i++) {
            if (i > 0) {
                jbuf_putc(b, ',');
            }
            jbuf_put_i64(b, f->ints[i]);
        }
        jbuf_putc(b, ']');
        return true;
    case FIELD_BOOL:
        if (f->i) {
            JB_LIT(b, "true");
        } else {
            JB_LIT(b, "false");
        }
        return true;
    case FIELD_REAL:
        n = snprintf(num, sizeof num, "%.17g", f->r);
        jbuf_put(b, num, (size_t)n);
        if (strpbrk(num, ".eE") == NULL) {
            JB_LIT(b, ".0");
        }
        return true;
    case FIELD_OBJECT:
    case FIELD_ARRAY:
    case FIELD_END:
        break;
    }
    return false;
}
