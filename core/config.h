/* The configuration file: an INI file read once at start (docs/configuration.md).
 *
 *     [nagios]                     a section
 *     url = http://mon/nagios4/cgi-bin
 *     interval = 1m                durations: 30, 30s, 5m, 1h, 1d (and 500ms)
 *     [tenant dmi]                 a section with a name ([tenant NAME], [dataset NAME])
 *     display = "Danish Meteorological Institute"
 *
 * `#` and `;` start comments (at the start of a line, or after a blank in a value); values
 * may be quoted with "..." to keep blanks, `#` and `;`. Messages are "FILE:LINE: message".
 * Errors (bad syntax, a key outside any section, a duplicate section or key, a value of the
 * wrong type) make the file unusable; unknown sections and keys are only warnings. */
#ifndef GC_CORE_CONFIG_H
#define GC_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum config_period {
    CONFIG_PERIOD_MONTH,
    CONFIG_PERIOD_WEEK,
    CONFIG_PERIOD_DAY,
};

/* [nagios], [servicenow], [mapr] and [krakend]: the HTTP sources, one struct for all four.
 * Each section accepts only its own keys (docs/configuration.md): url in all but [krakend];
 * client_id and client_secret_file in [servicenow]; httpfs in [mapr]; config, metrics, health
 * and error_warn in [krakend]; the rest in all four. Fields a section does not accept stay at
 * their defaults. Strings are owned; NULL when not set. token_file excludes user and
 * password_file in one section (an error in the file). */
struct config_source {
    char *url; /* nagios, servicenow, mapr: the base URL */
    char *user;
    char *password_file;
    char *token_file;     /* bearer token file, instead of user + password */
    int64_t interval_ms;  /* default: [ui] refresh */
    char *tenant_pattern; /* PCRE2, first capture group = tenant; see defaults below */
    char *ca_file;        /* per-section TLS override; NULL = [tls] ca_file */
    int insecure;         /* -1 = as [tls] insecure; 0 or 1 when set in the section */
    bool allow_plain_http;/* credentials may go over http:// to a host not on loopback */
    /* [servicenow]: OAuth 2 when client_id is set */
    char *client_id;
    char *client_secret_file;
    /* [mapr] */
    char *httpfs; /* URL, optional */
    /* [krakend] */
    char *config;      /* path or URL of krakend.json */
    char *metrics;     /* Prometheus URL */
    char *health;      /* URL */
    double error_warn; /* percent, default 1 */
};

/* [tenant NAME] */
struct config_tenant {
    char *name; /* the NAME in [tenant NAME]: [a-z0-9-]+ */
    char *display;
    char **namespaces; /* NULL-terminated; NULL when not set (label-based only) */
    size_t nnamespaces;
    char *nagios_hostgroup;
    char *servicenow_company;
    char *mapr_prefix;
    char *gateway_prefix;
    double sla_target; /* percent; default [sla] target */
};

/* [dataset NAME]: what is expected of MapR data. NAME is a volume name (t.dmi.forecast), a
 * stream or table path (/tenants/dmi/observations) or a glob over them with * and ?
 * (t.dmi.*; a * also matches /); see config_dataset_match(). */
struct config_dataset {
    char *name;
    int64_t cadence_ms; /* how often new data is expected; 0 when not set (no expectation) */
    char *owner;        /* who answers for the data; NULL when not set */
};

/* Every string is owned by the struct and freed by config_fini(); NULL when not set. */
struct gc_config {
    char *path;        /* the user's file read; NULL when the default file did not exist */
    char *system_path; /* the system file read (config_load_layered()); NULL when none */

    struct {
        char *kubeconfig; /* NULL: $KUBECONFIG or ~/.kube/config, decided by kubeconfig.c */
        char *context;    /* NULL: the kubeconfig's current context */
        int64_t interval_metrics_ms; /* default: [ui] refresh */
        char *tenant_pattern;        /* default NULL: tenants come from namespace labels */
        bool allow_plain_http;       /* credentials may go over http:// beyond loopback */
    } kubernetes;

