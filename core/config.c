/* The configuration file: a table-driven INI parser into struct gc_config, and passwords
 * read from files with safe permissions or from the environment. */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/access.h"
#include "core/xalloc.h"

/* A config file larger than this is a mistake. */
#define CONFIG_MAX_FILE (1024 * 1024)
/* Nor is a password (or a client secret) longer than this. */
#define CONFIG_MAX_PASSWORD 4096
/* A bearer token may be a JWT with many claims. */
#define CONFIG_MAX_TOKEN 65536
/* Duration bounds in milliseconds. */
#define CONFIG_MIN_DURATION 100
#define CONFIG_MAX_DURATION (24 * 3600 * 1000LL)
/* A dataset may be expected once a year. */
#define CONFIG_MAX_CADENCE (366 * 24 * 3600 * 1000LL)
/* The largest number a duration may be written with: times the largest unit (a day) it still
 * fits an int64_t, so anything out of range is reported as such, not as a typing error. */
#define CONFIG_MAX_DURATION_COUNT 10000000000LL

enum config_type {
    CT_STRING,      /* any text */
    CT_PATH,        /* a file; a leading ~/ is the home directory */
    CT_PATH_OR_URL, /* a file or an http(s) URL */
    CT_URL,         /* http:// or https:// */
    CT_LDAP_URI,    /* ldap://, ldaps:// or ldapi:// */
    CT_DURATION,    /* int64_t milliseconds */
    CT_CADENCE,     /* a duration up to CONFIG_MAX_CADENCE */
    CT_BOOL,
    CT_BOOL_OVERRIDE, /* int: -1 until set (then as [tls]), 0 or 1 */
    CT_PERCENT,       /* double, 0..100 */
    CT_PERIOD,        /* enum config_period */
    CT_PATTERN,       /* PCRE2 with at least one capture group */
    CT_LIST,          /* [tenant] namespaces: a NULL-terminated char ** and a count */
};

struct config_key {
    const char *name;
    enum config_type type;
    size_t offset; /* into struct gc_config, or into the element of a named section */
};

/* A section with a name ([tenant NAME], [dataset NAME]): it may repeat with different names,
 * and each one is an element of an array in struct gc_config, in file order. */
struct config_named {
    size_t array; /* offset in struct gc_config of the array */
    size_t count; /* offset of its size_t count */
    size_t size;  /* of an element, whose first member is its char *name */
    bool (*valid_name)(const char *name);
    const char *name_rule;    /* for "bad tenant name 'X' (use a-z, 0-9 and -)" */
    void (*init)(void *elem); /* after zeroing; may be NULL */
};

struct config_section {
    const char *name;
    const struct config_key *keys;
    size_t nkeys;
    const struct config_named *named; /* NULL: a section without a name, once at most */
};

#define GC_OFF(field) offsetof(struct gc_config, field)
#define TN_OFF(field) offsetof(struct config_tenant, field)
#define DS_OFF(field) offsetof(struct config_dataset, field)
/* clang-format off */
/* A section's override of [tls]. */
#define TLS_KEYS(sec)                                              \
    {"ca_file", CT_PATH, GC_OFF(sec.ca_file)},                     \
    {"insecure", CT_BOOL_OVERRIDE, GC_OFF(sec.insecure)}
/* The keys all four source sections share. */
#define SOURCE_KEYS(sec)                                           \
    {"user", CT_STRING, GC_OFF(sec.user)},                         \
    {"password_file", CT_PATH, GC_OFF(sec.password_file)},         \
    {"token_file", CT_PATH, GC_OFF(sec.token_file)},               \
    {"interval", CT_DURATION, GC_OFF(sec.interval_ms)},            \
    {"tenant_pattern", CT_PATTERN, GC_OFF(sec.tenant_pattern)},    \
    {"allow_plain_http", CT_BOOL, GC_OFF(sec.allow_plain_http)},   \
    TLS_KEYS(sec)
/* clang-format on */

static const struct config_key kubernetes_keys[] = {
    {"kubeconfig", CT_PATH, GC_OFF(kubernetes.kubeconfig)},
    {"context", CT_STRING, GC_OFF(kubernetes.context)},
    {"interval_metrics", CT_DURATION, GC_OFF(kubernetes.interval_metrics_ms)},
    {"tenant_pattern", CT_PATTERN, GC_OFF(kubernetes.tenant_pattern)},
    {"allow_plain_http", CT_BOOL, GC_OFF(kubernetes.allow_plain_http)},
};
static const struct config_key nagios_keys[] = {
    {"url", CT_URL, GC_OFF(nagios.url)},
    SOURCE_KEYS(nagios),
};
static const struct config_key servicenow_keys[] = {
    {"url", CT_URL, GC_OFF(servicenow.url)},
    SOURCE_KEYS(servicenow),
    {"client_id", CT_STRING, GC_OFF(servicenow.client_id)},
    {"client_secret_file", CT_PATH, GC_OFF(servicenow.client_secret_file)},
};
static const struct config_key mapr_keys[] = {
    {"url", CT_URL, GC_OFF(mapr.url)},
    SOURCE_KEYS(mapr),
    {"httpfs", CT_URL, GC_OFF(mapr.httpfs)},
};
static const struct config_key krakend_keys[] = {
    SOURCE_KEYS(krakend),
    {"config", CT_PATH_OR_URL, GC_OFF(krakend.config)},
    {"metrics", CT_URL, GC_OFF(krakend.metrics)},
    {"health", CT_URL, GC_OFF(krakend.health)},
    {"error_warn", CT_PERCENT, GC_OFF(krakend.error_warn)},
};
static const struct config_key directory_keys[] = {
    {"uri", CT_LDAP_URI, GC_OFF(directory.uri)},
    {"base", CT_STRING, GC_OFF(directory.base)},
    {"bind_dn", CT_STRING, GC_OFF(directory.bind_dn)},
    {"password_file", CT_PATH, GC_OFF(directory.password_file)},
    {"starttls", CT_BOOL, GC_OFF(directory.starttls)},
    {"timeout", CT_DURATION, GC_OFF(directory.timeout_ms)},
    {"required", CT_BOOL, GC_OFF(directory.required)},
    {"interval", CT_DURATION, GC_OFF(directory.interval_ms)}, /* enrichment (issue 16) */
    TLS_KEYS(directory),
};
static const struct config_key access_keys[] = {
    {"operators", CT_STRING, GC_OFF(access.operators)},
    {"oncall", CT_STRING, GC_OFF(access.oncall)},
    {"tenant_group_prefix", CT_STRING, GC_OFF(access.tenant_group_prefix)},
    {"contexts", CT_STRING, GC_OFF(access.contexts)},
};
static const struct config_key sla_keys[] = {
    {"target", CT_PERCENT, GC_OFF(sla.target)},
    {"period", CT_PERIOD, GC_OFF(sla.period)},
    {"warning_is_down", CT_BOOL, GC_OFF(sla.warning_is_down)},
};
static const struct config_key ui_keys[] = {
    {"theme", CT_STRING, GC_OFF(ui.theme)},
    {"refresh", CT_DURATION, GC_OFF(ui.refresh_ms)},
    {"mouse", CT_BOOL, GC_OFF(ui.mouse)},
};
static const struct config_key tls_keys[] = {
    {"ca_file", CT_PATH, GC_OFF(tls.ca_file)},
    {"insecure", CT_BOOL, GC_OFF(tls.insecure)},
};
static const struct config_key tenant_keys[] = {
    {"display", CT_STRING, TN_OFF(display)},
    {"namespaces", CT_LIST, TN_OFF(namespaces)},
    {"nagios_hostgroup", CT_STRING, TN_OFF(nagios_hostgroup)},
    {"servicenow_company", CT_STRING, TN_OFF(servicenow_company)},
    {"mapr_prefix", CT_STRING, TN_OFF(mapr_prefix)},
    {"gateway_prefix", CT_STRING, TN_OFF(gateway_prefix)},
    {"sla_target", CT_PERCENT, TN_OFF(sla_target)},
};
static const struct config_key dataset_keys[] = {
    {"cadence", CT_CADENCE, DS_OFF(cadence_ms)},
    {"owner", CT_STRING, DS_OFF(owner)},
};

