/* `kubectl describe` text for Pods, Deployments and StatefulSets, with their Events. */
#include "core/k8s/k8s_describe.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/sanitize.h"
#include "core/store_impl.h"
#include "core/xalloc.h"

/* Annotation values longer than this are cut, as kubectl does (maxAnnotationLen). */
#define DESC_MAX_ANNOT 140
/* Top-level fields: values start at this column (kubectl's tabwriter gives 18 for pods). */
#define DESC_W_TOP 18
/* Container fields and their states: values at column 20. */
#define DESC_W_CONT 16
#define DESC_W_STATE 14

/* A growing text buffer. */
struct desc_buf {
    char *p;
    size_t len, cap;
};

static void desc_reserve(struct desc_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) {
        return;
    }
    while (b->cap < b->len + more + 1) {
        b->cap = b->cap != 0 ? b->cap * 2 : 4096;
    }
    b->p = xrealloc(b->p, b->cap);
}

static void desc_raw(struct desc_buf *b, const char *s, size_t n)
{
    desc_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void desc_spaces(struct desc_buf *b, size_t n)
{
    desc_reserve(b, n);
    memset(b->p + b->len, ' ', n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Appends `s` sanitized (NULL appends nothing). */
static void desc_clean(struct desc_buf *b, const char *s)
{
    char *c = sanitize_dup(s);

    if (c != NULL) {
        desc_raw(b, c, strlen(c));
        free(c);
    }
}

/* printf into a new string (caller frees). */
static char *desc_vfmt(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return xstrdup("");
    }
    s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

/* One line: `indent` spaces, "label:" padded so the value starts at column indent+width (at
 * least two spaces after the colon), then the formatted value, sanitized, and '\n'. A NULL
 * label writes a continuation line (value at the same column). */
static void desc_line(struct desc_buf *b, size_t indent, size_t width, const char *label,
                      const char *fmt, ...)
{
    va_list ap;
    char *value;
    size_t used = 0;

    desc_spaces(b, indent);
    if (label != NULL) {
        desc_raw(b, label, strlen(label));
        desc_raw(b, ":", 1);
        used = strlen(label) + 1;
    }
    va_start(ap, fmt);
    value = desc_vfmt(fmt, ap);
    va_end(ap);
    if (value[0] != '\0') {
        if (label == NULL) {
            desc_spaces(b, width);
        } else {
            desc_spaces(b, used + 2 > width ? 2 : width - used);
        }
        desc_clean(b, value);
    }
    free(value);
    desc_raw(b, "\n", 1);
}

/* The string at obj[key], NULL if absent, not a string or empty. Borrowed, not sanitized. */
static const char *desc_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s != NULL && s[0] != '\0' ? s : NULL;
}

static const char *desc_or(const char *s, const char *dflt)
{
    return s != NULL ? s : dflt;
}

static const json_t *desc_obj(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_object(v) ? v : NULL;
}

static bool desc_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* A scalar as text (strings as they are, numbers and booleans printed). Caller frees; NULL
 * for objects, arrays, null. */
static char *desc_scalar(const json_t *v)
{
    if (json_is_string(v)) {
        return xstrdup(json_string_value(v));
    }
    if (json_is_integer(v)) {
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    if (json_is_real(v)) {
        return xasprintf("%g", json_real_value(v));
    }
    if (json_is_boolean(v)) {
        return xstrdup(json_is_true(v) ? "true" : "false");
    }
    return NULL;
}

/* kubectl's time format (RFC 1123 with numeric zone), in UTC; "<unknown>" for 0. */
static char *desc_time(int64_t t, char *buf, size_t size)
{
    static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
        snprintf(buf, size, "<unknown>");
        return buf;
    }
    snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

static int desc_strp_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted. Caller frees the array (keys borrowed); *n its length. */
static const char **desc_sorted_keys(const json_t *obj, size_t *n)
{
    const char **keys;
    const char *k;
    json_t *v;
    size_t i = 0;

    *n = json_object_size(obj);
    if (*n == 0) {
        return NULL;
    }
    keys = xcalloc(*n, sizeof *keys);
    json_object_foreach ((json_t *)obj, k, v) {
        (void)v;
        keys[i++] = k;
    }
    *n = i;
    qsort(keys, i, sizeof *keys, desc_strp_cmp);
    return keys;
}

/* A map field (labels, selectors): "k=v" lines sorted by key, or "<none>". With `sep` ": "
 * and `annotations`, kubectl's annotation form (last-applied-configuration skipped, long
 * values cut). */
static void desc_map(struct desc_buf *b, size_t indent, size_t width, const char *label,
                     const json_t *map, const char *sep, bool annotations)
{
    size_t n, shown = 0;
    const char **keys = desc_sorted_keys(map, &n);

    for (size_t i = 0; i < n; i++) {
        char *v = desc_scalar(json_object_get(map, keys[i]));

        if (annotations &&
            strcmp(keys[i], "kubectl.kubernetes.io/last-applied-configuration") == 0) {
            free(v);
            continue;
        }
        if (v != NULL && annotations && strlen(v) > DESC_MAX_ANNOT) {
            strcpy(v + DESC_MAX_ANNOT - 3, "...");
        }
        desc_line(b, indent, width, shown == 0 ? label : NULL, "%s%s%s", keys[i], sep,
                  v != NULL ? v : "");
        free(v);
        shown++;
    }
    free(keys);
    if (shown == 0) {
        desc_line(b, indent, width, label, "<none>");
    }
}

/* A map as "k=v,k2=v2" on one line (selectors), "<none>" when empty. Caller frees. */
static char *desc_map_inline(const json_t *map)
{
    struct desc_buf b = {0};
    size_t n;
    const char **keys = desc_sorted_keys(map, &n);

    for (size_t i = 0; i < n; i++) {
        char *v = desc_scalar(json_object_get(map, keys[i]));

        if (i > 0) {
            desc_raw(&b, ",", 1);
        }
        desc_raw(&b, keys[i], strlen(keys[i]));
        desc_raw(&b, "=", 1);
        if (v != NULL) {
            desc_raw(&b, v, strlen(v));
        }
        free(v);
    }
    free(keys);
    return b.p != NULL ? b.p : xstrdup("<none>");
}

/* The status of the container named `name` in status[key], or NULL. */
static const json_t *desc_cstatus(const json_t *status, const char *key, const char *name)
{
    const json_t *arr = json_object_get(status, key);
    size_t i;
    const json_t *cs;

    json_array_foreach (arr, i, cs) {
        if (desc_eq(desc_str(cs, "name"), name)) {
            return cs;
        }
    }
    return NULL;
}

/* kubectl's describeContainerState: "State:" or "Last State:" and its details. */
static void desc_state(struct desc_buf *b, const char *label, const json_t *state)
{
    const json_t *run = desc_obj(state, "running");
    const json_t *wait = desc_obj(state, "waiting");
    const json_t *term = desc_obj(state, "terminated");
    char tbuf[64];

    if (run != NULL) {
        desc_line(b, 4, DESC_W_CONT, label, "Running");
        desc_line(b, 6, DESC_W_STATE, "Started", "%s",
                  desc_time(k8s_parse_time(desc_str(run, "startedAt")), tbuf, sizeof tbuf));
    } else if (term != NULL) {
        desc_line(b, 4, DESC_W_CONT, label, "Terminated");
        if (desc_str(term, "reason") != NULL) {
            desc_line(b, 6, DESC_W_STATE, "Reason", "%s", desc_str(term, "reason"));
        }
        if (desc_str(term, "message") != NULL) {
            desc_line(b, 6, DESC_W_STATE, "Message", "%s", desc_str(term, "message"));
        }
        desc_line(b, 6, DESC_W_STATE, "Exit Code", "%" JSON_INTEGER_FORMAT,
                  json_integer_value(json_object_get(term, "exitCode")));
        if (json_integer_value(json_object_get(term, "signal")) != 0) {
            desc_line(b, 6, DESC_W_STATE, "Signal", "%" JSON_INTEGER_FORMAT,
                      json_integer_value(json_object_get(term, "signal")));
        }
        desc_line(b, 6, DESC_W_STATE, "Started", "%s",
                  desc_time(k8s_parse_time(desc_str(term, "startedAt")), tbuf, sizeof tbuf));
        desc_line(b, 6, DESC_W_STATE, "Finished", "%s",
                  desc_time(k8s_parse_time(desc_str(term, "finishedAt")), tbuf, sizeof tbuf));
    } else {
        desc_line(b, 4, DESC_W_CONT, label, "Waiting");
        if (desc_str(wait, "reason") != NULL) {
            desc_line(b, 6, DESC_W_STATE, "Reason", "%s", desc_str(wait, "reason"));
        }
    }
}

/* "80/TCP, 443/TCP" (containerPort or hostPort), "<none>" without ports. Caller frees. */
static char *desc_ports(const json_t *ports, const char *field)
{
    struct desc_buf b = {0};
    size_t i;
    const json_t *p;

    json_array_foreach (ports, i, p) {
        char *s = xasprintf("%s%" JSON_INTEGER_FORMAT "/%s", i > 0 ? ", " : "",
                            json_integer_value(json_object_get(p, field)),
                            desc_or(desc_str(p, "protocol"), "TCP"));

        desc_raw(&b, s, strlen(s));
        free(s);
    }
    return b.p != NULL ? b.p : xstrdup("<none>");
}

/* Limits or Requests: "Limits:" then "  cpu:  1" lines, nothing when empty. */
static void desc_resources(struct desc_buf *b, const char *label, const json_t *map)
{
    size_t n;
    const char **keys = desc_sorted_keys(map, &n);
    size_t w = 0;

    if (n == 0) {
        free(keys);
        return;
    }
    desc_line(b, 4, DESC_W_CONT, label, "");
    for (size_t i = 0; i < n; i++) {
        w = strlen(keys[i]) > w ? strlen(keys[i]) : w;
    }
    for (size_t i = 0; i < n; i++) {
        char *v = desc_scalar(json_object_get(map, keys[i]));

        desc_line(b, 6, w + 3, keys[i], "%s", desc_or(v, ""));
        free(v);
    }
    free(keys);
}

/* A string array as indented lines under a label ("Command:", "Args:"). */
static void desc_list(struct desc_buf *b, const char *label, const json_t *arr)
{
    size_t i;
    const json_t *v;

    if (json_array_size(arr) == 0) {
        return;
    }
    desc_line(b, 4, DESC_W_CONT, label, "");
    json_array_foreach (arr, i, v) {
        desc_line(b, 6, 0, NULL, "%s", desc_or(json_string_value(v), ""));
    }
}

/* Environment: literal values, and where the others come from, the values aligned after the
 * widest name as kubectl's tabwriter does. */
static void desc_env(struct desc_buf *b, const json_t *c)
{
    const json_t *env = json_object_get(c, "env");
    size_t i;
    const json_t *e;
    int w = 0;

    if (json_array_size(env) == 0) {
        desc_line(b, 4, DESC_W_CONT, "Environment", "<none>");
        return;
    }
    desc_line(b, 4, DESC_W_CONT, "Environment", "");
    json_array_foreach (env, i, e) {
        int l = (int)strlen(desc_or(desc_str(e, "name"), "?")) + 1;

        w = l > w ? l : w;
    }
    json_array_foreach (env, i, e) {
        char *name = xasprintf("%s:", desc_or(desc_str(e, "name"), "?"));
        const json_t *from = desc_obj(e, "valueFrom");
        const json_t *ref;

        if (from == NULL) {
            desc_line(b, 6, 0, NULL, "%-*s  %s", w, name,
                      desc_or(json_string_value(json_object_get(e, "value")), ""));
        } else if ((ref = desc_obj(from, "secretKeyRef")) != NULL) {
            desc_line(b, 6, 0, NULL, "%-*s  <set to the key '%s' in secret '%s'>", w, name,
                      desc_or(desc_str(ref, "key"), ""), desc_or(desc_str(ref, "name"), ""));
        } else if ((ref = desc_obj(from, "configMapKeyRef")) != NULL) {
            desc_line(b, 6, 0, NULL, "%-*s  <set to the key '%s' of config map '%s'>", w, name,
                      desc_or(desc_str(ref, "key"), ""), desc_or(desc_str(ref, "name"), ""));
        } else if ((ref = desc_obj(from, "fieldRef")) != NULL) {
            desc_line(b, 6, 0, NULL, "%-*s   (%s:%s)", w, name,
                      desc_or(desc_str(ref, "apiVersion"), "v1"),
                      desc_or(desc_str(ref, "fieldPath"), ""));
        } else {
            desc_line(b, 6, 0, NULL, "%-*s  <set from a reference>", w, name);
        }
        free(name);
    }
}

static void desc_mounts(struct desc_buf *b, const json_t *c)
{
    const json_t *mounts = json_object_get(c, "volumeMounts");
    size_t i;
    const json_t *m;

    if (json_array_size(mounts) == 0) {
        desc_line(b, 4, DESC_W_CONT, "Mounts", "<none>");
        return;
    }
    desc_line(b, 4, DESC_W_CONT, "Mounts", "");
    json_array_foreach (mounts, i, m) {
        desc_line(b, 6, 0, NULL, "%s from %s (%s)", desc_or(desc_str(m, "mountPath"), "?"),
                  desc_or(desc_str(m, "name"), "?"),
                  json_is_true(json_object_get(m, "readOnly")) ? "ro" : "rw");
    }
}

/* One container: spec `c`, its status `cs` (NULL for a template, or not reported yet). */
static void desc_container(struct desc_buf *b, size_t name_indent, const json_t *c,
                           const json_t *cs, bool with_status)
{
    const json_t *ports = json_object_get(c, "ports");
    const json_t *res = desc_obj(c, "resources");
    char *p;

    desc_spaces(b, name_indent);
    desc_clean(b, desc_or(desc_str(c, "name"), "?"));
    desc_raw(b, ":\n", 2);
    if (with_status) {
        desc_line(b, 4, DESC_W_CONT, "Container ID", "%s",
                  desc_or(desc_str(cs, "containerID"), ""));
    }
    desc_line(b, 4, DESC_W_CONT, "Image", "%s", desc_or(desc_str(c, "image"), ""));
    if (with_status) {
        desc_line(b, 4, DESC_W_CONT, "Image ID", "%s", desc_or(desc_str(cs, "imageID"), ""));
    }
    p = desc_ports(ports, "containerPort");
    desc_line(b, 4, DESC_W_CONT, json_array_size(ports) > 1 ? "Ports" : "Port", "%s", p);
    free(p);
    p = desc_ports(ports, "hostPort");
    desc_line(b, 4, DESC_W_CONT, json_array_size(ports) > 1 ? "Host Ports" : "Host Port", "%s", p);
    free(p);
    desc_list(b, "Command", json_object_get(c, "command"));
    desc_list(b, "Args", json_object_get(c, "args"));
    if (with_status) {
        desc_state(b, "State", desc_obj(cs, "state"));
        if (desc_obj(desc_obj(cs, "lastState"), "terminated") != NULL) {
            desc_state(b, "Last State", desc_obj(cs, "lastState"));
        }
        desc_line(b, 4, DESC_W_CONT, "Ready", "%s",
                  json_is_true(json_object_get(cs, "ready")) ? "True" : "False");
        desc_line(b, 4, DESC_W_CONT, "Restart Count", "%" JSON_INTEGER_FORMAT,
                  json_integer_value(json_object_get(cs, "restartCount")));
    }
    desc_resources(b, "Limits", desc_obj(res, "limits"));
    desc_resources(b, "Requests", desc_obj(res, "requests"));
    desc_env(b, c);
    desc_mounts(b, c);
}

/* "Containers:" or "Init Containers:" with every container of spec[key]. */
static void desc_containers(struct desc_buf *b, size_t indent, const char *label,
                            const json_t *spec, const char *key, const json_t *status,
                            const char *status_key)
{
    const json_t *arr = json_object_get(spec, key);
    size_t i;
    const json_t *c;

    if (json_array_size(arr) == 0) {
        return;
    }
    desc_spaces(b, indent);
    desc_raw(b, label, strlen(label));
    desc_raw(b, ":\n", 2);
    json_array_foreach (arr, i, c) {
        const json_t *cs =
            status_key != NULL ? desc_cstatus(status, status_key, desc_str(c, "name")) : NULL;

        desc_container(b, indent + (status_key != NULL ? 2 : 1), c, cs, status_key != NULL);
    }
}

/* A conditions table: Type Status (and Reason when `reasons`). The Type cell (indent, type,
 * padding) is at least `min_cell` wide: kubectl aligns it with the lines that follow. */
static void desc_conditions(struct desc_buf *b, const json_t *status, bool reasons,
                            size_t min_cell)
{
    const json_t *conds = json_object_get(status, "conditions");
    size_t i, w = 4, ws = 6;
    const json_t *c;

    if (json_array_size(conds) == 0) {
        return;
    }
    json_array_foreach (conds, i, c) {
        size_t n = strlen(desc_or(desc_str(c, "type"), ""));
        size_t m = strlen(desc_or(desc_str(c, "status"), ""));

        w = n > w ? n : w;
        ws = m > ws ? m : ws;
    }
    if (min_cell > w + 4) {
        w = min_cell - 4;
    }
    desc_raw(b, "Conditions:\n", 12);
    if (reasons) {
        desc_line(b, 2, 0, NULL, "%-*s  %-*s  Reason", (int)w, "Type", (int)ws, "Status");
        desc_line(b, 2, 0, NULL, "%-*s  %-*s  ------", (int)w, "----", (int)ws, "------");
    } else {
        desc_line(b, 2, 0, NULL, "%-*s  Status", (int)w, "Type");
    }
    json_array_foreach (conds, i, c) {
        char *type = sanitize_dup(desc_or(desc_str(c, "type"), ""));
        char *st = sanitize_dup(desc_or(desc_str(c, "status"), ""));

        if (reasons) {
            desc_line(b, 2, 0, NULL, "%-*s  %-*s  %s", (int)w, type, (int)ws, st,
                      desc_or(desc_str(c, "reason"), ""));
        } else {
            desc_line(b, 2, 0, NULL, "%-*s  %s", (int)w, type, st);
        }
        free(type);
        free(st);
    }
}

/* Volumes: name and source kind (with the claim, config map or secret name). */
static void desc_volumes(struct desc_buf *b, size_t indent, const json_t *spec)
{
    const json_t *vols = json_object_get(spec, "volumes");
    size_t i;
    const json_t *v;

    if (json_array_size(vols) == 0) {
        desc_line(b, indent, DESC_W_TOP - indent, "Volumes", "<none>");
        return;
    }
    desc_line(b, indent, 0, "Volumes", "");
    json_array_foreach (vols, i, v) {
        const char *k;
        json_t *src;
        const char *kind = NULL, *ref = NULL;

        json_object_foreach ((json_t *)v, k, src) {
            if (strcmp(k, "name") != 0 && json_is_object(src)) {
                kind = k;
                ref = desc_or(desc_str(src, "claimName"),
                              desc_or(desc_str(src, "name"), desc_str(src, "secretName")));
                break;
            }
        }
        desc_line(b, indent + 2, 0, NULL, "%s:", desc_or(desc_str(v, "name"), "?"));
        desc_line(b, indent + 4, 8, "Type", "%s%s%s%s", desc_or(kind, "<unknown>"),
                  ref != NULL ? " (" : "", desc_or(ref, ""), ref != NULL ? ")" : "");
    }
}

/* kubectl's toleration form: key=value:Effect op=Exists for 300s. */
static void desc_tolerations(struct desc_buf *b, const json_t *spec)
{
    const json_t *tols = json_object_get(spec, "tolerations");
    size_t i;
    const json_t *t;

    if (json_array_size(tols) == 0) {
        desc_line(b, 0, DESC_W_TOP, "Tolerations", "<none>");
        return;
    }
    json_array_foreach (tols, i, t) {
        const char *key = desc_str(t, "key");
        const char *value = desc_str(t, "value");
        const char *effect = desc_str(t, "effect");
        const char *op = desc_str(t, "operator");
        const json_t *secs = json_object_get(t, "tolerationSeconds");
        char *line;
        char *secs_txt = json_is_integer(secs)
                             ? xasprintf(" for %" JSON_INTEGER_FORMAT "s", json_integer_value(secs))
                             : xstrdup("");

        if (key == NULL && desc_eq(op, "Exists")) {
            line = xasprintf("op=Exists%s%s%s", effect != NULL ? " :" : "", desc_or(effect, ""),
                             secs_txt);
        } else {
            line = xasprintf("%s%s%s%s%s%s%s", desc_or(key, ""), value != NULL ? "=" : "",
                             desc_or(value, ""), effect != NULL ? ":" : "", desc_or(effect, ""),
                             desc_eq(op, "Exists") && value == NULL ? " op=Exists" : "", secs_txt);
        }
        desc_line(b, 0, DESC_W_TOP, i == 0 ? "Tolerations" : NULL, "%s", line);
        free(line);
        free(secs_txt);
    }
}

/* Newest last: by last timestamp, then first timestamp, then uid (a total order). */
static int desc_event_cmp(const void *pa, const void *pb)
{
    const struct k8s_event *a = *(const struct k8s_event *const *)pa;
    const struct k8s_event *b = *(const struct k8s_event *const *)pb;

    if (a->last != b->last) {
        return a->last < b->last ? -1 : 1;
    }
    if (a->first != b->first) {
        return a->first < b->first ? -1 : 1;
    }
    return strcmp(a->row.uid != NULL ? a->row.uid : "", b->row.uid != NULL ? b->row.uid : "");
}

static const char *desc_event_type(const struct k8s_event *e)
{
    switch (e->type) {
    case K8S_EVENT_NORMAL:
        return "Normal";
    case K8S_EVENT_WARNING:
        return "Warning";
    case K8S_EVENT_OTHER:
        break;
    }
    return "Unknown";
}

/* kubectl's Age cell: "5m", or "3m (x5 over 10m)" when the event repeated. Caller frees. */
static char *desc_event_age(const struct k8s_event *e, int64_t now)
{
    char a[32], f[32];

    if (e->last == 0 && e->first == 0) {
        return xstrdup("<unknown>");
    }
    if (e->count > 1) {
        return xasprintf("%s (x%" PRId32 " over %s)",
                         k8s_fmt_age(now - (e->last != 0 ? e->last : e->first), a, sizeof a),
                         e->count,
                         k8s_fmt_age(now - (e->first != 0 ? e->first : e->last), f, sizeof f));
    }
    return xstrdup(k8s_fmt_age(now - (e->first != 0 ? e->first : e->last), a, sizeof a));
}

/* The Events table (rows are already sanitized in the store). Without events, "Events:" and
 * its padding take `none_cell` columns (at least 9) before "<none>". */
static void desc_events(struct desc_buf *b, const struct k8s_event *const *events, size_t n,
                        int64_t now, size_t none_cell)
{
    const struct k8s_event **sorted;
    char **ages;
    size_t wt = 4, wr = 6, wa = 4, wf = 4; /* at least the headers and their underlines */

    if (n == 0) {
        desc_raw(b, "Events:", 7);
        desc_spaces(b, none_cell > 9 ? none_cell - 7 : 2);
        desc_raw(b, "<none>\n", 7);
        return;
    }
    sorted = xcalloc(n, sizeof *sorted);
    ages = xcalloc(n, sizeof *ages);
    memcpy(sorted, events, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, desc_event_cmp);
    for (size_t i = 0; i < n; i++) {
        const struct k8s_event *e = sorted[i];
        size_t l;

        ages[i] = desc_event_age(e, now);
        l = strlen(desc_event_type(e));
        wt = l > wt ? l : wt;
        l = strlen(desc_or(e->reason, ""));
        wr = l > wr ? l : wr;
        l = strlen(ages[i]);
        wa = l > wa ? l : wa;
        l = strlen(desc_or(e->source, ""));
        wf = l > wf ? l : wf;
    }
    desc_raw(b, "Events:\n", 8);
    desc_line(b, 2, 0, NULL, "%-*s  %-*s  %-*s  %-*s  Message", (int)wt, "Type", (int)wr, "Reason",
              (int)wa, "Age", (int)wf, "From");
    desc_line(b, 2, 0, NULL, "%-*s  %-*s  %-*s  %-*s  -------", (int)wt, "----", (int)wr, "------",
              (int)wa, "----", (int)wf, "----");
    for (size_t i = 0; i < n; i++) {
        const struct k8s_event *e = sorted[i];

        desc_line(b, 2, 0, NULL, "%-*s  %-*s  %-*s  %-*s  %s", (int)wt, desc_event_type(e), (int)wr,
                  desc_or(e->reason, ""), (int)wa, ages[i], (int)wf, desc_or(e->source, ""),
                  desc_or(e->message, ""));
        free(ages[i]);
    }
    free(ages);
    free(sorted);
}

/* The owner with controller=true, as "Kind/name"; caller frees; NULL if none. */
static char *desc_controller(const json_t *meta)
{
    const json_t *owners = json_object_get(meta, "ownerReferences");
    size_t i;
    const json_t *o;

    json_array_foreach (owners, i, o) {
        if (json_is_true(json_object_get(o, "controller"))) {
            return xasprintf("%s/%s", desc_or(desc_str(o, "kind"), "?"),
                             desc_or(desc_str(o, "name"), "?"));
        }
    }
    return NULL;
}

/* Parses the object; NULL if it is not a JSON object. */
static json_t *desc_load(const char *json, size_t len)
{
    json_t *root = json != NULL ? json_loadb(json, len, 0, NULL) : NULL;

    if (root != NULL && !json_is_object(root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static char *desc_finish(struct desc_buf *b)
{
    return b->p != NULL ? b->p : xstrdup("");
}

char *k8s_describe_pod(const char *json, size_t len, const struct k8s_event *const *events,
                       size_t nevents, int64_t now)
{
    json_t *root = desc_load(json, len);
    const json_t *meta, *spec, *status, *ips;
    struct desc_buf b = {0};
    char tbuf[64], *s;
    const char *node, *host_ip;
    size_t i;
    const json_t *v;

    if (root == NULL) {
        return NULL;
    }
    meta = desc_obj(root, "metadata");
    spec = desc_obj(root, "spec");
    status = desc_obj(root, "status");
    desc_line(&b, 0, DESC_W_TOP, "Name", "%s", desc_or(desc_str(meta, "name"), ""));
    desc_line(&b, 0, DESC_W_TOP, "Namespace", "%s", desc_or(desc_str(meta, "namespace"), ""));
    if (json_is_integer(json_object_get(spec, "priority"))) {
        desc_line(&b, 0, DESC_W_TOP, "Priority", "%" JSON_INTEGER_FORMAT,
                  json_integer_value(json_object_get(spec, "priority")));
    }
    if (desc_str(spec, "priorityClassName") != NULL) {
        desc_line(&b, 0, DESC_W_TOP, "Priority Class Name", "%s",
                  desc_str(spec, "priorityClassName"));
    }
    desc_line(&b, 0, DESC_W_TOP, "Service Account", "%s",
              desc_or(desc_str(spec, "serviceAccountName"), ""));
    node = desc_str(spec, "nodeName");
    host_ip = desc_str(status, "hostIP");
    desc_line(&b, 0, DESC_W_TOP, "Node", "%s%s%s", desc_or(node, "<none>"),
              node != NULL && host_ip != NULL ? "/" : "", node != NULL ? desc_or(host_ip, "") : "");
    if (desc_str(status, "startTime") != NULL) {
        desc_line(&b, 0, DESC_W_TOP, "Start Time", "%s",
                  desc_time(k8s_parse_time(desc_str(status, "startTime")), tbuf, sizeof tbuf));
    }
    desc_map(&b, 0, DESC_W_TOP, "Labels", desc_obj(meta, "labels"), "=", false);
    desc_map(&b, 0, DESC_W_TOP, "Annotations", desc_obj(meta, "annotations"), ": ", true);
    if (desc_str(meta, "deletionTimestamp") != NULL) {
        int64_t del = k8s_parse_time(desc_str(meta, "deletionTimestamp"));

        desc_line(&b, 0, DESC_W_TOP, "Status", "Terminating (lasts %s)",
                  k8s_fmt_age(now - del, tbuf, sizeof tbuf));
    } else {
        desc_line(&b, 0, DESC_W_TOP, "Status", "%s", desc_or(desc_str(status, "phase"), ""));
    }
    if (desc_str(status, "reason") != NULL) {
        desc_line(&b, 0, DESC_W_TOP, "Reason", "%s", desc_str(status, "reason"));
    }
    if (desc_str(status, "message") != NULL) {
        desc_line(&b, 0, DESC_W_TOP, "Message", "%s", desc_str(status, "message"));
    }
    desc_line(&b, 0, DESC_W_TOP, "IP", "%s", desc_or(desc_str(status, "podIP"), ""));
    ips = json_object_get(status, "podIPs");
    if (json_array_size(ips) == 0) {
        desc_line(&b, 0, DESC_W_TOP, "IPs", "<none>");
    } else {
        desc_line(&b, 0, DESC_W_TOP, "IPs", "");
        json_array_foreach (ips, i, v) {
            desc_line(&b, 2, 5, "IP", "%s", desc_or(desc_str(v, "ip"), ""));
        }
    }
    s = desc_controller(meta);
    if (s != NULL) {
        desc_line(&b, 0, DESC_W_TOP, "Controlled By", "%s", s);
        free(s);
    }
    desc_containers(&b, 0, "Init Containers", spec, "initContainers", status,
                    "initContainerStatuses");
    desc_containers(&b, 0, "Containers", spec, "containers", status, "containerStatuses");
    desc_conditions(&b, status, false, 0);
    desc_volumes(&b, 0, spec);
    desc_line(&b, 0, DESC_W_TOP, "QoS Class", "%s", desc_or(desc_str(status, "qosClass"), ""));
    s = desc_map_inline(desc_obj(spec, "nodeSelector"));
    desc_line(&b, 0, DESC_W_TOP, "Node-Selectors", "%s", s);
    free(s);
    desc_tolerations(&b, spec);
    desc_events(&b, events, nevents, now, 0);
    json_decref(root);
    return desc_finish(&b);
}

/* The pod template of a workload: labels, annotations, service account, containers, volumes. */
static void desc_template(struct desc_buf *b, const json_t *tmpl)
{
    const json_t *meta = desc_obj(tmpl, "metadata");
    const json_t *spec = desc_obj(tmpl, "spec");

    desc_raw(b, "Pod Template:\n", 14);
    desc_map(b, 2, DESC_W_TOP, "Labels", desc_obj(meta, "labels"), "=", false);
    if (json_object_size(desc_obj(meta, "annotations")) > 0) {
        desc_map(b, 2, DESC_W_TOP, "Annotations", desc_obj(meta, "annotations"), ": ", true);
    }
    if (desc_str(spec, "serviceAccountName") != NULL) {
        desc_line(b, 2, DESC_W_TOP, "Service Account", "%s", desc_str(spec, "serviceAccountName"));
    }
    desc_containers(b, 2, "Init Containers", spec, "initContainers", NULL, NULL);
    desc_containers(b, 2, "Containers", spec, "containers", NULL, NULL);
    desc_volumes(b, 2, spec);
}

/* An int-or-string field ("25%" or 1) as text; caller frees; `dflt` when absent. */
static char *desc_intstr(const json_t *obj, const char *key, const char *dflt)
{
    char *s = desc_scalar(json_object_get(obj, key));

    return s != NULL ? s : xstrdup(dflt);
}

/* kubectl's ReplicaSetsByCreationTimestamp: oldest first, names break ties. */
static int desc_rs_cmp(const void *pa, const void *pb)
{
    const struct k8s_replicaset *a = *(const struct k8s_replicaset *const *)pa;
    const struct k8s_replicaset *b = *(const struct k8s_replicaset *const *)pb;

    if (a->created != b->created) {
        return a->created < b->created ? -1 : 1;
    }
    return strcmp(desc_or(a->name, ""), desc_or(b->name, ""));
}

/* "NAME (CURRENT/DESIRED replicas created)" for each, joined by ", "; "<none>" for none. */
static void desc_rs_list(struct desc_buf *b, const struct k8s_replicaset *const *rs, size_t n)
{
    if (n == 0) {
        desc_raw(b, "<none>", 6);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *item = xasprintf("%s%s (%d/%d replicas created)", i > 0 ? ", " : "",
                               desc_or(rs[i]->name, ""), (int)rs[i]->current,
                               (int)rs[i]->desired);

        desc_clean(b, item);
        free(item);
    }
}

/* OldReplicaSets and NewReplicaSet, the label cells `cell` (at least 17) wide. The new one has the
 * Deployment's revision (without one, the highest); kubectl takes the oldest if several do. */
static void desc_replicasets(struct desc_buf *b, const json_t *meta, size_t cell,
                             const struct k8s_replicaset *const *rs, size_t nrs)
{
    const struct k8s_replicaset **sorted = xcalloc(nrs + 1, sizeof *sorted);
    const struct k8s_replicaset *newest = NULL;
    int64_t rev = k8s_revision(meta);
    size_t nold = 0;

    if (nrs > 0) {
        memcpy(sorted, rs, nrs * sizeof *sorted);
        qsort(sorted, nrs, sizeof *sorted, desc_rs_cmp);
    }
    for (size_t i = 0; i < nrs; i++) {
        if (rev > 0 ? sorted[i]->revision == rev && newest == NULL
                    : sorted[i]->revision > 0 &&
                          (newest == NULL || sorted[i]->revision > newest->revision)) {
            newest = sorted[i];
        }
    }
    for (size_t i = 0; i < nrs; i++) {
        if (sorted[i] != newest) {
            sorted[nold++] = sorted[i];
        }
    }
    desc_raw(b, "OldReplicaSets:", 15);
    desc_spaces(b, cell - 15);
    desc_rs_list(b, sorted, nold);
    desc_raw(b, "\nNewReplicaSet:", 15);
    desc_spaces(b, cell - 14);
    desc_rs_list(b, &newest, newest != NULL);
    desc_raw(b, "\n", 1);
    free(sorted);
}

/* The width kubectl's tabwriter gives the first column of the block that holds the
 * conditions, OldReplicaSets, NewReplicaSet and "Events:  <none>": the widest cell plus 2. */
static size_t desc_rs_cell(const json_t *status)
{
    const json_t *conds = json_object_get(status, "conditions");
    size_t i, w = strlen("OldReplicaSets:");
    const json_t *c;

    json_array_foreach (conds, i, c) {
        size_t n = 2 + strlen(desc_or(desc_str(c, "type"), "")) + 1; /* "  %v \t" */

        w = n > w ? n : w;
    }
    return w + 2;
}

char *k8s_describe_workload(const char *json, size_t len, const struct k8s_replicaset *const *rs,
                            size_t nrs, const struct k8s_event *const *events, size_t nevents,
                            int64_t now)
{
    json_t *root = desc_load(json, len);
    const json_t *meta, *spec, *status, *sel;
    struct desc_buf b = {0};
    char tbuf[64], *s;
    const char *kind;
    bool sts;
    json_int_t desired;
    size_t cell;

    (void)now;
    if (root == NULL) {
        return NULL;
    }
    meta = desc_obj(root, "metadata");
    spec = desc_obj(root, "spec");
    status = desc_obj(root, "status");
    kind = desc_str(root, "kind");
    sts = kind != NULL ? strcmp(kind, "StatefulSet") == 0
                       : json_object_get(spec, "updateStrategy") != NULL;
    desired = json_is_integer(json_object_get(spec, "replicas"))
                  ? json_integer_value(json_object_get(spec, "replicas"))
                  : 1;
    desc_line(&b, 0, 24, "Name", "%s", desc_or(desc_str(meta, "name"), ""));
    desc_line(&b, 0, 24, "Namespace", "%s", desc_or(desc_str(meta, "namespace"), ""));
    desc_line(&b, 0, 24, "CreationTimestamp", "%s",
              desc_time(k8s_parse_time(desc_str(meta, "creationTimestamp")), tbuf, sizeof tbuf));
    desc_map(&b, 0, 24, "Labels", desc_obj(meta, "labels"), "=", false);
    desc_map(&b, 0, 24, "Annotations", desc_obj(meta, "annotations"), ": ", true);
    sel = desc_obj(desc_obj(spec, "selector"), "matchLabels");
    s = desc_map_inline(sel);
    desc_line(&b, 0, 24, "Selector", "%s", s);
    free(s);
    if (sts) {
        const json_t *strategy = desc_obj(spec, "updateStrategy");

        desc_line(&b, 0, 24, "Replicas",
                  "%" JSON_INTEGER_FORMAT " desired | %" JSON_INTEGER_FORMAT " total", desired,
                  json_integer_value(json_object_get(status, "replicas")));
        desc_line(&b, 0, 24, "Update Strategy", "%s",
                  desc_or(desc_str(strategy, "type"), "RollingUpdate"));
        if (desc_obj(strategy, "rollingUpdate") != NULL) {
            s = desc_intstr(desc_obj(strategy, "rollingUpdate"), "partition", "0");
            desc_line(&b, 2, 22, "Partition", "%s", s);
            free(s);
        }
        desc_line(&b, 0, 24, "Pods Status",
                  "%" JSON_INTEGER_FORMAT " Ready / %" JSON_INTEGER_FORMAT
                  " Current / %" JSON_INTEGER_FORMAT " Updated",
                  json_integer_value(json_object_get(status, "readyReplicas")),
                  json_integer_value(json_object_get(status, "currentReplicas")),
                  json_integer_value(json_object_get(status, "updatedReplicas")));
    } else {
        const json_t *strategy = desc_obj(spec, "strategy");
        const char *type = desc_or(desc_str(strategy, "type"), "RollingUpdate");

        desc_line(&b, 0, 24, "Replicas",
                  "%" JSON_INTEGER_FORMAT " desired | %" JSON_INTEGER_FORMAT
                  " updated | %" JSON_INTEGER_FORMAT " total | %" JSON_INTEGER_FORMAT
                  " available | %" JSON_INTEGER_FORMAT " unavailable",
                  desired, json_integer_value(json_object_get(status, "updatedReplicas")),
                  json_integer_value(json_object_get(status, "replicas")),
                  json_integer_value(json_object_get(status, "availableReplicas")),
                  json_integer_value(json_object_get(status, "unavailableReplicas")));
        desc_line(&b, 0, 24, "StrategyType", "%s", type);
        desc_line(&b, 0, 24, "MinReadySeconds", "%" JSON_INTEGER_FORMAT,
                  json_integer_value(json_object_get(spec, "minReadySeconds")));
        if (strcmp(type, "RollingUpdate") == 0) {
            const json_t *ru = desc_obj(strategy, "rollingUpdate");
            char *mu = desc_intstr(ru, "maxUnavailable", "25%");
            char *ms = desc_intstr(ru, "maxSurge", "25%");

            desc_line(&b, 0, 24, "RollingUpdateStrategy", "%s max unavailable, %s max surge", mu,
                      ms);
            free(mu);
            free(ms);
        }
    }
    desc_template(&b, desc_obj(spec, "template"));
    cell = sts ? 0 : desc_rs_cell(status);
    desc_conditions(&b, status, true, cell);
    if (!sts) {
        desc_replicasets(&b, meta, cell, rs, nrs);
    }
    desc_events(&b, events, nevents, now, cell);
    json_decref(root);
    return desc_finish(&b);
}

/* True if the event is about this object (see k8s_describe_events()). */
static bool desc_event_matches(const struct k8s_event *e, const char *kind, const char *ns,
                               const char *name, const char *uid)
{
    if (uid != NULL && e->obj_uid != NULL) {
        return strcmp(uid, e->obj_uid) == 0;
    }
    return desc_eq(e->obj_kind, kind) && desc_eq(e->obj_name, name) &&
           (ns == NULL || desc_eq(e->ns, ns));
}

size_t k8s_describe_events(const struct store *s, const char *kind, const char *ns,
                           const char *name, const char *uid, const struct k8s_event ***out)
{
    const struct store_table *t = &s->tables[STORE_EVENT];
    const struct k8s_event **found = NULL;
    size_t n = 0, cap = 0;

    for (size_t i = 0; i < t->count; i++) {
        const struct k8s_event *e = (const struct k8s_event *)t->rows[i];

        if (!desc_event_matches(e, kind, ns, name, uid)) {
            continue;
        }
        if (n == cap) {
            cap = cap != 0 ? cap * 2 : 16;
            found = xrealloc(found, cap * sizeof *found);
        }
        found[n++] = e;
    }
    if (n > 1) {
        qsort(found, n, sizeof *found, desc_event_cmp);
    }
    *out = found;
    return n;
}

/* The ReplicaSets a Deployment owns that `a` may see, into *out (caller frees the array). */
static size_t k8s_describe_owned_rs(const struct store *s, const char *owner_uid,
                                    struct access *a, const struct k8s_replicaset ***out)
{
    const struct store_table *t = &s->tables[STORE_REPLICASET];
    size_t n = 0;

    *out = NULL;
    if (owner_uid == NULL) {
        return 0;
    }
    for (size_t i = 0; i < t->count; i++) {
        const struct k8s_replicaset *rs = (const struct k8s_replicaset *)t->rows[i];

        if (rs->owner_uid != NULL && strcmp(rs->owner_uid, owner_uid) == 0 &&
            (a == NULL || access_get(a, STORE_REPLICASET, rs->row.uid) != NULL)) {
            *out = xrealloc(*out, (n + 1) * sizeof **out);
            (*out)[n++] = rs;
        }
    }
    return n;
}

char *k8s_describe_request(const struct store *s, const struct k8s_request_priv *kp,
                           const char *json, size_t len, int64_t now, struct access *a)
{
    static const char *const kinds[] = {[K8S_OBJECT_POD] = "Pod",
                                        [K8S_OBJECT_DEPLOYMENT] = "Deployment",
                                        [K8S_OBJECT_STATEFULSET] = "StatefulSet"};
    const struct k8s_event **events = NULL;
    const struct k8s_replicaset **rs = NULL;
    size_t n = k8s_describe_events(s, kinds[kp->obj], kp->ns, kp->name, kp->uid, &events);
    size_t nrs, kept = 0;
    char *text;

    for (size_t i = 0; i < n; i++) { /* the session's only */
        if (a == NULL || access_get(a, STORE_EVENT, events[i]->row.uid) != NULL) {
            events[kept++] = events[i];
        }
    }
    n = kept;
    if (kp->obj == K8S_OBJECT_POD) {
        text = k8s_describe_pod(json, len, events, n, now);
    } else {
        nrs = kp->obj == K8S_OBJECT_DEPLOYMENT ? k8s_describe_owned_rs(s, kp->uid, a, &rs) : 0;
        text = k8s_describe_workload(json, len, rs, nrs, events, n, now);
    }
    free(events);
    free(rs);
    return text;
}