    struct config_source nagios;     /* tenant_pattern default ^tenant-([a-z0-9-]+)$ */
    struct config_source servicenow; /* tenant_pattern default NULL: company = display name */
    struct config_source mapr;       /* tenant_pattern default ^(?:t\.|/tenants/)([a-z0-9-]+)[./] */
    struct config_source krakend;    /* tenant_pattern default ^/([a-z0-9-]+)/ */

    struct {
        char *uri; /* ldap://, ldaps:// or ldapi:// */
        char *base;
        char *bind_dn;
        char *password_file;
        bool starttls;      /* default false */
        int64_t timeout_ms; /* the whole identity resolution (and a check probe); default 5 s */
        bool required;      /* default true: no session when the directory cannot answer */
        int64_t interval_ms; /* directory enrichment (issue 16): re-read every; 5 min */
        char *ca_file;      /* TLS override; NULL = [tls] ca_file */
        int insecure;       /* -1 = as [tls] insecure; 0 or 1 when set in the section */
    } directory;

    struct {
        char *operators;           /* group DN or cn; default "govcloud-operators" */
        char *oncall;              /* default "govcloud-oncall" */
        char *tenant_group_prefix; /* default "tenant-" */
        char *contexts;            /* kubeconfig contexts a session scoped to some tenants
                                      may switch to (:ctx), comma-separated; NULL: none */
    } access;

    struct {
        double target;             /* percent, default 99.5 */
        enum config_period period; /* default month */
        bool warning_is_down;      /* default false: a WARNING state counts as up */
    } sla;

    struct {
        char *theme;        /* default "default" */
        int64_t refresh_ms; /* default 30 s; also the default of every source interval */
        bool mouse;         /* default true */
    } ui;

    struct {
        char *ca_file;
        bool insecure; /* default false: TLS is verified */
    } tls;

    struct config_tenant *tenants; /* in file order */
    size_t ntenants;

    struct config_dataset *datasets; /* in file order */
    size_t ndatasets;
};

/* Messages from config_load(), each "FILE:LINE: message" (or "FILE: message"); owned. */
struct config_diag {
    char **errors;
    size_t nerrors;
    char **warnings;
    size_t nwarnings;
};

