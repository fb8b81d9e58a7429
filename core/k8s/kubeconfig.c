/* kubeconfig loading with libyaml: the files merged as kubectl merges them, then the selected
 * context's cluster, namespace and credentials. */
#include "core/k8s/kubeconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

#define KC_MAX_FILE (4u << 20)  /* a kubeconfig larger than this is refused */
#define KC_MAX_TOKEN (1u << 20) /* likewise a tokenFile */

/* One file of the merged set. */
struct kc_file {
    char *name; /* as given (a $KUBECONFIG entry, the path argument): errors name it */
    char *abs;  /* absolute and cleaned: a file listed twice is read once */
    char *dir;  /* absolute directory: the file's relative paths resolve against it */
    yaml_document_t doc;
    bool parsed; /* doc holds a document to delete */
};

/* One load: the files in precedence order, the file being read and the first error. */
struct kc {
    struct kc_file *files;
    size_t nfiles;
    struct kc_file *cur; /* whose nodes are being read; NULL when a problem is the whole set's */
    char *err;           /* the first error, owned */
};

/* The files' names joined with ':' as in $KUBECONFIG. Caller frees. */
static char *kc_names(const struct kc *k)
{
    size_t len = 1;
    char *out, *w;

    for (size_t i = 0; i < k->nfiles; i++) {
        len += strlen(k->files[i].name) + 1;
    }
    out = w = xmalloc(len);
    *w = '\0';
    for (size_t i = 0; i < k->nfiles; i++) {
        w += sprintf(w, "%s%s", i > 0 ? ":" : "", k->files[i].name);
    }
    return out;
}

/* Records the first error: "FILE:LINE: msg" when a node is known, else "kubeconfig FILE: msg",
 * FILE being the current file (all the files, joined with ':', when there is none).
 * The message is sanitized (it quotes names from the file). Returns -1. */
static int kc_fail(struct kc *k, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int kc_fail(struct kc *k, const yaml_node_t *at, const char *fmt, ...)
{
    va_list ap, ap2;
    char *msg, *names;
    int n;

    if (k->err != NULL) {
        return -1;
    }
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    names = k->cur != NULL ? xstrdup(k->cur->name) : kc_names(k);
    if (at != NULL) {
        k->err = xasprintf("%s:%lu: %s", names, (unsigned long)at->start_mark.line + 1, msg);
    } else {
        k->err = xasprintf("kubeconfig %s: %s", names, msg);
    }
    free(names);
    free(msg);
    sanitize_inplace(k->err);
    return -1;
}

/* The text for errno value `errnum` (in buf if needed); "no such file" for ENOENT. */
static const char *kc_strerror(int errnum, char *buf, size_t size)
{
    if (errnum == ENOENT) {
        return "no such file";
    }
    if (strerror_r(errnum, buf, size) != 0) {
        snprintf(buf, size, "error %d", errnum);
    }
    return buf;
}

/* Reads a whole regular file of at most `max` bytes into *data (NUL-terminated, caller frees).
 * Returns 0, or an errno value (EFBIG when too large, EISDIR when not a regular file). */
static int kc_read_file(const char *path, size_t max, char **data, size_t *len)
{
    struct stat st;
    char *buf;
    size_t have = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return errno;
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;

        close(fd);
        return e;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return EISDIR;
    }
    if ((uintmax_t)st.st_size > max) {
        close(fd);
        return EFBIG;
    }
    buf = xmalloc(max + 1);
    for (;;) {
        ssize_t r = read(fd, buf + have, max + 1 - have);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            int e = errno;

            free(buf);
            close(fd);
            return e;
        }
        if (r == 0) {
            break;
        }
        have += (size_t)r;
        if (have > max) {
            free(buf);
            close(fd);
            return EFBIG;
        }
    }
    close(fd);
    buf[have] = '\0';
    *data = xrealloc(buf, have + 1);
    *len = have;
    return 0;
}

/* Removes "." and ".." components and doubled slashes from an absolute path, in place. */
static void kc_clean_path(char *path)
{
    char *r = path, *w = path;

    while (*r != '\0') {
        char *end;
        size_t n;

        while (*r == '/') {
            r++;
        }
        if (*r == '\0') {
            break;
        }
        end = strchr(r, '/');
        n = end != NULL ? (size_t)(end - r) : strlen(r);
        if (n == 1 && r[0] == '.') {
            /* skip */
        } else if (n == 2 && r[0] == '.' && r[1] == '.') {
            while (w > path && *--w != '/') {
            }
        } else {
            *w++ = '/';
            memmove(w, r, n);
            w += n;
        }
        r += n;
    }
    if (w == path) {
        *w++ = '/';
    }
    *w = '\0';
}