static bool valid_tenant_name(const char *s);
static bool valid_dataset_name(const char *s);
static void tenant_init(void *elem);

_Static_assert(offsetof(struct config_tenant, name) == 0, "name first");
_Static_assert(offsetof(struct config_dataset, name) == 0, "name first");
static const struct config_named tenant_named = {
    .array = GC_OFF(tenants),
    .count = GC_OFF(ntenants),
    .size = sizeof(struct config_tenant),
    .valid_name = valid_tenant_name,
    .name_rule = "use a-z, 0-9 and -",
    .init = tenant_init,
};
static const struct config_named dataset_named = {
    .array = GC_OFF(datasets),
    .count = GC_OFF(ndatasets),
    .size = sizeof(struct config_dataset),
    .valid_name = valid_dataset_name,
    .name_rule = "use a volume name, a /path or a glob over them with * and ?",
    .init = NULL,
};

#define KEYS(k) k, sizeof(k) / sizeof(k[0])
static const struct config_section sections[] = {
    {"kubernetes", KEYS(kubernetes_keys), NULL},
    {"nagios", KEYS(nagios_keys), NULL},
    {"servicenow", KEYS(servicenow_keys), NULL},
    {"mapr", KEYS(mapr_keys), NULL},
    {"krakend", KEYS(krakend_keys), NULL},
    {"directory", KEYS(directory_keys), NULL},
    {"access", KEYS(access_keys), NULL},
    {"sla", KEYS(sla_keys), NULL},
    {"ui", KEYS(ui_keys), NULL},
    {"tls", KEYS(tls_keys), NULL},
    {"tenant", KEYS(tenant_keys), &tenant_named},
    {"dataset", KEYS(dataset_keys), &dataset_named},
};
#undef KEYS

