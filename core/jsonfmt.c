/* JSON re-indented, and JSON as kubectl-style YAML, with every control character escaped. */
#include "core/jsonfmt.h"

#include "core/sanitize.h"

#include <jansson.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct jsonfmt_buf {
    char *s;
    size_t len, cap;
    bool ints_as_reals; /* the document was decoded with JSON_DECODE_INT_AS_REAL */
};

static void jsonfmt_put(struct jsonfmt_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > b->cap) {
            b->cap *= 2;
        }
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void jsonfmt_puts(struct jsonfmt_buf *b, const char *s)
{
    jsonfmt_put(b, s, strlen(s));
}

static void jsonfmt_putc(struct jsonfmt_buf *b, char c)
{
    jsonfmt_put(b, &c, 1);
}

static void jsonfmt_indent(struct jsonfmt_buf *b, int n)
{
    static const char spaces[] = "                                ";

    while (n > 0) {
        int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;

        jsonfmt_put(b, spaces, (size_t)k);
        n -= k;
    }
}

/* Decodes one character of valid UTF-8 (jansson has checked it); returns its length. */
static size_t jsonfmt_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;

    if (len > n) {
        *cp = s[0];
        return 1;
    }
    switch (len) {
    case 1:
        *cp = s[0];
        break;
    case 2:
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        break;
    case 3:
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        break;
    default:
        *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        break;
    }
    return len;
}

/* Characters never written raw: controls, and invisible ones that reorder or break lines. */
static bool jsonfmt_must_escape(uint32_t cp)
{
    return sanitize_forbidden(cp); /* the sanitizer's one rule */
}

/* Writes s[0..n) between double quotes with JSON escapes (also valid in YAML). */
static void jsonfmt_quoted(struct jsonfmt_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    jsonfmt_putc(b, '"');
    while (i < n) {
        uint32_t cp;
        size_t k = jsonfmt_decode(u + i, n - i, &cp);
        char esc[8];

        if (cp == '"' || cp == '\\') {
            esc[0] = '\\';
            esc[1] = (char)cp;
            jsonfmt_put(b, esc, 2);
        } else if (cp == '\n') {
            jsonfmt_puts(b, "\\n");
        } else if (cp == '\t') {
            jsonfmt_puts(b, "\\t");
        } else if (cp == '\r') {
            jsonfmt_puts(b, "\\r");
        } else if (cp == '\b') {
            jsonfmt_puts(b, "\\b");
        } else if (cp == '\f') {
            jsonfmt_puts(b, "\\f");
        } else if (jsonfmt_must_escape(cp)) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
            jsonfmt_puts(b, esc);
        } else {
            jsonfmt_put(b, s + i, k);
        }
        i += k;
    }
    jsonfmt_putc(b, '"');
}

/* The shortest %g form that reads back as v, with '.' as the decimal point whatever the
 * locale. With `point`, an integral result gets ".0" so it still reads as a real. */
static void jsonfmt_real(struct jsonfmt_buf *b, double v, bool point)
{
    const char *dp = localeconv()->decimal_point;
    char out[64], *at;

    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, sizeof out, "%.*g", prec, v);
        if (strtod(out, NULL) == v) {
            break;
        }
    }
    if (dp != NULL && strcmp(dp, ".") != 0 && dp[0] != '\0' &&
        (at = strstr(out, dp)) != NULL) {
        size_t dl = strlen(dp);

        *at = '.';
        memmove(at + 1, at + dl, strlen(at + dl) + 1);
    }
    if (point && strpbrk(out, ".eEn") == NULL) {
        strcat(out, ".0");
    }
    jsonfmt_puts(b, out);
}

/* Integers, and reals; a document decoded with ints as reals prints integral values bare. */
static void jsonfmt_number(struct jsonfmt_buf *b, const json_t *v, bool point)
{
    if (json_is_integer(v)) {
        char out[32];

        snprintf(out, sizeof out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        jsonfmt_puts(b, out);
        return;
    }
    jsonfmt_real(b, json_real_value(v), point && !b->ints_as_reals);
}

/* Parses the document; on failure sets *err. */
static json_t *jsonfmt_load(const char *json, size_t len, char **err, bool *ints_as_reals)
{
    json_error_t e;
    json_t *root;

    *ints_as_reals = false;
    if (err != NULL) {
        *err = NULL;
    }
    if (json == NULL) {
        json = "";
        len = 0;
    }
    root = json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (root == NULL && json_error_code(&e) == json_error_numeric_overflow) {
        root = json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL,
                          &e);
        *ints_as_reals = true;
    }
    if (root == NULL && err != NULL) {
        *err = xasprintf("line %d, column %d: %s", e.line, e.column, e.text);
    }
    return root;
}