/* The current directory (caller frees), "/" if it cannot be found. */
static char *kc_getcwd(void)
{
    size_t size = 256;

    for (;;) {
        char *buf = xmalloc(size);

        if (getcwd(buf, size) != NULL) {
            return buf;
        }
        free(buf);
        if (errno != ERANGE || size > (1u << 20)) {
            return xstrdup("/");
        }
        size *= 2;
    }
}

/* `rel` made absolute against directory `dir` and cleaned. Caller frees. */
static char *kc_resolve(const char *dir, const char *rel)
{
    char *p = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);

    kc_clean_path(p);
    return p;
}

/* `file` made absolute against the current directory and cleaned. Caller frees. */
static char *kc_abs(const char *file)
{
    char *cwd = file[0] == '/' ? NULL : kc_getcwd();
    char *abs = kc_resolve(cwd != NULL ? cwd : "/", file);

    free(cwd);
    return abs;
}

/* The directory holding the absolute, cleaned path `abs`. Caller frees. */
static char *kc_dir_of(const char *abs)
{
    char *dir = xstrdup(abs);
    char *slash = strrchr(dir, '/');

    if (slash == dir) {
        slash[1] = '\0';
    } else {
        *slash = '\0';
    }
    return dir;
}

/* The node at `index` in the current file's document. */
static yaml_node_t *kc_node(struct kc *k, int index)
{
    return yaml_document_get_node(&k->cur->doc, index);
}

/* The current file's top-level node, NULL for a file without a document (empty). */
static yaml_node_t *kc_root(struct kc *k)
{
    return yaml_document_get_root_node(&k->cur->doc);
}

/* True for an absent value or YAML null (~, null, or nothing). */
static bool kc_is_null(const yaml_node_t *n)
{
    const char *v;

    if (n == NULL) {
        return true;
    }
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return false;
    }
    v = (const char *)n->data.scalar.value;
    return n->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *kc_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        return "a scalar";
    }
}

/* The value under `key` in mapping `map`, NULL if absent or null. */
static yaml_node_t *kc_get(struct kc *k, const yaml_node_t *map, const char *key)
{
    size_t klen = strlen(key);

    if (map == NULL || map->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *kn = kc_node(k, p->key);

        if (kn != NULL && kn->type == YAML_SCALAR_NODE && kn->data.scalar.length == klen &&
            memcmp(kn->data.scalar.value, key, klen) == 0) {
            yaml_node_t *v = kc_node(k, p->value);

            return kc_is_null(v) ? NULL : v;
        }
    }
    return NULL;
}

/* map[key] as a string: *out is a copy (caller frees) or NULL when absent or empty.
 * Plain numbers and booleans count as strings, as kubectl's decoder converts them.
 * Returns 0, or -1 with the error set. */
static int kc_str(struct kc *k, const yaml_node_t *map, const char *key, const char *path,
                  char **out)
{
    yaml_node_t *v = kc_get(k, map, key);
    const char *dot = path[0] != '\0' ? "." : "";

    *out = NULL;
    if (v == NULL) {
        return 0;
    }
    if (v->type != YAML_SCALAR_NODE) {
        return kc_fail(k, v, "%s%s%s: expected a string, got %s", path, dot, key, kc_kind(v));
    }
    if (memchr(v->data.scalar.value, '\0', v->data.scalar.length) != NULL) {
        return kc_fail(k, v, "%s%s%s: contains a NUL character", path, dot, key);
    }
    if (v->data.scalar.length > 0) {
        *out = xstrndup((const char *)v->data.scalar.value, v->data.scalar.length);
    }
    return 0;
}

/* map[key] as a YAML 1.1 boolean (kubectl's decoder); absent is false. Returns 0 or -1. */
static int kc_bool(struct kc *k, const yaml_node_t *map, const char *key, const char *path,
                   bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                      "on",   "On",   "ON",   "y",   "Y"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
                                     "off",   "Off",   "OFF",   "n",  "N"};
    yaml_node_t *v = kc_get(k, map, key);
    const char *s;

    *out = false;
    if (v == NULL) {
        return 0;
    }
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        s = (const char *)v->data.scalar.value;
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
            if (strcmp(s, yes[i]) == 0) {
                *out = true;
                return 0;
            }
            if (strcmp(s, no[i]) == 0) {
                return 0;
            }
        }
    }
    return kc_fail(k, v, "%s.%s: expected true or false, got %s", path, key,
                   v->type == YAML_SCALAR_NODE ? "a string" : kc_kind(v));
}