#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))
/* The most keys a section has (struct parser tracks each key's line). */
#define MAX_KEYS 12
#define NKEYS(k) (sizeof(k) / sizeof(k[0]))
_Static_assert(NKEYS(kubernetes_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(nagios_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(servicenow_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(mapr_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(krakend_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(directory_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(access_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(sla_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(ui_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(tls_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(tenant_keys) <= MAX_KEYS, "raise MAX_KEYS");
_Static_assert(NKEYS(dataset_keys) <= MAX_KEYS, "raise MAX_KEYS");
#define SEC_NONE (-1)
#define SEC_UNKNOWN (-2)

/* Default tenant patterns (docs/configuration.md, DESIGN.md "Tenant mapping"). */
#define DEFAULT_NAGIOS_PATTERN "^tenant-([a-z0-9-]+)$"
#define DEFAULT_MAPR_PATTERN "^(?:t\\.|/tenants/)([a-z0-9-]+)[./]"
#define DEFAULT_KRAKEND_PATTERN "^/([a-z0-9-]+)/"
#define DEFAULT_REFRESH_MS 30000
#define DEFAULT_KRAKEND_INTERVAL_MS 15000 /* krakend (issue 15) */
#define DEFAULT_SLA_TARGET 99.5
#define DEFAULT_ERROR_WARN 1.0
#define DEFAULT_DIRECTORY_TIMEOUT_MS 5000
#define DEFAULT_DIRECTORY_INTERVAL_MS (5 * 60 * 1000) /* directory enrichment (issue 16) */
#define DEFAULT_MAPR_INTERVAL_MS 60000 /* MapR: its lists are large and change slowly */

/* The source sections: where each one's struct is, and its default tenant pattern. */
static const struct {
    const char *name;
    size_t offset; /* of its struct config_source in struct gc_config */
    const char *tenant_pattern;
} source_sections[] = {
    {"nagios", GC_OFF(nagios), DEFAULT_NAGIOS_PATTERN},
    {"servicenow", GC_OFF(servicenow), NULL},
    {"mapr", GC_OFF(mapr), DEFAULT_MAPR_PATTERN},
    {"krakend", GC_OFF(krakend), DEFAULT_KRAKEND_PATTERN},
};
#define NSOURCES (sizeof(source_sections) / sizeof(source_sections[0]))

struct parser {
    const char *file;
    struct gc_config *c;
    struct config_diag *d;
    int nerrors;
    int section;                    /* index into sections[], SEC_NONE or SEC_UNKNOWN */
    void *elem;                     /* in a named section: its element */
    char *section_label;            /* "[nagios]", "[tenant dmi]": for messages */
    size_t section_line[NSECTIONS]; /* first line of each fixed section; 0 = not seen */
    size_t *named_line[NSECTIONS];  /* first line of each element of a named section */
    size_t named_base[NSECTIONS];   /* elements an earlier file made (this one may add keys) */
    size_t key_line[MAX_KEYS];      /* line of each key in the current section; 0 = unset */
    const char *restricted;         /* the user's file: the system file's path (or "the
                                       system configuration"); what decides scope and
                                       identity is not its to set */
};

static const char *const period_names[] = {"month", "week", "day"};

const char *config_period_name(enum config_period p)
{
    return (unsigned)p < 3 ? period_names[p] : "?";
}

void config_diag_init(struct config_diag *d)
{
    memset(d, 0, sizeof(*d));
}

static void free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i]);
    }
    free(items);
}

void config_diag_fini(struct config_diag *d)
{
    free_list(d->errors, d->nerrors);
    free_list(d->warnings, d->nwarnings);
    config_diag_init(d);
}

/* Formats a message into a new string. */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *s;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    return s;
}

static void push(char ***items, size_t *n, char *msg)
{
    *items = xrealloc(*items, (*n + 1) * sizeof(**items));
    (*items)[(*n)++] = msg;
}

/* Records an error (is_error) or a warning; d may be NULL. */
static void diag_add(struct config_diag *d, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void diag_add(struct config_diag *d, bool is_error, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (d == NULL) {
        return;
    }
    va_start(ap, fmt);
    msg = vformat(fmt, ap);
    va_end(ap);
    if (is_error) {
        push(&d->errors, &d->nerrors, msg);
    } else {
        push(&d->warnings, &d->nwarnings, msg);
    }
}

/* "FILE:LINE: message" as an error; counts it. */
void config_diag_warn(struct config_diag *d, const char *fmt, ...)
{
    va_list ap;

    if (d == NULL) {
        return;
    }
    va_start(ap, fmt);
    push(&d->warnings, &d->nwarnings, vformat(fmt, ap));
    va_end(ap);
}

static void perr(struct parser *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, size_t line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = vformat(fmt, ap);
    va_end(ap);
    diag_add(p->d, true, "%s:%zu: %s", p->file, line, msg);
    free(msg);
    p->nerrors++;
}

/* The i-th source section's struct in c. */
static struct config_source *source_at(const struct gc_config *c, size_t i)
{
    return (struct config_source *)((const char *)c + source_sections[i].offset);
}

void config_init(struct gc_config *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < NSOURCES; i++) {
        struct config_source *s = source_at(c, i);

        if (source_sections[i].tenant_pattern != NULL) {
            s->tenant_pattern = xstrdup(source_sections[i].tenant_pattern);
        }
        s->interval_ms = s == &c->mapr ? DEFAULT_MAPR_INTERVAL_MS : DEFAULT_REFRESH_MS;
        s->insecure = -1;
        s->error_warn = DEFAULT_ERROR_WARN;
    }
    c->krakend.interval_ms = DEFAULT_KRAKEND_INTERVAL_MS; /* krakend (issue 15) */
    c->directory.timeout_ms = DEFAULT_DIRECTORY_TIMEOUT_MS;
    c->directory.required = true;
    c->directory.interval_ms = DEFAULT_DIRECTORY_INTERVAL_MS; /* enrichment (issue 16) */
    c->directory.insecure = -1;
    c->access.operators = xstrdup("govcloud-operators");
    c->access.oncall = xstrdup("govcloud-oncall");
    c->access.tenant_group_prefix = xstrdup("tenant-");
    c->sla.target = DEFAULT_SLA_TARGET;
    c->sla.period = CONFIG_PERIOD_MONTH;
    c->ui.theme = xstrdup("default");
    c->ui.refresh_ms = DEFAULT_REFRESH_MS;
    c->ui.mouse = true;
    c->tls.insecure = false;
    c->kubernetes.interval_metrics_ms = DEFAULT_REFRESH_MS;
}

/* Frees every string a key table points at, with `base` the struct the offsets refer to. */
static void free_keys(void *base, const struct config_key *keys, size_t nkeys)
{
    for (size_t i = 0; i < nkeys; i++) {
        void *field = (char *)base + keys[i].offset;

        switch (keys[i].type) {
        case CT_STRING:
        case CT_PATH:
        case CT_PATH_OR_URL:
        case CT_URL:
        case CT_LDAP_URI:
        case CT_PATTERN:
            free(*(char **)field);
            *(char **)field = NULL;
            break;
        case CT_LIST: {
            char **list = *(char ***)field;

            for (size_t j = 0; list != NULL && list[j] != NULL; j++) {
                free(list[j]);
            }
            free(list);
            *(char ***)field = NULL;
            break;
        }
        default:
            break;
        }
    }
}

/* The array of a named section's elements in c: a struct config_tenant * or the like, so it
 * is read and written through memcpy rather than through a pointer of another type. */
static char *named_array(const struct gc_config *c, const struct config_named *n)
{
    void *array;

    memcpy(&array, (const char *)c + n->array, sizeof(array));
    return array;
}

static void named_set_array(struct gc_config *c, const struct config_named *n, void *array)
{
    memcpy((char *)c + n->array, &array, sizeof(array));
}

/* The number of elements of a named section in c. */
static size_t *named_count(const struct gc_config *c, const struct config_named *n)
{
    return (size_t *)((const char *)c + n->count);
}

/* Element i of a named section. */
static void *named_elem(const struct gc_config *c, const struct config_named *n, size_t i)
{
    return named_array(c, n) + i * n->size;
}

/* The name of an element of a named section (its first member). */
static const char *elem_name(const void *elem)
{
    return *(char *const *)elem;
}

void config_fini(struct gc_config *c)
{
    for (size_t s = 0; s < NSECTIONS; s++) {
        const struct config_named *n = sections[s].named;

        if (n == NULL) {
            free_keys(c, sections[s].keys, sections[s].nkeys);
            continue;
        }
        for (size_t i = 0; i < *named_count(c, n); i++) {
            free_keys(named_elem(c, n, i), sections[s].keys, sections[s].nkeys);
            free(*(char **)named_elem(c, n, i));
        }
        free(named_array(c, n));
    }
    free(c->path);
    free(c->system_path);
    memset(c, 0, sizeof(*c));
}

const struct config_tenant *config_tenant(const struct gc_config *c, const char *name)
{
    for (size_t i = 0; i < c->ntenants; i++) {
        if (strcmp(c->tenants[i].name, name) == 0) {
            return &c->tenants[i];
        }
    }
    return NULL;
}

const struct config_source *config_source_get(const struct gc_config *c, const char *section)
{
    for (size_t i = 0; i < NSOURCES; i++) {
        if (strcmp(source_sections[i].name, section) == 0) {
            return source_at(c, i);
        }
    }
    return NULL;
}

bool config_source_configured(const struct config_source *s, const char *section)
{
    if (s == NULL) {
        return false;
    }
    if (strcmp(section, "krakend") == 0) {
        return s->config != NULL || s->metrics != NULL || s->health != NULL;
    }
    return s->url != NULL;
}

void config_tls(const struct gc_config *c, const char *section, const char **ca_file,
                bool *insecure)
{
    const struct config_source *s = config_source_get(c, section);
    const char *ca = NULL;
    int ins = -1;

    if (s != NULL) {
        ca = s->ca_file;
        ins = s->insecure;
    } else if (strcmp(section, "directory") == 0) {
        ca = c->directory.ca_file;
        ins = c->directory.insecure;
    }
    *ca_file = ca != NULL ? ca : c->tls.ca_file;
    *insecure = ins >= 0 ? ins != 0 : c->tls.insecure;
}

const struct config_dataset *config_dataset_match(const struct gc_config *c, const char *name)
{
    for (size_t i = 0; i < c->ndatasets; i++) {
        if (strcmp(c->datasets[i].name, name) == 0) {
            return &c->datasets[i];
        }
    }
    for (size_t i = 0; i < c->ndatasets; i++) {
        if (fnmatch(c->datasets[i].name, name, 0) == 0) {
            return &c->datasets[i];
        }
    }
    return NULL;
}

const char *config_default_path(char *buf, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int len;

    /* The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
    if (xdg != NULL && xdg[0] == '/') {
        len = snprintf(buf, n, "%s/govconsole/config.ini", xdg);
    } else if (home != NULL && home[0] != '\0') {
        len = snprintf(buf, n, "%s/.config/govconsole/config.ini", home);
    } else {
        return NULL;
    }
    return len >= 0 && (size_t)len < n ? buf : NULL;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks at both ends in place; returns the start. */
static char *trim(char *s)
{
    size_t n;

    while (is_blank(*s)) {
        s++;
    }
    n = strlen(s);
    while (n > 0 && is_blank(s[n - 1])) {
        s[--n] = '\0';
    }
    return s;
}

/* True if s starts a comment: '#' or ';'. */
static bool is_comment(const char *s)
{
    return *s == '#' || *s == ';';
}

/* Cuts an unquoted value at a '#' or ';' that follows a blank. */
static void strip_inline_comment(char *v)
{
    for (char *q = v; *q != '\0'; q++) {
        if (is_comment(q) && q > v && is_blank(q[-1])) {
            *q = '\0';
            return;
        }
    }
}

/* Parses a duration ("30", "30s", "500ms", "5m", "1h", "1d") into milliseconds. */
static bool parse_duration(const char *s, int64_t *ms)
{
    int64_t n = 0, mult;
    const char *p = s;

    if (*p < '0' || *p > '9') {
        return false;
    }
    while (*p >= '0' && *p <= '9') {
        if (n > CONFIG_MAX_DURATION_COUNT) {
            return false;
        }
        n = n * 10 + (*p++ - '0');
    }
    if (*p == '\0' || strcmp(p, "s") == 0) {
        mult = 1000;
    } else if (strcmp(p, "ms") == 0) {
        mult = 1;
    } else if (strcmp(p, "m") == 0) {
        mult = 60 * 1000;
    } else if (strcmp(p, "h") == 0) {
        mult = 3600 * 1000;
    } else if (strcmp(p, "d") == 0) {
        mult = 24 * 3600 * 1000;
    } else {
        return false;
    }
    *ms = n * mult;
    return true;
}

static bool parse_bool(const char *s, bool *b)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *b = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *b = false;
            return true;
        }
    }
    return false;
}

/* Parses "99.5", "100", "99.95%" without strtod, so the locale's decimal comma cannot make
 * "99.5" mean 99. */
static bool parse_percent(const char *s, double *out)
{
    double v = 0, scale = 1;
    const char *p = s;
    int digits = 0;

    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        if (++digits > 3) {
            return false;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            return false;
        }
        while (*p >= '0' && *p <= '9') {
            scale /= 10;
            v += scale * (*p++ - '0');
        }
    }
    if (*p == '%') {
        p++;
    }
    if (*p != '\0' || v > 100) {
        return false;
    }
    *out = v;
    return true;
}

/* A Kubernetes namespace name (an RFC 1123 label). */
static bool valid_namespace(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
            return false;
        }
    }
    return true;
}