/* ---- JSON ---- */

static void jsonfmt_json_value(struct jsonfmt_buf *b, json_t *v, int indent)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        void *it = json_object_iter(v);

        if (it == NULL) {
            jsonfmt_puts(b, "{}");
            return;
        }
        jsonfmt_puts(b, "{\n");
        while (it != NULL) {
            jsonfmt_indent(b, indent + 2);
            jsonfmt_quoted(b, json_object_iter_key(it), json_object_iter_key_len(it));
            jsonfmt_puts(b, ": ");
            jsonfmt_json_value(b, json_object_iter_value(it), indent + 2);
            it = json_object_iter_next(v, it);
            jsonfmt_puts(b, it != NULL ? ",\n" : "\n");
        }
        jsonfmt_indent(b, indent);
        jsonfmt_putc(b, '}');
        return;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);

        if (n == 0) {
            jsonfmt_puts(b, "[]");
            return;
        }
        jsonfmt_puts(b, "[\n");
        for (size_t i = 0; i < n; i++) {
            jsonfmt_indent(b, indent + 2);
            jsonfmt_json_value(b, json_array_get(v, i), indent + 2);
            jsonfmt_puts(b, i + 1 < n ? ",\n" : "\n");
        }
        jsonfmt_indent(b, indent);
        jsonfmt_putc(b, ']');
        return;
    }
    case JSON_STRING:
        jsonfmt_quoted(b, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
    case JSON_REAL:
        jsonfmt_number(b, v, true);
        return;
    case JSON_TRUE:
        jsonfmt_puts(b, "true");
        return;
    case JSON_FALSE:
        jsonfmt_puts(b, "false");
        return;
    case JSON_NULL:
        jsonfmt_puts(b, "null");
        return;
    }
}

/* ---- YAML ---- */

enum jsonfmt_style {
    STYLE_PLAIN,
    STYLE_SINGLE,
    STYLE_DOUBLE,
    STYLE_LITERAL,
};

static bool jsonfmt_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Does s[from..n) consist of at least one character of `set` (underscores allowed)? */
static bool jsonfmt_all_in(const char *s, size_t from, size_t n, const char *set)
{
    bool any = false;

    for (size_t i = from; i < n; i++) {
        if (s[i] == '_') {
            continue;
        }
        if (strchr(set, s[i]) == NULL) {
            return false;
        }
        any = true;
    }
    return any;
}

/* Would YAML (1.1 or 1.2) read s as a number? Errs on the side of yes. */
static bool jsonfmt_yaml_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;

    if (s[0] == '+' || s[0] == '-') {
        i++;
    }
    if (i == n) {
        return false;
    }
    if (n - i == 4 && s[i] == '.' &&
        (strncmp(s + i, ".inf", 4) == 0 || strncmp(s + i, ".Inf", 4) == 0 ||
         strncmp(s + i, ".INF", 4) == 0 || strncmp(s + i, ".nan", 4) == 0 ||
         strncmp(s + i, ".NaN", 4) == 0 || strncmp(s + i, ".NAN", 4) == 0)) {
        return true;
    }
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        return jsonfmt_all_in(s, i + 2, n, "0123456789abcdefABCDEF");
    }
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
        return jsonfmt_all_in(s, i + 2, n, "01234567");
    }
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
        return jsonfmt_all_in(s, i + 2, n, "01");
    }
    while (i < n && (jsonfmt_is_digit(s[i]) || s[i] == '_')) {
        digits += s[i] != '_';
        i++;
    }
    if (i < n && s[i] == ':' && digits > 0) {
        return jsonfmt_all_in(s, i, n, "0123456789:."); /* sexagesimal, 1:30 */
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && (jsonfmt_is_digit(s[i]) || s[i] == '_')) {
            digits += s[i] != '_';
            i++;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t start;

        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        start = i;
        while (i < n && jsonfmt_is_digit(s[i])) {
            i++;
        }
        if (i == start) {
            return false;
        }
    }
    return i == n;
}