/* The three top-level lists and the key of each entry's body. */
static const char *const kc_lists[][2] = {
    {"clusters", "cluster"},
    {"contexts", "context"},
    {"users", "user"},
};

/* Checks, in the current file, what kubectl's decoder rejects wherever it is: the top level
 * is a mapping, current-context a string, and clusters, contexts and users are lists of
 * mappings whose name is a string, unique in the list, and whose body is a mapping.
 * Fields inside the bodies are checked when an entry is used. Returns 0 or -1. */
static int kc_check_file(struct kc *k)
{
    yaml_node_t *root = kc_root(k);
    char *cc = NULL;

    if (root == NULL) {
        return 0;
    }
    if (root->type != YAML_MAPPING_NODE) {
        return kc_fail(k, root, "not a kubeconfig: expected a mapping at the top level, got %s",
                       kc_kind(root));
    }
    if (kc_str(k, root, "current-context", "", &cc) != 0) {
        return -1;
    }
    free(cc);
    for (size_t l = 0; l < sizeof(kc_lists) / sizeof(kc_lists[0]); l++) {
        const char *list = kc_lists[l][0], *body_key = kc_lists[l][1];
        yaml_node_t *seq = kc_get(k, root, list);
        size_t count;
        char **names;
        int rc = 0;

        if (seq == NULL) {
            continue;
        }
        if (seq->type != YAML_SEQUENCE_NODE) {
            return kc_fail(k, seq, "%s: expected a list, got %s", list, kc_kind(seq));
        }
        count = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
        names = xcalloc(count + 1, sizeof(*names));
        for (size_t i = 0; i < count && rc == 0; i++) {
            yaml_node_t *item = kc_node(k, seq->data.sequence.items.start[i]);
            yaml_node_t *body;
            char path[64];

            snprintf(path, sizeof(path), "%s[%zu]", list, i);
            if (item == NULL || item->type != YAML_MAPPING_NODE) {
                rc = kc_fail(k, item != NULL ? item : seq, "%s: expected a mapping, got %s", path,
                             item != NULL ? kc_kind(item) : "nothing");
                break;
            }
            if (kc_str(k, item, "name", path, &names[i]) != 0) {
                rc = -1;
                break;
            }
            body = kc_get(k, item, body_key);
            if (body != NULL && body->type != YAML_MAPPING_NODE) {
                rc = kc_fail(k, body, "%s.%s: expected a mapping, got %s", path, body_key,
                             kc_kind(body));
                break;
            }
            for (size_t j = 0; j < i && names[i] != NULL; j++) {
                if (names[j] != NULL && strcmp(names[j], names[i]) == 0) {
                    rc = kc_fail(k, item, "%s: duplicate name %s (also %s[%zu])", path, names[i],
                                 list, j);
                    break;
                }
            }
        }
        for (size_t i = 0; i < count; i++) {
            free(names[i]);
        }
        free(names);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

/* Finds the entry named `name` in the current file's top-level list `list` (clusters,
 * contexts, users), whose structure kc_check_file() accepted. Sets *index and *item.
 * Returns true when found. */
static bool kc_find(struct kc *k, const char *list, const char *name, size_t *index,
                    yaml_node_t **item)
{
    yaml_node_t *seq = kc_get(k, kc_root(k), list);
    size_t i = 0;

    if (seq == NULL || seq->type != YAML_SEQUENCE_NODE) {
        return false;
    }
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++, i++) {
        yaml_node_t *n = kc_get(k, kc_node(k, *it), "name");

        if (n != NULL && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(name) &&
            memcmp(n->data.scalar.value, name, n->data.scalar.length) == 0) {
            *index = i;
            *item = kc_node(k, *it);
            return true;
        }
    }
    return false;
}

/* Finds `name` in the top-level list `list` of the files in order: the first file that
 * defines it wins, whole (kubectl's merge). When found, k->cur becomes that file, *inner is
 * the entry's body (`body_key`: cluster, context, user) and *index its place in the file's
 * list; returns 0. Returns 1 when no file defines it (k->cur unchanged), -1 when the entry
 * has no body (error set). */
static int kc_lookup(struct kc *k, const char *list, const char *body_key, const char *name,
                     size_t *index, yaml_node_t **inner)
{
    struct kc_file *was = k->cur;

    for (size_t f = 0; f < k->nfiles; f++) {
        yaml_node_t *item;

        k->cur = &k->files[f];
        if (!kc_find(k, list, name, index, &item)) {
            continue;
        }
        *inner = kc_get(k, item, body_key);
        if (*inner == NULL) {
            return kc_fail(k, item, "%s[%zu].%s: missing", list, *index, body_key);
        }
        return 0;
    }
    k->cur = was;
    return 1;
}

static int kc_b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

/* Decodes standard base64 (whitespace ignored, padding optional) into a NUL-terminated
 * string (caller frees). Returns NULL if the input is not base64 or decodes to bytes
 * containing NUL (it must be PEM text). */
static char *kc_base64_text(const char *in)
{
    size_t len = strlen(in), w = 0;
    char *out = xmalloc(len / 4 * 3 + 4);
    uint32_t acc = 0;
    int bits = 0, pad = 0;

    for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++) {
        int v;

        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            continue;
        }
        if (*p == '=') {
            pad++;
            continue;
        }
        v = kc_b64_value(*p);
        if (v < 0 || pad > 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[w++] = (char)((acc >> bits) & 0xFF);
        }
    }
    /* 6 leftover bits cannot come from whole bytes; more than two '=' is never valid */
    if (bits >= 6 || pad > 2 || memchr(out, '\0', w) != NULL) {
        free(out);
        return NULL;
    }
    out[w] = '\0';
    return out;
}