/* A tenant name as in [tenant NAME]: the same alphabet as namespaces. */
static bool valid_tenant_name(const char *s)
{
    return valid_namespace(s);
}

static void tenant_init(void *elem)
{
    struct config_tenant *t = elem;

    t->sla_target = -1; /* filled from [sla] target at the end */
}

/* True if s is not empty and made of ASCII letters, digits and the characters of punct. */
static bool made_of(const char *s, const char *punct)
{
    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        char c = *s;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr(punct, c) != NULL)) {
            return false;
        }
    }
    return true;
}

/* A dataset name as in [dataset NAME]: a MapR volume name (letters, digits, '.', '_', '-'), a
 * path ('/' too), or a glob over them ('*' and '?'; '[' cannot be written in a section line). */
static bool valid_dataset_name(const char *s)
{
    return made_of(s, "._-/*?");
}

/* Expands a leading "~/" to $HOME. Returns a new string. */
static char *expand_home(const char *v)
{
    const char *home = getenv("HOME");

    if (v[0] == '~' && v[1] == '/' && home != NULL && home[0] != '\0') {
        return xasprintf("%s%s", home, v + 1);
    }
    return xstrdup(v);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0 && s[strlen(prefix)] != '\0';
}

/* Replaces the string at *field with a copy of v (NULL when v is empty). */
static void set_string(char **field, char *v)
{
    free(*field);
    *field = v;
}

/* Splits "a, b c" into a NULL-terminated list; returns false on a bad namespace (*bad set to
 * the first one, caller frees). */