void config_diag_init(struct config_diag *d);
/* Adds a warning (formatted, copied). NULL d is ignored. */
void config_diag_warn(struct config_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees every message; the struct is then empty and reusable. */
void config_diag_fini(struct config_diag *d);

/* Fills *c with the defaults. config_load() does this itself. */
void config_init(struct gc_config *c);
/* Frees every string, tenant and dataset; *c is left with the defaults' memory released (call
 * config_init() again to reuse it). */
void config_fini(struct gc_config *c);

/* Loads `path`, or when path is NULL the default file (config_default_path()); a default
 * file that does not exist is not an error and gives the defaults, an explicit path that
 * does not exist is. Always initialises *out (so config_fini() is always right). Returns 0
 * when the configuration is usable (diag may hold warnings), -1 when diag holds at least one
 * error. `diag` may be NULL. */
int config_load(const char *path, struct gc_config *out, struct config_diag *diag);

/* The system configuration (`system_path`, e.g. /etc/govconsole/config.ini; NULL: none),
 * then the user's (`path`, NULL = the default file; missing default files are no error, a
 * missing explicit one is). The system file must be root's and writable by root only (an
 * error otherwise); a missing one is no error. The user's file may override any key except
 * what decides scope and identity (config_decides_scope(): [tenant NAME], [access],
 * [directory] and every tenant_pattern): those are ignored there, with a warning naming the
 * line. Same return and diag contract as config_load(). */
int config_load_layered(const char *system_path, const char *path, struct gc_config *out,
                        struct config_diag *diag);

/* Whether [section] (key NULL) or a key of it decides the session's scope or identity, which
 * only the system configuration may set. */
bool config_decides_scope(const char *section, const char *key);

/* Parses text (len bytes) as if read from a file called `file` (used in messages). Same
 * contract as config_load(), minus the file. */
int config_parse(const char *file, const char *text, size_t len, struct gc_config *out,
                 struct config_diag *diag);

/* Writes "$XDG_CONFIG_HOME/govconsole/config.ini" (or "$HOME/.config/govconsole/config.ini"
 * when XDG_CONFIG_HOME is unset or not absolute) into buf. Returns buf, or NULL when HOME is
 * unknown or buf is too small. */
const char *config_default_path(char *buf, size_t n);

/* Secrets: a password, a bearer token or an OAuth 2 client secret. Each comes from its file
 * when the section sets one, else from the environment ($GOVCONSOLE_<SECTION>_PASSWORD,
 * _TOKEN or _CLIENT_SECRET, e.g. GOVCONSOLE_NAGIOS_TOKEN); an empty variable is none. A file
 * is read the way ssh reads a private key, and refused unless it is a regular file (symbolic
 * links are followed) owned by the effective user that neither group nor others may read or
 * write, not empty, and not too large (4 KiB for a password or client secret, 64 KiB for a
 * token). Trailing newlines (\n, \r\n) are stripped.
 *
 * Each returns a new string the caller frees (and should wipe). Returns NULL with *err set
 * (caller frees) when the file cannot be used: "FILE: permissions 0644 are too open; use chmod
 * 600", "FILE: not a regular file", "FILE: owned by uid 1001, not by you (uid 1000)", "FILE:
 * the token file is empty", "FILE: too large for a token file", "FILE: <strerror>". Returns
 * NULL with *err NULL when none is configured. The secret never appears in a message. */

/* The password of "nagios", "servicenow", "mapr", "krakend" or "directory" (password_file):
 * any other section has only the environment. */
char *config_password(const struct gc_config *c, const char *section, char **err);

/* The bearer token of a source section (token_file), used instead of user and password. The
 * environment's token counts only when the section sets neither user nor password_file (as in
 * the file, a token excludes them). NULL with *err NULL for a section that is not a source. */
char *config_token(const struct gc_config *c, const char *section, char **err);

/* The OAuth 2 client secret of a source section (client_secret_file, which only [servicenow]
 * accepts). NULL with *err NULL for a section that is not a source. */
char *config_client_secret(const struct gc_config *c, const char *section, char **err);

/* The source section called `section` ("nagios", "servicenow", "mapr", "krakend"), or NULL
 * for any other name. Borrowed; valid until config_fini(). */
const struct config_source *config_source_get(const struct gc_config *c, const char *section);

/* Whether the source is switched on: it has a url, or for "krakend" any of config, metrics
 * and health. False when s is NULL. */
bool config_source_configured(const struct config_source *s, const char *section);

/* The TLS settings for a section's connections ("nagios", "servicenow", "mapr", "krakend",
 * "directory"): the section's own ca_file and insecure where it sets them (each on its own),
 * else [tls] ca_file and insecure. Any other name, "kubernetes" included, gets the [tls]
 * values; but a cluster's TLS is the kubeconfig's to decide (certificate-authority,
 * insecure-skip-tls-verify), not [tls]'s. *ca_file is borrowed (valid until config_fini()) and
 * NULL for the system's CA store. */
void config_tls(const struct gc_config *c, const char *section, const char **ca_file,
                bool *insecure);

/* The name of a period as written in the file ("month", "week", "day"). Static. */
const char *config_period_name(enum config_period p);

/* The tenant called `name`, or NULL. Borrowed; valid until config_fini(). */
const struct config_tenant *config_tenant(const struct gc_config *c, const char *name);

/* The [dataset NAME] section for a volume name or a stream or table path: the first whose NAME
 * is `name` exactly, else the first (in file order) whose NAME, as a glob (fnmatch(3) without
 * flags: a * also matches /), matches `name`; NULL when none does. Borrowed; valid until
 * config_fini(). */
const struct config_dataset *config_dataset_match(const struct gc_config *c, const char *name);

#endif