/* Replaces *value (a base64 field) by its decoded text. Returns 0 or -1. */
static int kc_decode_field(struct kc *k, const yaml_node_t *map, const char *key, const char *path,
                           char **value)
{
    char *decoded;

    if (*value == NULL) {
        return 0;
    }
    decoded = kc_base64_text(*value);
    free(*value);
    *value = decoded;
    if (decoded == NULL) {
        return kc_fail(k, kc_get(k, map, key), "%s.%s: not base64-encoded PEM text", path, key);
    }
    return 0;
}

/* Makes *value (a path field) absolute against the directory of the current file (the one
 * that defined the entry) and checks that the file can be read. Returns 0 or -1. */
static int kc_path_field(struct kc *k, const yaml_node_t *map, const char *key, const char *path,
                         char **value)
{
    char *abs;
    char ebuf[128];

    if (*value == NULL) {
        return 0;
    }
    abs = kc_resolve(k->cur->dir, *value);
    free(*value);
    *value = abs;
    if (access(abs, R_OK) != 0) {
        return kc_fail(k, kc_get(k, map, key), "%s.%s: cannot read %s: %s", path, key, abs,
                       kc_strerror(errno, ebuf, sizeof(ebuf)));
    }
    return 0;
}

/* Fails when both `file_key` and `data_key` are set in `map` (kubectl refuses the pair). */
static int kc_one_of(struct kc *k, const yaml_node_t *map, const char *path, const char *file_key,
                     const char *file, const char *data_key, const char *data)
{
    if (file != NULL && data != NULL) {
        return kc_fail(k, map, "%s: %s and %s are both set; use one", path, file_key, data_key);
    }
    return 0;
}