static bool parse_list(const char *v, char ***out, size_t *count, char **bad)
{
    char *copy = xstrdup(v);
    char **list = NULL;
    size_t n = 0;
    char *save = NULL;

    for (char *w = strtok_r(copy, ", \t", &save); w != NULL; w = strtok_r(NULL, ", \t", &save)) {
        if (!valid_namespace(w)) {
            *bad = xstrdup(w);
            for (size_t i = 0; i < n; i++) {
                free(list[i]);
            }
            free(list);
            free(copy);
            return false;
        }
        list = xrealloc(list, (n + 2) * sizeof(*list));
        list[n++] = xstrdup(w);
        list[n] = NULL;
    }
    free(copy);
    *out = list;
    *count = n;
    return true;
}

/* Types whose empty value means "not set" (NULL). */
static bool is_string_type(enum config_type t)
{
    return t == CT_STRING || t == CT_PATH || t == CT_PATH_OR_URL || t == CT_URL ||
           t == CT_LDAP_URI || t == CT_PATTERN;
}

/* Stores value v (unquoted, trimmed) for key k into the struct at base. */
static void set_value(struct parser *p, size_t line, void *base, const struct config_key *k,
                      const char *v)
{
    void *field = (char *)base + k->offset;
    char *msg;

    if (v[0] == '\0' && is_string_type(k->type)) {
        set_string(field, NULL);
        return;
    }
    switch (k->type) {
    case CT_STRING:
        set_string(field, xstrdup(v));
        break;
    case CT_PATH:
        set_string(field, expand_home(v));
        break;
    case CT_PATH_OR_URL:
        set_string(field, has_prefix(v, "http://") || has_prefix(v, "https://") ? xstrdup(v)
                                                                                : expand_home(v));
        break;
    case CT_URL:
        if (!has_prefix(v, "http://") && !has_prefix(v, "https://")) {
            perr(p, line, "bad URL '%s' for '%s' (use http:// or https://)", v, k->name);
            return;
        }
        set_string(field, xstrdup(v));
        break;
    case CT_LDAP_URI:
        if (!has_prefix(v, "ldap://") && !has_prefix(v, "ldaps://") && !has_prefix(v, "ldapi://")) {
            perr(p, line, "bad URI '%s' for '%s' (use ldap://, ldaps:// or ldapi://)", v, k->name);
            return;
        }
        set_string(field, xstrdup(v));
        break;
    case CT_DURATION:
    case CT_CADENCE: {
        bool cadence = k->type == CT_CADENCE;
        int64_t ms;

        if (!parse_duration(v, &ms)) {
            perr(p, line, "bad duration '%s' for '%s' (use 30, 30s, 5m, 1h or 1d)", v, k->name);
            return;
        }
        if (ms < CONFIG_MIN_DURATION || ms > (cadence ? CONFIG_MAX_CADENCE : CONFIG_MAX_DURATION)) {
            perr(p, line, "duration '%s' for '%s' is out of range (100ms to %s)", v, k->name,
                 cadence ? "366d" : "24h");
            return;
        }
        *(int64_t *)field = ms;
        break;
    }
    case CT_BOOL:
    case CT_BOOL_OVERRIDE: {
        bool b;

        if (!parse_bool(v, &b)) {
            perr(p, line, "bad boolean '%s' for '%s' (use true or false)", v, k->name);
        } else if (k->type == CT_BOOL) {
            *(bool *)field = b;
        } else {
            *(int *)field = b;
        }
        break;
    }
    case CT_PERCENT:
        if (!parse_percent(v, field)) {
            perr(p, line, "bad percentage '%s' for '%s' (use a number from 0 to 100)", v, k->name);
        }
        break;
    case CT_PERIOD: {
        size_t i = 0;

        while (i < 3 && strcasecmp(v, period_names[i]) != 0) {
            i++;
        }
        if (i == 3) {
            perr(p, line, "bad period '%s' for '%s' (use month, week or day)", v, k->name);
            return;
        }
        *(enum config_period *)field = (enum config_period)i;
        break;
    }
    case CT_PATTERN:
        msg = access_pattern_error(v);
        if (msg != NULL) {
            perr(p, line, "bad pattern for '%s': %s", k->name, msg);
            free(msg);
            return;
        }
        set_string(field, xstrdup(v));
        break;
    case CT_LIST: {
        /* Only [tenant] namespaces is a list. */
        struct config_tenant *t = base;
        char **list = NULL;
        size_t n = 0;
        char *bad = NULL;

        if (!parse_list(v, &list, &n, &bad)) {
            perr(p, line, "bad namespace '%s' in '%s' (use a-z, 0-9 and -)", bad, k->name);
            free(bad);
            return;
        }
        free_keys(base, k, 1);
        t->namespaces = list;
        t->nnamespaces = n;
        break;
    }
    }
}

/* Starts element `arg` of named section s, unless the name is bad or taken. */
static void add_named(struct parser *p, size_t line, size_t s, const char *arg)
{
    const struct config_named *n = sections[s].named;
    size_t *count = named_count(p->c, n);

    if (!n->valid_name(arg)) {
        perr(p, line, "bad %s name '%s' (%s)", sections[s].name, arg, n->name_rule);
        return;
    }
    for (size_t i = 0; i < *count; i++) {
        if (strcmp(elem_name(named_elem(p->c, n, i)), arg) != 0) {
            continue;
        }
        if (i < p->named_base[s]) { /* an earlier file's: this one overrides its keys */
            p->elem = named_elem(p->c, n, i);
            p->section = (int)s;
            return;
        }
        perr(p, line, "duplicate section [%s %s] (first on line %zu)", sections[s].name, arg,
             p->named_line[s][i]);
        return;
    }
    named_set_array(p->c, n, xrealloc(named_array(p->c, n), (*count + 1) * n->size));
    p->named_line[s] = xrealloc(p->named_line[s], (*count + 1) * sizeof(*p->named_line[s]));
    p->named_line[s][*count] = line;
    p->elem = named_elem(p->c, n, (*count)++);
    memset(p->elem, 0, n->size);
    *(char **)p->elem = xstrdup(arg);
    if (n->init != NULL) {
        n->init(p->elem);
    }
    p->section = (int)s;
}