/* Would YAML read s as something other than a string (null, a boolean, a number, a date)? */
static bool jsonfmt_yaml_typed(const char *s, size_t n)
{
    static const char *const words[] = {
        "~",     "null",  "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
        "y",     "Y",     "yes",  "Yes",  "YES",  "n",    "N",    "no",    "No",    "NO",
        "on",    "On",    "ON",   "off",  "Off",  "OFF",  "<<",   "=",
    };

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) {
            return true;
        }
    }
    if (jsonfmt_yaml_number(s, n)) {
        return true;
    }
    /* Dates and timestamps: 2023-07-11, 2023-07-11T03:31:41Z. */
    if (n >= 8 && jsonfmt_is_digit(s[0]) && jsonfmt_is_digit(s[1]) && jsonfmt_is_digit(s[2]) &&
        jsonfmt_is_digit(s[3]) && s[4] == '-' && jsonfmt_is_digit(s[5])) {
        size_t i = jsonfmt_is_digit(s[6]) ? 7 : 6;

        return i + 1 < n && s[i] == '-' && jsonfmt_is_digit(s[i + 1]);
    }
    return false;
}

/* Is s a string but not writable as a plain scalar? (s is one line, non-empty.) */
static bool jsonfmt_yaml_plain_unsafe(const char *s, size_t n)
{
    char c = s[0];

    if (strchr("#&*!|>'\"%@`,[]{}", c) != NULL) {
        return true;
    }
    if ((c == '-' || c == '?' || c == ':') && (n == 1 || s[1] == ' ')) {
        return true;
    }
    if (s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':') {
        return true;
    }
    if (n >= 3 && (strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0)) {
        return true;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if ((s[i] == ':' && s[i + 1] == ' ') || (s[i] == ' ' && s[i + 1] == '#')) {
            return true;
        }
    }
    return false;
}

static enum jsonfmt_style jsonfmt_yaml_style(const char *s, size_t n, bool key)
{
    const unsigned char *u = (const unsigned char *)s;
    bool nl = false;

    if (n == 0) {
        return STYLE_DOUBLE;
    }
    for (size_t i = 0; i < n;) {
        uint32_t cp;

        i += jsonfmt_decode(u + i, n - i, &cp);
        if (cp == '\n') {
            nl = true;
        } else if (jsonfmt_must_escape(cp)) {
            return STYLE_DOUBLE;
        }
    }
    if (nl) {
        /* A literal block needs a first line that fixes the indentation. */
        if (key || s[0] == '\n' || s[0] == ' ') {
            return STYLE_DOUBLE;
        }
        return STYLE_LITERAL;
    }
    if (jsonfmt_yaml_typed(s, n)) {
        return STYLE_DOUBLE;
    }
    return jsonfmt_yaml_plain_unsafe(s, n) ? STYLE_SINGLE : STYLE_PLAIN;
}

/* Writes a string in the style it needs. A literal block's lines go at indent + 2; the
 * caller ends the last line. */
static void jsonfmt_yaml_string(struct jsonfmt_buf *b, const char *s, size_t n, int indent,
                                bool key)
{
    switch (jsonfmt_yaml_style(s, n, key)) {
    case STYLE_PLAIN:
        jsonfmt_put(b, s, n);
        return;
    case STYLE_DOUBLE:
        jsonfmt_quoted(b, s, n);
        return;
    case STYLE_SINGLE:
        jsonfmt_putc(b, '\'');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\'') {
                jsonfmt_putc(b, '\'');
            }
            jsonfmt_putc(b, s[i]);
        }
        jsonfmt_putc(b, '\'');
        return;
    case STYLE_LITERAL: {
        size_t trailing = 0, body = n, start = 0;

        while (trailing < n && s[n - 1 - trailing] == '\n') {
            trailing++;
        }
        jsonfmt_puts(b, trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n");
        if (trailing > 0) {
            body--; /* the last newline ends the last line */
        }
        for (;;) {
            const char *nl = memchr(s + start, '\n', body - start);
            size_t end = nl != NULL ? (size_t)(nl - s) : body;

            if (end > start) {
                jsonfmt_indent(b, indent + 2);
                jsonfmt_put(b, s + start, end - start);
            }
            if (nl == NULL) {
                return;
            }
            jsonfmt_putc(b, '\n');
            start = end + 1;
        }
    }
    }
}

static void jsonfmt_yaml_map(struct jsonfmt_buf *b, json_t *obj, int indent, bool inline_first);
static void jsonfmt_yaml_seq(struct jsonfmt_buf *b, json_t *arr, int indent, bool inline_first);

static bool jsonfmt_nonempty(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v) > 0) ||
           (json_is_array(v) && json_array_size(v) > 0);
}