/* The cluster part of the target, from the first file that defines the context's cluster. */
static int kc_load_cluster(struct kc *k, struct kube_target *t)
{
    yaml_node_t *cl = NULL;
    size_t idx = 0;
    char path[64];
    size_t n;
    int rc = kc_lookup(k, "clusters", "cluster", t->cluster, &idx, &cl);

    if (rc < 0) {
        return -1;
    }
    if (rc > 0) {
        return kc_fail(k, NULL, "context %s: cluster %s not found", t->context, t->cluster);
    }
    snprintf(path, sizeof(path), "clusters[%zu].cluster", idx);
    if (kc_str(k, cl, "server", path, &t->server) != 0 ||
        kc_str(k, cl, "certificate-authority", path, &t->ca_file) != 0 ||
        kc_str(k, cl, "certificate-authority-data", path, &t->ca_data) != 0 ||
        kc_bool(k, cl, "insecure-skip-tls-verify", path, &t->insecure) != 0) {
        return -1;
    }
    if (t->server == NULL) {
        return kc_fail(k, cl, "%s.server: missing", path);
    }
    if (strncmp(t->server, "https://", 8) != 0 && strncmp(t->server, "http://", 7) != 0) {
        /* "user:password@host" would put a password in the message */
        return kc_fail(k, kc_get(k, cl, "server"),
                       "%s.server: expected an https:// or http:// URL, got \"%s\"", path,
                       strchr(t->server, '@') != NULL ? "(a value with '@')" : t->server);
    }
    n = strlen(t->server);
    while (n > 0 && t->server[n - 1] == '/') {
        t->server[--n] = '\0';
    }
    if (t->insecure && (t->ca_file != NULL || t->ca_data != NULL)) {
        return kc_fail(
            k, cl, "%s: insecure-skip-tls-verify cannot be combined with a certificate-authority",
            path);
    }
    if (kc_one_of(k, cl, path, "certificate-authority", t->ca_file, "certificate-authority-data",
                  t->ca_data) != 0 ||
        kc_decode_field(k, cl, "certificate-authority-data", path, &t->ca_data) != 0 ||
        kc_path_field(k, cl, "certificate-authority", path, &t->ca_file) != 0) {
        return -1;
    }
    return 0;
}

/* Reads users[].user.tokenFile of `user` into t->token: one line break at the end is
 * dropped, any other CR or LF refuses the file (the token goes into an HTTP header), and
 * spaces and tabs around it are trimmed. Returns 0 or -1. */
static int kc_read_token_file(struct kc *k, const yaml_node_t *u, const char *path,
                              const char *user, const char *file, struct kube_target *t)
{
    char ebuf[128];
    char *data = NULL, *start, *end;
    size_t len = 0;
    int e = kc_read_file(file, KC_MAX_TOKEN, &data, &len);

    if (e != 0) {
        return kc_fail(k, kc_get(k, u, "tokenFile"), "%s.tokenFile: cannot read %s: %s", path, file,
                       e == EFBIG ? "file too large" : kc_strerror(e, ebuf, sizeof(ebuf)));
    }
    if (memchr(data, '\0', len) != NULL) {
        free(data);
        return kc_fail(k, kc_get(k, u, "tokenFile"), "%s.tokenFile: %s holds no token", path, file);
    }
    end = data + len;
    if (end > data && end[-1] == '\n') {
        end--;
        if (end > data && end[-1] == '\r') {
            end--;
        }
    }
    if (memchr(data, '\r', (size_t)(end - data)) != NULL ||
        memchr(data, '\n', (size_t)(end - data)) != NULL) {
        free(data);
        return kc_fail(k, kc_get(k, u, "tokenFile"),
                       "%s.tokenFile of user %s: %s holds a line break (CR or LF) other than "
                       "one at its end, which cannot go into an HTTP header",
                       path, user, file);
    }
    start = data;
    while (start < end && (*start == ' ' || *start == '\t')) {
        start++;
    }
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    if (end == start) {
        free(data);
        return kc_fail(k, kc_get(k, u, "tokenFile"), "%s.tokenFile: %s holds no token", path, file);
    }
    t->token = xstrndup(start, (size_t)(end - start));
    free(data);
    return 0;
}

/* Refuses a credential of `user` (users[].user.KEY, `value` NULL when absent) that holds a CR
 * or LF: it goes into an HTTP header. The message names the entry, never the value. Returns
 * 0 or -1. */
static int kc_header_value(struct kc *k, const yaml_node_t *u, const char *path, const char *user,
                           const char *key, const char *value)
{
    if (value == NULL || strpbrk(value, "\r\n") == NULL) {
        return 0;
    }
    return kc_fail(k, kc_get(k, u, key),
                   "%s.%s of user %s: holds a line break (CR or LF), which cannot go into an "
                   "HTTP header",
                   path, key, user);
}