/* Handles "[name]" or "[name arg]"; inner is the text between the brackets. */
static void parse_section(struct parser *p, size_t line, char *inner)
{
    char *name = trim(inner);
    char *arg = name;
    size_t s;

    while (*arg != '\0' && !is_blank(*arg)) {
        arg++;
    }
    if (*arg != '\0') {
        *arg++ = '\0';
        arg = trim(arg);
    }
    if (*name == '\0') {
        perr(p, line, "syntax error: empty section name");
        p->section = SEC_UNKNOWN;
        return;
    }
    free(p->section_label);
    p->section_label = *arg != '\0' ? xasprintf("[%s %s]", name, arg) : xasprintf("[%s]", name);
    memset(p->key_line, 0, sizeof(p->key_line));
    p->section = SEC_UNKNOWN;
    for (s = 0; s < NSECTIONS && strcmp(sections[s].name, name) != 0; s++) {
    }
    if (s == NSECTIONS) {
        diag_add(p->d, false, "%s:%zu: unknown section %s", p->file, line, p->section_label);
        return;
    }
    if (p->restricted != NULL && config_decides_scope(sections[s].name, NULL)) {
        diag_add(p->d, false,
                 "%s:%zu: %s decides scope and identity: only %s may set it; ignored", p->file,
                 line, p->section_label, p->restricted);
        return; /* its keys are skipped with it */
    }
    if (sections[s].named == NULL) {
        if (*arg != '\0') {
            perr(p, line, "section [%s] takes no name", name);
            return;
        }
        if (p->section_line[s] != 0) {
            perr(p, line, "duplicate section [%s] (first on line %zu)", name, p->section_line[s]);
            return;
        }
        p->section_line[s] = line;
        p->section = (int)s;
        return;
    }
    if (*arg == '\0') {
        perr(p, line, "[%s] needs a name: [%s NAME]", name, name);
        return;
    }
    add_named(p, line, s, arg);
}

/* A key name: letters, digits, '_', '-' and '.'. */
static bool valid_key(const char *k)
{
    return made_of(k, "_-.");
}

/* Pairs of keys one section may not both set: a bearer token replaces user and password. */
static const char *const exclusive_keys[][2] = {
    {"token_file", "password_file"},
    {"token_file", "user"},
};

/* The index of the key called `name` in sec, or sec->nkeys. */
static size_t key_index(const struct config_section *sec, const char *name)
{
    size_t k = 0;

    while (k < sec->nkeys && strcmp(sec->keys[k].name, name) != 0) {
        k++;
    }
    return k;
}

/* Reports key k (being set, in the struct at base) if the section already set a string key it
 * excludes; returns whether it did. */
static bool key_excluded(struct parser *p, size_t line, const struct config_section *sec,
                         const void *base, size_t k)
{
    for (size_t i = 0; i < NKEYS(exclusive_keys); i++) {
        for (size_t side = 0; side < 2; side++) {
            size_t other;

            if (strcmp(sec->keys[k].name, exclusive_keys[i][side]) != 0) {
                continue;
            }
            other = key_index(sec, exclusive_keys[i][1 - side]);
            if (other < sec->nkeys &&
                *(char *const *)((const char *)base + sec->keys[other].offset) != NULL) {
                perr(p, line,
                     "'%s' and '%s' (line %zu) both set in %s: use a token or a user and "
                     "password, not both",
                     sec->keys[k].name, sec->keys[other].name, p->key_line[other],
                     p->section_label);
                return true;
            }
        }
    }
    return false;
}

/* Handles "key = value"; eq points at the '='. */
static void parse_key(struct parser *p, size_t line, char *text, char *eq)
{
    char *key, *v;
    const struct config_section *sec;
    void *base;
    size_t k;

    *eq = '\0';
    key = trim(text);
    v = trim(eq + 1);
    if (!valid_key(key)) {
        perr(p, line, "syntax error: expected [section], key = value or a comment");
        return;
    }
    if (*v == '"') {
        char *close = strchr(v + 1, '"');

        if (close == NULL) {
            perr(p, line, "syntax error: unterminated quote");
            return;
        }
        *close = '\0';
        if (*trim(close + 1) != '\0' && !is_comment(trim(close + 1))) {
            perr(p, line, "syntax error: text after the closing quote");
            return;
        }
        v++;
    } else {
        strip_inline_comment(v);
        v = trim(v);
    }
    if (p->section == SEC_NONE) {
        perr(p, line, "key '%s' outside any section", key);
        return;
    }
    if (p->section == SEC_UNKNOWN) {
        return; /* the section was already reported */
    }
    sec = &sections[p->section];
    base = sec->named != NULL ? p->elem : (void *)p->c;
    k = key_index(sec, key);
    if (k == sec->nkeys) {
        diag_add(p->d, false, "%s:%zu: unknown key '%s' in %s", p->file, line, key,
                 p->section_label);
        return;
    }
    if (p->key_line[k] != 0) {
        perr(p, line, "duplicate key '%s' in %s (first on line %zu)", key, p->section_label,
             p->key_line[k]);
        return;
    }
    if (p->restricted != NULL && config_decides_scope(sec->name, key)) {
        diag_add(p->d, false,
                 "%s:%zu: %s in %s decides scope: only %s may set it; ignored", p->file, line,
                 key, p->section_label, p->restricted);
        return;
    }
    p->key_line[k] = line;
    if (*v != '\0' && key_excluded(p, line, sec, base, k)) {
        return;
    }
    set_value(p, line, base, &sec->keys[k], v);
}

/* Parses one line (NUL-terminated, no newline). */
static void parse_line(struct parser *p, size_t line, char *text)
{
    char *s = trim(text);
    char *eq;

    if (*s == '\0' || is_comment(s)) {
        return;
    }
    if (*s == '[') {
        char *close = strchr(s, ']');
        char *rest;

        if (close == NULL) {
            perr(p, line, "syntax error: missing ']'");
            return;
        }
        *close = '\0';
        rest = trim(close + 1);
        if (*rest != '\0' && !is_comment(rest)) {
            perr(p, line, "syntax error: text after ']'");
            return;
        }
        parse_section(p, line, s + 1);
        return;
    }
    eq = strchr(s, '=');
    if (eq == NULL) {
        perr(p, line, "syntax error: expected [section], key = value or a comment");
        return;
    }
    parse_key(p, line, s, eq);
}