/* Writes a scalar (or an empty container) and ends its line. */
static void jsonfmt_yaml_scalar(struct jsonfmt_buf *b, json_t *v, int indent)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        jsonfmt_puts(b, "{}");
        break;
    case JSON_ARRAY:
        jsonfmt_puts(b, "[]");
        break;
    case JSON_STRING:
        jsonfmt_yaml_string(b, json_string_value(v), json_string_length(v), indent, false);
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        jsonfmt_number(b, v, false);
        break;
    case JSON_TRUE:
        jsonfmt_puts(b, "true");
        break;
    case JSON_FALSE:
        jsonfmt_puts(b, "false");
        break;
    case JSON_NULL:
        jsonfmt_puts(b, "null");
        break;
    }
    jsonfmt_putc(b, '\n');
}

/* Members at `indent`; with inline_first the first key continues the current line ("- "). */
static void jsonfmt_yaml_map(struct jsonfmt_buf *b, json_t *obj, int indent, bool inline_first)
{
    bool first = true;

    for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
        json_t *v = json_object_iter_value(it);

        if (!(first && inline_first)) {
            jsonfmt_indent(b, indent);
        }
        first = false;
        jsonfmt_yaml_string(b, json_object_iter_key(it), json_object_iter_key_len(it), indent,
                            true);
        jsonfmt_putc(b, ':');
        if (jsonfmt_nonempty(v) && json_is_object(v)) {
            jsonfmt_putc(b, '\n');
            jsonfmt_yaml_map(b, v, indent + 2, false);
        } else if (jsonfmt_nonempty(v)) {
            jsonfmt_putc(b, '\n');
            jsonfmt_yaml_seq(b, v, indent, false); /* kubectl: no extra indent for lists */
        } else {
            jsonfmt_putc(b, ' ');
            jsonfmt_yaml_scalar(b, v, indent);
        }
    }
}

static void jsonfmt_yaml_seq(struct jsonfmt_buf *b, json_t *arr, int indent, bool inline_first)
{
    size_t n = json_array_size(arr);

    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);

        if (!(i == 0 && inline_first)) {
            jsonfmt_indent(b, indent);
        }
        jsonfmt_puts(b, "- ");
        if (jsonfmt_nonempty(v) && json_is_object(v)) {
            jsonfmt_yaml_map(b, v, indent + 2, true);
        } else if (jsonfmt_nonempty(v)) {
            jsonfmt_yaml_seq(b, v, indent + 2, true);
        } else {
            jsonfmt_yaml_scalar(b, v, indent);
        }
    }
}

/* Removes the member at a dotted path ("metadata.managedFields") of root; true if it was
 * there. */
static bool jsonfmt_drop(json_t *root, const char *path)
{
    const char *dot;
    json_t *at = root;

    while ((dot = strchr(path, '.')) != NULL) {
        char key[128];

        if ((size_t)(dot - path) >= sizeof key) {
            return false;
        }
        memcpy(key, path, (size_t)(dot - path));
        key[dot - path] = '\0';
        at = json_object_get(at, key);
        path = dot + 1;
    }
    return json_is_object(at) && json_object_del(at, path) == 0;
}

char *jsonfmt_render(const char *json, size_t len, enum jsonfmt_format format,
                     const char *const *hide, size_t *nhidden, char **err)
{
    struct jsonfmt_buf b = {NULL, 0, 0, false};
    json_t *root = jsonfmt_load(json, len, err, &b.ints_as_reals);
    size_t n = 0;

    if (root == NULL) {
        return NULL;
    }
    for (size_t i = 0; hide != NULL && hide[i] != NULL; i++) {
        n += jsonfmt_drop(root, hide[i]);
    }
    if (nhidden != NULL) {
        *nhidden = n;
    }
    if (format == JSONFMT_JSON) {
        jsonfmt_json_value(&b, root, 0);
        jsonfmt_putc(&b, '\n');
    } else if (jsonfmt_nonempty(root) && json_is_object(root)) {
        jsonfmt_yaml_map(&b, root, 0, false);
    } else if (jsonfmt_nonempty(root)) {
        jsonfmt_yaml_seq(&b, root, 0, false);
    } else {
        jsonfmt_yaml_scalar(&b, root, 0);
    }
    json_decref(root);
    return b.s;
}

char *jsonfmt_pretty(const char *json, size_t len, char **err)
{
    return jsonfmt_render(json, len, JSONFMT_JSON, NULL, NULL, err);
}

char *jsonfmt_yaml(const char *json, size_t len, char **err)
{
    return jsonfmt_render(json, len, JSONFMT_YAML, NULL, NULL, err);
}