/* The user part of the target, from the first file that defines `user` (the context's). */
static int kc_load_user(struct kc *k, const char *user, struct kube_target *t)
{
    static const char *const imperson[] = {"as", "as-uid", "as-groups", "as-user-extra"};
    yaml_node_t *u = NULL, *ap;
    size_t idx = 0;
    char path[64];
    char *token_file = NULL;
    int rc = kc_lookup(k, "users", "user", user, &idx, &u);

    if (rc < 0) {
        return -1;
    }
    if (rc > 0) {
        return kc_fail(k, NULL, "context %s: user %s not found", t->context, user);
    }
    snprintf(path, sizeof(path), "users[%zu].user", idx);
    if (kc_get(k, u, "exec") != NULL) {
        return kc_fail(k, NULL, "context %s: user %s uses exec, which is not supported", t->context,
                       user);
    }
    ap = kc_get(k, u, "auth-provider");
    if (ap != NULL) {
        char *ap_name = NULL;

        if (kc_str(k, ap, "name", "auth-provider", &ap_name) != 0) {
            return -1;
        }
        kc_fail(k, NULL, "context %s: user %s uses auth-provider %s, which is not supported",
                t->context, user, ap_name != NULL ? ap_name : "(unnamed)");
        free(ap_name);
        return -1;
    }
    for (size_t i = 0; i < sizeof(imperson) / sizeof(imperson[0]); i++) {
        if (kc_get(k, u, imperson[i]) != NULL) {
            return kc_fail(k, NULL,
                           "context %s: user %s uses impersonation (%s), which is not supported",
                           t->context, user, imperson[i]);
        }
    }
    if (kc_str(k, u, "token", path, &t->token) != 0 ||
        kc_str(k, u, "tokenFile", path, &token_file) != 0 ||
        kc_str(k, u, "username", path, &t->username) != 0 ||
        kc_str(k, u, "password", path, &t->password) != 0 ||
        kc_str(k, u, "client-certificate", path, &t->client_cert) != 0 ||
        kc_str(k, u, "client-certificate-data", path, &t->client_cert_data) != 0 ||
        kc_str(k, u, "client-key", path, &t->client_key) != 0 ||
        kc_str(k, u, "client-key-data", path, &t->client_key_data) != 0 ||
        kc_header_value(k, u, path, user, "token", t->token) != 0 ||
        kc_header_value(k, u, path, user, "username", t->username) != 0 ||
        kc_header_value(k, u, path, user, "password", t->password) != 0) {
        free(token_file);
        return -1;
    }
    if ((t->token != NULL || token_file != NULL) && (t->username != NULL || t->password != NULL)) {
        free(token_file);
        return kc_fail(
            k, u, "%s: more than one authentication method (token and username/password)", path);
    }
    if (kc_one_of(k, u, path, "client-certificate", t->client_cert, "client-certificate-data",
                  t->client_cert_data) != 0 ||
        kc_one_of(k, u, path, "client-key", t->client_key, "client-key-data", t->client_key_data) !=
            0) {
        free(token_file);
        return -1;
    }
    if ((t->client_cert != NULL || t->client_cert_data != NULL) && t->client_key == NULL &&
        t->client_key_data == NULL) {
        free(token_file);
        return kc_fail(k, u, "%s: a client certificate needs client-key or client-key-data", path);
    }
    if (t->token == NULL && token_file != NULL) {
        char *abs = kc_resolve(k->cur->dir, token_file);

        rc = kc_read_token_file(k, u, path, user, abs, t);
        free(abs);
        if (rc != 0) {
            free(token_file);
            return -1;
        }
    }
    free(token_file);
    if (kc_decode_field(k, u, "client-certificate-data", path, &t->client_cert_data) != 0 ||
        kc_decode_field(k, u, "client-key-data", path, &t->client_key_data) != 0 ||
        kc_path_field(k, u, "client-certificate", path, &t->client_cert) != 0 ||
        kc_path_field(k, u, "client-key", path, &t->client_key) != 0) {
        return -1;
    }
    return 0;
}

/* Resolves `context` (else the first current-context of the files) over the merged files
 * into *t. Returns 0 or -1. */