bool config_decides_scope(const char *section, const char *key)
{
    static const char *const sections_of_scope[] = {"tenant", "access", "directory"};

    for (size_t i = 0; i < NKEYS(sections_of_scope); i++) {
        if (strcmp(section, sections_of_scope[i]) == 0) {
            return true;
        }
    }
    return key != NULL && strcmp(key, "tenant_pattern") == 0;
}

/* Reads the lines of one file's text into p->c. */
static void parser_run(struct parser *p, const char *text, size_t len)
{
    const char *cur = text;
    const char *end = text + len;
    size_t line = 0;

    if (len >= 3 && memcmp(cur, "\xef\xbb\xbf", 3) == 0) {
        cur += 3;
    }
    while (cur < end) {
        const char *nl = memchr(cur, '\n', (size_t)(end - cur));
        size_t n = (size_t)((nl != NULL ? nl : end) - cur);
        char *buf;

        line++;
        if (memchr(cur, '\0', n) != NULL) {
            perr(p, line, "NUL byte in line");
            cur += n + 1;
            continue;
        }
        buf = xstrndup(cur, n);
        if (n > 0 && buf[n - 1] == '\r') {
            buf[n - 1] = '\0';
        }
        parse_line(p, line, buf);
        free(buf);
        cur += n + 1;
    }
}

static void parser_fini(struct parser *p)
{
    free(p->section_label);
    for (size_t s = 0; s < NSECTIONS; s++) {
        free(p->named_line[s]);
    }
}

/* A parser for one more file over what `c` holds (an earlier file's, or the defaults). */
static void parser_init(struct parser *p, const char *file, struct gc_config *c,
                        struct config_diag *d, const char *restricted)
{
    memset(p, 0, sizeof(*p));
    p->file = file;
    p->c = c;
    p->d = d;
    p->section = SEC_NONE;
    p->restricted = restricted;
    for (size_t s = 0; s < NSECTIONS; s++) {
        if (sections[s].named != NULL) {
            p->named_base[s] = *named_count(c, sections[s].named);
            p->named_line[s] = xcalloc(p->named_base[s] + 1, sizeof(*p->named_line[s]));
        }
    }
}

/* The defaults and marks a parse starts from: intervals not set in a file follow [ui]
 * refresh, so they are marked unset while parsing. */
static void config_begin(struct gc_config *c)
{
    config_init(c);
    c->kubernetes.interval_metrics_ms = 0;
    for (size_t i = 0; i < NSOURCES; i++) {
        source_at(c, i)->interval_ms = 0;
    }
}

/* What follows from the files once all are read. */
static void config_end(struct gc_config *c)
{
    if (c->kubernetes.interval_metrics_ms == 0) {
        c->kubernetes.interval_metrics_ms = c->ui.refresh_ms;
    }
    /* krakend (issue 15): the gateway's metrics are scraped every 15 s unless set */
    if (c->krakend.interval_ms == 0) {
        c->krakend.interval_ms = DEFAULT_KRAKEND_INTERVAL_MS;
    }
    for (size_t i = 0; i < NSOURCES; i++) {
        if (source_at(c, i)->interval_ms == 0) {
            source_at(c, i)->interval_ms =
                source_at(c, i) == &c->mapr ? DEFAULT_MAPR_INTERVAL_MS : c->ui.refresh_ms;
        }
    }
    for (size_t t = 0; t < c->ntenants; t++) {
        if (c->tenants[t].sla_target < 0) {
            c->tenants[t].sla_target = c->sla.target;
        }
    }
}

int config_parse(const char *file, const char *text, size_t len, struct gc_config *out,
                 struct config_diag *diag)
{
    struct parser p;
    int nerrors;

    config_begin(out);
    parser_init(&p, file, out, diag, NULL);
    parser_run(&p, text, len);
    nerrors = p.nerrors;
    parser_fini(&p);
    config_end(out);
    return nerrors > 0 ? -1 : 0;
}

/* Reads a whole file (at most `max` bytes) into a new buffer. Returns 0 or an errno value
 * (EFBIG when too large). */
static int read_all(int fd, size_t max, char **out, size_t *outlen)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;

    for (;;) {
        ssize_t got;

        if (cap - len < 1024) {
            cap = cap ? cap * 2 : 4096;
            buf = xrealloc(buf, cap + 1);
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            int err = errno;

            free(buf);
            return err;
        }
        if (got == 0) {
            break;
        }
        len += (size_t)got;
        if (len > max) {
            free(buf);
            return EFBIG;
        }
    }
    if (buf == NULL) {
        buf = xmalloc(1);
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}

/* Reads `file` into *text. A file that does not exist is *missing (not an error) when
 * `missing_ok`; with `system`, the file must be root's and only root may write it. 0, or -1
 * with an error in diag. */
static int config_read(const char *file, bool missing_ok, bool system, struct config_diag *diag,
                       char **text, size_t *len, bool *missing)
{
    struct stat st;
    int fd, err;

    *missing = false;
    fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        err = errno;
        if (missing_ok && err == ENOENT) {
            *missing = true;
            return 0;
        }
        diag_add(diag, true, "%s: %s", file, strerror(err));
        return -1;
    }
    if (system && fstat(fd, &st) == 0 && (st.st_uid != 0 || (st.st_mode & 022) != 0)) {
        if (st.st_uid != 0) {
            diag_add(diag, true, "%s: owned by uid %u, not root: a system configuration must be "
                                 "root's",
                     file, (unsigned)st.st_uid);
        } else {
            diag_add(diag, true, "%s: permissions %04o let others change it: chmod go-w",
                     file, (unsigned)(st.st_mode & 07777));
        }
        close(fd);
        return -1;
    }
    err = read_all(fd, CONFIG_MAX_FILE, text, len);
    close(fd);
    if (err != 0) {
        diag_add(diag, true, "%s: %s", file,
                 err == EFBIG ? "too large for a configuration file" : strerror(err));
        return -1;
    }
    return 0;
}

int config_load_layered(const char *system_path, const char *path, struct gc_config *out,
                        struct config_diag *diag)
{
    char defpath[4096];
    const char *file = path;
    char *text = NULL;
    size_t len = 0;
    bool missing;
    int nerrors = 0;
    struct parser p;