static int kc_resolve_target(struct kc *k, const char *context, struct kube_target *t)
{
    struct kc_file *ctx_file;
    yaml_node_t *ctx = NULL;
    size_t idx = 0, nonempty = 0;
    char path[64];
    char *user = NULL;
    int rc;

    k->cur = NULL;
    for (size_t f = 0; f < k->nfiles; f++) {
        k->cur = &k->files[f];
        nonempty += kc_root(k) != NULL;
        if (context == NULL || context[0] == '\0') {
            /* checked by kc_check_file(); an empty value does not count as set */
            if (t->context == NULL && kc_root(k) != NULL &&
                kc_str(k, kc_root(k), "current-context", "", &t->context) != 0) {
                return -1;
            }
        }
    }
    k->cur = NULL;
    if (nonempty == 0) {
        return kc_fail(k, NULL, "%s", k->nfiles == 1 ? "empty file" : "every file is empty");
    }
    if (context != NULL && context[0] != '\0') {
        t->context = xstrdup(context);
    } else if (t->context == NULL) {
        return kc_fail(k, NULL, "no current-context set and no context given");
    }
    rc = kc_lookup(k, "contexts", "context", t->context, &idx, &ctx);
    if (rc < 0) {
        return -1;
    }
    if (rc > 0) {
        return kc_fail(k, NULL, "context %s not found", t->context);
    }
    ctx_file = k->cur;
    snprintf(path, sizeof(path), "contexts[%zu].context", idx);
    if (kc_str(k, ctx, "cluster", path, &t->cluster) != 0 ||
        kc_str(k, ctx, "namespace", path, &t->namespace) != 0 ||
        kc_str(k, ctx, "user", path, &user) != 0) {
        free(user);
        return -1;
    }
    if (t->cluster == NULL) {
        free(user);
        return kc_fail(k, ctx, "%s.cluster: missing", path);
    }
    rc = kc_load_cluster(k, t);
    if (rc == 0 && user != NULL) {
        k->cur = ctx_file; /* "user not found" belongs to the context's file */
        rc = kc_load_user(k, user, t);
    }
    free(user);
    return rc;
}