    config_begin(out);
    if (system_path != NULL) {
        if (config_read(system_path, true, true, diag, &text, &len, &missing) != 0) {
            return -1;
        }
        if (!missing) {
            parser_init(&p, system_path, out, diag, NULL);
            parser_run(&p, text, len);
            nerrors += p.nerrors;
            parser_fini(&p);
            out->system_path = xstrdup(system_path);
        }
        free(text);
        text = NULL;
    }
    if (file == NULL) {
        file = config_default_path(defpath, sizeof(defpath));
        if (file == NULL) {
            diag_add(diag, false, "no home directory (HOME is not set): no user configuration");
        }
    }
    if (file != NULL) {
        if (config_read(file, path == NULL, false, diag, &text, &len, &missing) != 0) {
            return -1;
        }
        if (!missing) {
            parser_init(&p, file, out, diag,
                        system_path != NULL ? system_path : "the system configuration");
            parser_run(&p, text, len);
            nerrors += p.nerrors;
            parser_fini(&p);
            out->path = xstrdup(file);
        }
        free(text);
    }
    config_end(out);
    return nerrors > 0 ? -1 : 0;
}

int config_load(const char *path, struct gc_config *out, struct config_diag *diag)
{
    char defpath[4096];
    const char *file = path;
    char *text = NULL;
    size_t len = 0;
    bool missing;
    int rc;

    if (file == NULL) {
        file = config_default_path(defpath, sizeof(defpath));
        if (file == NULL) {
            config_init(out);
            diag_add(diag, false, "no home directory (HOME is not set): using the defaults");
            return 0;
        }
    }
    if (config_read(file, path == NULL, false, diag, &text, &len, &missing) != 0) {
        config_init(out);
        return -1;
    }
    if (missing) {
        config_init(out);
        return 0;
    }
    rc = config_parse(file, text, len, out, diag);
    out->path = xstrdup(file);
    free(text);
    return rc;
}

/* A kind of secret: its name in messages, the most bytes its file may hold, and the end of
 * its environment variable ($GOVCONSOLE_<SECTION>_<env>). */
struct secret_kind {
    const char *what;
    size_t max;
    const char *env;
};

static const struct secret_kind secret_password = {"password", CONFIG_MAX_PASSWORD, "PASSWORD"};
static const struct secret_kind secret_token = {"token", CONFIG_MAX_TOKEN, "TOKEN"};
static const struct secret_kind secret_client = {"client secret", CONFIG_MAX_PASSWORD,
                                                 "CLIENT_SECRET"};

/* The password_file of a section, or NULL. */
static const char *password_file_of(const struct gc_config *c, const char *section)
{
    const struct config_source *s = config_source_get(c, section);

    if (s != NULL) {
        return s->password_file;
    }
    if (strcmp(section, "directory") == 0) {
        return c->directory.password_file;
    }
    return NULL;
}

/* Reads a secret file the way ssh reads a private key: the file must be a regular file of
 * ours that nobody else can read or write, not empty and at most k->max bytes. */
static char *read_secret_file(const char *path, const struct secret_kind *k, char **err)
{
    struct stat st;
    char *buf;
    char *text;
    size_t len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat() then refuses it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    int e = 0;

    if (fd < 0) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = xasprintf("%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_uid != geteuid()) {
        *err = xasprintf("%s: owned by uid %u, not by you (uid %u)", path, (unsigned)st.st_uid,
                         (unsigned)geteuid());
        close(fd);
        return NULL;
    }
    if ((st.st_mode & 077) != 0) {
        *err = xasprintf("%s: permissions %04o are too open; use chmod 600", path,
                         (unsigned)(st.st_mode & 07777));
        close(fd);
        return NULL;
    }
    /* One buffer, wiped afterwards: no stray copies of the secret in freed memory. */
    buf = xmalloc(k->max + 1);
    for (;;) {
        ssize_t got = read(fd, buf + len, k->max + 1 - len);

        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            e = errno;
            break;
        }
        if (got == 0) {
            break;
        }
        len += (size_t)got;
        if (len == k->max + 1) {
            e = EFBIG;
            break;
        }
    }
    close(fd);
    while (e == 0 && len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        len--;
    }
    if (e != 0) {
        *err = e == EFBIG ? xasprintf("%s: too large for a %s file", path, k->what)
                          : xasprintf("%s: %s", path, strerror(e));
        text = NULL;
    } else if (len == 0) {
        *err = xasprintf("%s: the %s file is empty", path, k->what);
        text = NULL;
    } else {
        text = xstrndup(buf, len);
    }
    explicit_bzero(buf, k->max + 1);
    free(buf);
    return text;
}

/* $GOVCONSOLE_<SECTION>_<k->env> as a new string, or NULL when unset or empty. */
static char *secret_from_env(const char *section, const struct secret_kind *k)
{
    char name[96];
    size_t n = (size_t)snprintf(name, sizeof(name), "GOVCONSOLE_%s_%s", section, k->env);
    const char *env;

    if (n >= sizeof(name)) {
        return NULL;
    }
    for (char *q = name; *q != '\0'; q++) {
        if (*q >= 'a' && *q <= 'z') {
            *q = (char)(*q - 'a' + 'A');
        } else if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'))) {
            *q = '_';
        }
    }
    env = getenv(name);
    return env != NULL && env[0] != '\0' ? xstrdup(env) : NULL;
}

/* A secret from `file` when set, else (when `env` is true) from the environment. */
static char *secret_get(const char *file, bool env, const char *section,
                        const struct secret_kind *k, char **err)
{
    *err = NULL;
    if (file != NULL) {
        return read_secret_file(file, k, err);
    }
    return env ? secret_from_env(section, k) : NULL;
}

char *config_password(const struct gc_config *c, const char *section, char **err)
{
    return secret_get(password_file_of(c, section), true, section, &secret_password, err);
}

char *config_token(const struct gc_config *c, const char *section, char **err)
{
    const struct config_source *s = config_source_get(c, section);

    if (s == NULL) {
        *err = NULL;
        return NULL;
    }
    /* The environment's token stands in for a token_file, which excludes user and password. */
    return secret_get(s->token_file, s->user == NULL && s->password_file == NULL, section,
                      &secret_token, err);
}

char *config_client_secret(const struct gc_config *c, const char *section, char **err)
{
    const struct config_source *s = config_source_get(c, section);

    if (s == NULL) {
        *err = NULL;
        return NULL;
    }
    return secret_get(s->client_secret_file, true, section, &secret_client, err);
}