/* Parses the current file's bytes into its document. Returns 0, or -1 with the error set. */
static int kc_parse(struct kc *k, const char *data, size_t len)
{
    yaml_parser_t parser;
    int ok;

    if (!yaml_parser_initialize(&parser)) {
        return kc_fail(k, NULL, "cannot initialize the YAML parser");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    ok = yaml_parser_load(&parser, &k->cur->doc);
    if (!ok) {
        const char *problem = parser.problem != NULL ? parser.problem : "malformed";

        if (parser.error == YAML_READER_ERROR) {
            kc_fail(k, NULL, "not YAML: %s at byte %zu", problem, parser.problem_offset);
        } else if (parser.context != NULL) {
            k->err =
                xasprintf("%s:%lu: not YAML: %s %s", k->cur->name,
                          (unsigned long)parser.problem_mark.line + 1, problem, parser.context);
            sanitize_inplace(k->err);
        } else {
            k->err = xasprintf("%s:%lu: not YAML: %s", k->cur->name,
                               (unsigned long)parser.problem_mark.line + 1, problem);
            sanitize_inplace(k->err);
        }
    }
    k->cur->parsed = ok != 0;
    yaml_parser_delete(&parser);
    return ok ? 0 : -1;
}

/* The home directory (borrowed from the environment or copied into buf), NULL if unknown. */
static const char *kc_home(char *buf, size_t size)
{
    const char *home = getenv("HOME");
    struct passwd pw, *res = NULL;

    if (home != NULL && home[0] != '\0') {
        return home;
    }
    if (getpwuid_r(getuid(), &pw, buf, size, &res) == 0 && res != NULL && pw.pw_dir != NULL) {
        return pw.pw_dir;
    }
    return NULL;
}

/* Frees the files of *k and its error, and zeroes it. */
static void kc_fini(struct kc *k)
{
    for (size_t i = 0; i < k->nfiles; i++) {
        if (k->files[i].parsed) {
            yaml_document_delete(&k->files[i].doc);
        }
        free(k->files[i].name);
        free(k->files[i].abs);
        free(k->files[i].dir);
    }
    free(k->files);
    free(k->err);
    memset(k, 0, sizeof(*k));
}

/* Reads, parses and checks the file `name` as the last of the set; a file already in the set
 * is skipped, and so is a missing one unless `must_exist`. Returns 0 or -1 (error set). */
static int kc_add_file(struct kc *k, const char *name, bool must_exist)
{
    struct kc_file *f;
    char *abs = kc_abs(name), *data = NULL;
    char ebuf[128];
    size_t len = 0;
    int e, rc;

    for (size_t i = 0; i < k->nfiles; i++) {
        if (strcmp(k->files[i].abs, abs) == 0) {
            free(abs);
            return 0;
        }
    }
    e = kc_read_file(name, KC_MAX_FILE, &data, &len);
    if (e == ENOENT && !must_exist) {
        free(abs);
        return 0;
    }
    k->files = xrealloc(k->files, (k->nfiles + 1) * sizeof(*k->files));
    f = &k->files[k->nfiles++];
    memset(f, 0, sizeof(*f));
    f->name = xstrdup(name);
    f->abs = abs;
    f->dir = kc_dir_of(abs);
    k->cur = f;
    if (e != 0) {
        return kc_fail(k, NULL, "%s",
                       e == EFBIG    ? "file too large"
                       : e == EISDIR ? "not a regular file"
                                     : kc_strerror(e, ebuf, sizeof(ebuf)));
    }
    rc = kc_parse(k, data, len);
    free(data);
    if (rc == 0) {
        rc = kc_check_file(k);
    }
    k->cur = NULL;
    return rc;
}

/* Loads the files to merge, in precedence order, as kubectl's loading rules choose them:
 * `path` alone when given (it must exist); else each file of $KUBECONFIG (':'-separated;
 * empty entries, missing files and repeats skipped; at least one must exist); else
 * ~/.kube/config (it must exist). Returns 0, or -1 with k->err set. */
static int kc_open(struct kc *k, const char *path)
{
    const char *env = getenv("KUBECONFIG");
    char pwbuf[4096];
    const char *home;
    char *file;
    int rc;

    memset(k, 0, sizeof(*k));
    if (path != NULL && path[0] != '\0') {
        return kc_add_file(k, path, true);
    }
    if (env != NULL && env[0] != '\0') {
        for (const char *p = env; *p != '\0';) {
            const char *end = strchr(p, ':');
            size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

            if (n > 0) {
                file = xstrndup(p, n);
                rc = kc_add_file(k, file, false);
                free(file);
                if (rc != 0) {
                    return -1;
                }
            }
            p += n;
            if (*p == ':') {
                p++;
            }
        }
        if (k->nfiles == 0) {
            k->err = xasprintf("kubeconfig: no file in KUBECONFIG exists (%s)", env);
            sanitize_inplace(k->err);
            return -1;
        }
        return 0;
    }
    home = kc_home(pwbuf, sizeof(pwbuf));
    if (home == NULL) {
        k->err = xstrdup("kubeconfig: no path given, KUBECONFIG unset and no home directory");
        return -1;
    }
    file = xasprintf("%s/.kube/config", home);
    rc = kc_add_file(k, file, true);
    free(file);
    return rc;
}

int kubeconfig_load(const char *path, const char *context, struct kube_target *out, char **err)
{
    struct kc k;
    int rc;

    memset(out, 0, sizeof(*out));
    *err = NULL;
    rc = kc_open(&k, path);
    if (rc == 0) {
        rc = kc_resolve_target(&k, context, out);
    }
    if (rc != 0) {
        kube_target_fini(out);
        *err = k.err;
        k.err = NULL;
    }
    kc_fini(&k);
    return rc;
}

void kube_target_fini(struct kube_target *t)
{
    if (t == NULL) {
        return;
    }
    free(t->context);
    free(t->cluster);
    free(t->server);
    free(t->namespace);
    free(t->ca_file);
    free(t->ca_data);
    free(t->token);
    free(t->username);
    free(t->password);
    free(t->client_cert);
    free(t->client_cert_data);
    free(t->client_key);
    free(t->client_key_data);
    memset(t, 0, sizeof(*t));
}

char **kubeconfig_contexts(const char *path)
{
    struct kc k;
    char **names = NULL;
    size_t n = 0, max = 0;

    if (kc_open(&k, path) != 0) {
        kc_fini(&k);
        return NULL;
    }
    for (size_t f = 0; f < k.nfiles; f++) {
        yaml_node_t *list;

        k.cur = &k.files[f];
        list = kc_get(&k, kc_root(&k), "contexts");
        if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
            continue;
        }
        max += (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
        names = xrealloc(names, (max + 1) * sizeof(*names));
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             it < list->data.sequence.items.top; it++) {
            yaml_node_t *name = kc_get(&k, kc_node(&k, *it), "name");
            char *s;
            bool seen = false;

            if (name == NULL || name->type != YAML_SCALAR_NODE) {
                continue;
            }
            s = sanitize_dup((const char *)name->data.scalar.value);
            for (size_t i = 0; i < n && !seen; i++) {
                seen = strcmp(names[i], s) == 0;
            }
            if (seen) {
                free(s); /* defined by an earlier file, which wins */
            } else {
                names[n++] = s;
            }
        }
    }
    if (names == NULL) {
        names = xmalloc(sizeof(*names));
    }
    names[n] = NULL;
    kc_fini(&k);
    return names;
}

void kubeconfig_contexts_free(char **names)
{
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        free(names[i]);
    }
    free(names);
}
