#include "core/directory/probe.h"

#include <errno.h>
#include <ldap.h>
#include <netdb.h>
#include <openldap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

/* Server text (diagnostics, root DSE values) is cut to this many bytes in a message. */
#define PROBE_TEXT_MAX 160
/* A "timeout" with more than this many milliseconds left was no timeout. */
#define PROBE_EARLY_MS 20

struct dir_conn {
    const struct dir_probe_opts *o;
    struct dir_probe_result *out;
    LDAP *ld;
    bool ldaps; /* the URI's scheme is ldaps */
    bool ad;    /* the root DSE names Active Directory's capability */
    double deadline_ms;
    char *uri;  /* o->uri, sanitized */
};

static double probe_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Milliseconds left before the deadline, at least 0. */
static int probe_left_ms(const struct dir_conn *p)
{
    double left = p->deadline_ms - probe_now_ms();

    return left < 0.0 ? 0 : left > 1e9 ? 1000000000 : (int)left;
}

/* Cuts a sanitized (valid UTF-8) string to at most max bytes on a character boundary,
 * marking the cut with "...". */
static void probe_cut(char *s, size_t max)
{
    size_t n = strlen(s);

    if (n <= max || max < 4) {
        return;
    }
    n = max - 3;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    memcpy(s + n, "...", 4);
}

/* A sanitized, shortened copy of len bytes of server text; caller frees. */
static char *probe_text(const char *s, size_t len)
{
    char *t = sanitize_ndup(s, len);

    probe_cut(t, PROBE_TEXT_MAX);
    return t;
}

/* The handle's diagnostic message, sanitized and shortened (caller frees), or NULL when it
 * says nothing beyond libldap's text for rc. */
static char *probe_diag(struct dir_conn *p, int rc)
{
    char *raw = NULL, *diag;

    if (p->ld == NULL ||
        ldap_get_option(p->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw) != LDAP_OPT_SUCCESS ||
        raw == NULL) {
        return NULL;
    }
    diag = probe_text(raw, strlen(raw));
    ldap_memfree(raw);
    /* GnuTLS's text for a libldap code, as after a refused certificate, is no news. */
    if (diag[0] == '\0' || strcmp(diag, ldap_err2string(rc)) == 0 ||
        strcmp(diag, "(unknown error code)") == 0) {
        free(diag);
        return NULL;
    }
    return diag;
}

/* Sets out->error (once: the first failure is the one reported) to "what: reason (detail)",
 * where reason is libldap's text for rc and detail the server's or TLS library's diagnostic,
 * else hint (may be NULL). what is built by the caller from sanitized strings; taken. */
static void probe_fail(struct dir_conn *p, char *what, int rc, const char *hint)
{
    char *diag;

    if (p->out->error != NULL) {
        free(what);
        return;
    }
    diag = probe_diag(p, rc);
    if (diag != NULL || hint != NULL) {
        p->out->error =
            xasprintf("%s: %s (%s)", what, ldap_err2string(rc), diag != NULL ? diag : hint);
    } else {
        p->out->error = xasprintf("%s: %s", what, ldap_err2string(rc));
    }
    free(diag);
    free(what);
}

/* The hint for a TLS handshake that failed without saying why. */
static const char *probe_tls_hint(const struct dir_conn *p, int rc)
{
    if (rc != LDAP_CONNECT_ERROR || p->o->insecure) {
        return NULL;
    }
    return "is the certificate from a trusted CA (ca_file) and issued for this host name?";
}

/* Sets out->error to a message of our own (taken). */
static void probe_fail_msg(struct dir_conn *p, char *msg)
{
    if (p->out->error == NULL) {
        p->out->error = msg;
    } else {
        free(msg);
    }
}

/* Gives the next step what is left of the timeout, as libldap's network and operation
 * timeouts and in *tv. Returns -1 (and sets the error) when nothing is left. */
static int probe_arm(struct dir_conn *p, const char *step, struct timeval *tv)
{
    int ms = probe_left_ms(p);

    if (ms < 1) {
        probe_fail_msg(p, xasprintf("timed out before %s", step));
        return -1;
    }
    tv->tv_sec = ms / 1000;
    tv->tv_usec = (ms % 1000) * 1000;
    if (ldap_set_option(p->ld, LDAP_OPT_NETWORK_TIMEOUT, tv) != LDAP_OPT_SUCCESS ||
        ldap_set_option(p->ld, LDAP_OPT_TIMEOUT, tv) != LDAP_OPT_SUCCESS) {
        probe_fail_msg(p, xasprintf("cannot set the LDAP timeout before %s", step));
        return -1;
    }
    return 0;
}

/* True when rc means the server never answered (as opposed to answering with an error). */
static bool probe_no_answer(int rc)
{
    return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR ||
           rc == LDAP_LOCAL_ERROR || rc == LDAP_DECODING_ERROR;
}

/* Appends the sanitized values of attr in entry e to *acc, separated by sep. */
static void probe_append_values(struct dir_conn *p, LDAPMessage *e, const char *attr, const char *sep,
                                char **acc)
{
    struct berval **vals = ldap_get_values_len(p->ld, e, attr);

    for (int i = 0; vals != NULL && vals[i] != NULL; i++) {
        char *v = sanitize_ndup(vals[i]->bv_val, vals[i]->bv_len);
        char *joined;

        if (v[0] == '\0') {
            free(v);
            continue;
        }
        joined = *acc == NULL ? xstrdup(v) : xasprintf("%s%s%s", *acc, sep, v);
        free(*acc);
        free(v);
        *acc = joined;
        if (strlen(*acc) > PROBE_TEXT_MAX) {
            break;
        }
    }
    ldap_value_free_len(vals);
}

/* True when attribute attr of entry e has the value v (compared exactly). */
static bool probe_has_value(struct dir_conn *p, LDAPMessage *e, const char *attr, const char *v)
{
    struct berval **vals = ldap_get_values_len(p->ld, e, attr);
    bool found = false;

    for (int i = 0; vals != NULL && vals[i] != NULL && !found; i++) {
        found = vals[i]->bv_len == strlen(v) && memcmp(vals[i]->bv_val, v, vals[i]->bv_len) == 0;
    }
    ldap_value_free_len(vals);
    return found;
}

/* Fills out->about from the root DSE entry: vendor name and version if the server names
 * itself, else its naming contexts. */
static void probe_about(struct dir_conn *p, LDAPMessage *res)
{
    LDAPMessage *e = ldap_first_entry(p->ld, res);
    char *about = NULL;

    if (e == NULL) {
        return;
    }
    probe_append_values(p, e, "vendorName", " ", &about);
    if (about != NULL) {
        probe_append_values(p, e, "vendorVersion", " ", &about);
    } else {
        probe_append_values(p, e, "namingContexts", ", ", &about);
    }
    if (about != NULL) {
        probe_cut(about, PROBE_TEXT_MAX);
    }
    p->out->about = about;
    p->ad = probe_has_value(p, e, "supportedCapabilities", DIR_CAP_ACTIVE_DIRECTORY);
}

/* Waits for a non-blocking connect() on fd to finish; returns 0 or an errno value. */
static int probe_wait_connected(struct dir_conn *p, int fd)
{
    struct pollfd pfd = {fd, POLLOUT, 0};
    socklen_t len = sizeof(int);
    int rc, err = 0;

    do {
        rc = poll(&pfd, 1, probe_left_ms(p));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        return errno;
    }
    if (rc == 0) {
        return ETIMEDOUT;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        return errno;
    }
    return err;
}

/* Opens a non-blocking TCP connection to host:port, trying each address until the deadline.
 * Returns the descriptor, or -1 with the error set. */
static int probe_tcp_connect(struct dir_conn *p, const char *uri, const char *host, int port)
{
    struct addrinfo hints, *list = NULL;
    char service[16], reason[128];
    int fd = -1, err = ETIMEDOUT, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%d", port);
    rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        probe_fail_msg(p, xasprintf("cannot connect to %s: %s", uri, gai_strerror(rc)));
        return -1;
    }
    for (struct addrinfo *a = list; a != NULL && probe_left_ms(p) > 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            break;
        }
        err = errno == EINPROGRESS ? probe_wait_connected(p, fd) : errno;
        if (err == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd < 0) {
        if (strerror_r(err, reason, sizeof reason) != 0) {
            snprintf(reason, sizeof reason, "error %d", err);
        }
        probe_fail_msg(p, xasprintf("cannot connect to %s: %s", uri, reason));
    }
    return fd;
}

/* ldap:// and ldaps://: our own TCP connection (so the deadline bounds it) in a libldap
 * handle. The socket stays non-blocking. */
static int probe_open_tcp(struct dir_conn *p, const char *uri, const LDAPURLDesc *lud)
{
    const char *host =
        lud->lud_host != NULL && lud->lud_host[0] != '\0' ? lud->lud_host : "localhost";
    int port = lud->lud_port > 0 ? lud->lud_port : p->ldaps ? LDAPS_PORT : LDAP_PORT;
    int fd = probe_tcp_connect(p, uri, host, port), rc;

    if (fd < 0) {
        return -1;
    }
    rc = ldap_init_fd(fd, LDAP_PROTO_TCP, p->o->uri, &p->ld);
    if (rc != LDAP_SUCCESS) {
        close(fd);
        p->ld = NULL;
        probe_fail(p, xasprintf("cannot set up LDAP over the connection to %s", uri), rc, NULL);
        return -1;
    }
    return 0;
}

/* ldapi://: libldap finds the local socket and connects to it itself (a local connect does
 * not hang). */
static int probe_open_ipc(struct dir_conn *p, const char *uri)
{
    struct timeval tv;
    int rc = ldap_initialize(&p->ld, p->o->uri);

    if (rc != LDAP_SUCCESS) {
        p->ld = NULL;
        probe_fail(p, xasprintf("bad directory URI %s", uri), rc, NULL);
        return -1;
    }
    if (probe_arm(p, "connecting", &tv) != 0) {
        return -1;
    }
    rc = ldap_connect(p->ld);
    if (rc != LDAP_SUCCESS) {
        probe_fail(p, xasprintf("cannot connect to %s", uri), rc, NULL);
        return -1;
    }
    return 0;
}

/* Step 1: checks the URI, connects, and sets every option the probe depends on. The handle
 * is asynchronous, over a non-blocking socket: libldap 2.5 then bounds a TLS handshake by
 * the network timeout (with a blocking socket it would wait for ever, and with a
 * non-blocking one in synchronous mode it spins on read() without looking at the clock). */
static int probe_open(struct dir_conn *p, const char *uri)
{
    const struct dir_probe_opts *o = p->o;
    int version = LDAP_VERSION3, newctx = 0, require, rc = -1;
    LDAPURLDesc *lud = NULL;
    bool ipc;

    if (ldap_url_parse(o->uri, &lud) != LDAP_URL_SUCCESS) {
        probe_fail_msg(p, xasprintf("bad directory URI %s (want ldap://host:port, "
                                    "ldaps://host:port or ldapi://)",
                                    uri));
        return -1;
    }
    p->ldaps = strcasecmp(lud->lud_scheme, "ldaps") == 0;
    ipc = strcasecmp(lud->lud_scheme, "ldapi") == 0;
    if (!p->ldaps && !ipc && strcasecmp(lud->lud_scheme, "ldap") != 0) {
        probe_fail_msg(p,
                       xasprintf("bad directory URI %s (want ldap://, ldaps:// or ldapi://)", uri));
    } else if (p->ldaps && o->starttls) {
        probe_fail_msg(p, xasprintf("StartTLS is for ldap:// URIs; %s is already TLS", uri));
    } else if (ipc && o->starttls) {
        probe_fail_msg(p, xasprintf("StartTLS is for ldap:// URIs; %s is a local socket", uri));
    } else {
        rc = ipc ? probe_open_ipc(p, uri) : probe_open_tcp(p, uri, lud);
    }
    ldap_free_urldesc(lud);
    if (rc != 0) {
        return -1;
    }
    if (ldap_set_option(p->ld, LDAP_OPT_PROTOCOL_VERSION, &version) != LDAP_OPT_SUCCESS ||
        ldap_set_option(p->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS ||
        ldap_set_option(p->ld, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON) != LDAP_OPT_SUCCESS) {
        probe_fail_msg(p, xstrdup("cannot set the LDAP options"));
        return -1;
    }
    if (!p->ldaps && !o->starttls) {
        return 0;
    }
    require = o->insecure ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
    if (o->ca_file != NULL &&
        ldap_set_option(p->ld, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file) != LDAP_OPT_SUCCESS) {
        char *f = sanitize_dup(o->ca_file);

        probe_fail_msg(p, xasprintf("cannot use CA file %s", f));
        free(f);
        return -1;
    }
    if (ldap_set_option(p->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &require) != LDAP_OPT_SUCCESS) {
        probe_fail_msg(p, xstrdup("cannot set the TLS certificate check"));
        return -1;
    }
    /* The handle's own TLS context, from the options above (never the global one). */
    if (ldap_set_option(p->ld, LDAP_OPT_X_TLS_NEWCTX, &newctx) != LDAP_OPT_SUCCESS) {
        char *f = sanitize_dup(o->ca_file);

        probe_fail_msg(p, f != NULL ? xasprintf("cannot set up TLS with CA file %s", f)
                                    : xstrdup("cannot set up TLS with the system's CAs"));
        free(f);
        return -1;
    }
    return 0;
}

/* Steps 2-3: TLS (ldaps:// handshake or StartTLS), then the root DSE. */
static int probe_connect(struct dir_conn *p, const char *uri)
{
    char *dse_attrs[] = {(char *)"vendorName", (char *)"vendorVersion", (char *)"namingContexts",
                         (char *)"supportedControl", (char *)"supportedCapabilities", NULL};
    const struct dir_probe_opts *o = p->o;
    struct timeval tv;
    LDAPMessage *res = NULL;
    int rc;

    if (p->ldaps) {
        if (probe_arm(p, "the TLS handshake", &tv) != 0) {
            return -1;
        }
        rc = ldap_install_tls(p->ld);
        if (rc == LDAP_TIMEOUT && probe_left_ms(p) > PROBE_EARLY_MS) {
            /* libldap calls any failed wait a timeout; a wait that ended this early was the
             * server hanging up (a plain LDAP port answers a TLS hello that way). */
            p->out->reachable = true;
            probe_fail_msg(p, xasprintf("TLS handshake with %s failed: the server closed the "
                                        "connection (is it an ldaps:// port?)",
                                        uri));
            return -1;
        }
        if (rc != LDAP_SUCCESS) {
            /* A certificate the server sent but we refused is an answer; silence is not. */
            p->out->reachable = rc != LDAP_TIMEOUT && rc != LDAP_SERVER_DOWN;
            probe_fail(p, xasprintf("TLS handshake with %s failed", uri), rc,
                       probe_tls_hint(p, rc));
            return -1;
        }
        p->out->tls = o->insecure ? 0 : 1;
    } else if (o->starttls) {
        if (probe_arm(p, "StartTLS", &tv) != 0) {
            return -1;
        }
        rc = ldap_start_tls_s(p->ld, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            /* A server that refused StartTLS answered; one that failed the handshake too. */
            p->out->reachable = rc > 0 || rc == LDAP_CONNECT_ERROR;
            probe_fail(p, xasprintf("StartTLS with %s failed", uri), rc, probe_tls_hint(p, rc));
            return -1;
        }
        p->out->reachable = true;
        p->out->tls = o->insecure ? 0 : 1;
    }
    if (probe_arm(p, "reading the root DSE", &tv) != 0) {
        return -1;
    }
    rc = ldap_search_ext_s(p->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", dse_attrs, 0, NULL, NULL,
                           &tv, 1, &res);
    if (probe_no_answer(rc)) {
        ldap_msgfree(res);
        probe_fail(p, xasprintf("no answer from %s", uri), rc, NULL);
        return -1;
    }
    p->out->reachable = true;
    if (rc == LDAP_SUCCESS) {
        probe_about(p, res);
    }
    ldap_msgfree(res);
    return 0;
}

int dir_conn_bind(struct dir_conn *p, const char *bind_dn, const char *password)
{
    struct berval cred;
    struct timeval tv;
    char *dn = sanitize_dup(bind_dn);
    int rc;

    if (password == NULL || password[0] == '\0') {
        probe_fail_msg(p, xasprintf("no password for %s (an empty password would bind "
                                    "unauthenticated and prove nothing)",
                                    dn));
        free(dn);
        return LDAP_INVALID_CREDENTIALS;
    }
    if (probe_arm(p, "binding", &tv) != 0) {
        free(dn);
        return LDAP_TIMEOUT;
    }
    cred.bv_val = (char *)password;
    cred.bv_len = strlen(password);
    rc = ldap_sasl_bind_s(p->ld, bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
    if (rc == LDAP_INVALID_CREDENTIALS) {
        /* The server's diagnostic may tell whether the account exists (AD's "data 52e" vs
         * "data 525"): never pass it on. */
        probe_fail_msg(p, xasprintf("credentials rejected for %s", dn));
    } else if (probe_no_answer(rc)) {
        probe_fail(p, xasprintf("no answer to the bind as %s", dn), rc, NULL);
    } else if (rc != LDAP_SUCCESS) {
        probe_fail(p, xasprintf("bind as %s refused", dn), rc, NULL);
    }
    free(dn);
    return rc;
}

/* Step 4: the simple bind as the service account. */
static int probe_bind(struct dir_conn *p)
{
    if (p->o->bind_dn == NULL) {
        p->out->auth = -1;
        return 0;
    }
    if (dir_conn_bind(p, p->o->bind_dn, p->o->password) != LDAP_SUCCESS) {
        return -1;
    }
    p->out->auth = 1;
    return 0;
}

/* Step 5: the base-scope search of the configured base. */
static int probe_base(struct dir_conn *p)
{
    char *no_attrs[] = {(char *)LDAP_NO_ATTRS, NULL};
    const struct dir_probe_opts *o = p->o;
    LDAPMessage *res = NULL;
    struct timeval tv;
    char *base;
    int rc;

    if (probe_arm(p, "searching the base", &tv) != 0) {
        return -1;
    }
    rc = ldap_search_ext_s(p->ld, o->base, LDAP_SCOPE_BASE, "(objectClass=*)", no_attrs, 0, NULL,
                           NULL, &tv, 1, &res);
    base = sanitize_dup(o->base);
    if (rc == LDAP_SUCCESS && ldap_count_entries(p->ld, res) > 0) {
        p->out->base_found = true;
    } else if (rc == LDAP_SUCCESS) {
        probe_fail_msg(p, xasprintf("base %s answered without an entry", base));
    } else if (rc == LDAP_NO_SUCH_OBJECT) {
        probe_fail_msg(p, xasprintf("base %s not found (or not visible to %s)", base,
                                    o->bind_dn != NULL ? "this account" : "anonymous users"));
    } else if (rc == LDAP_INVALID_DN_SYNTAX) {
        probe_fail_msg(p, xasprintf("base %s is not a valid DN", base));
    } else {
        probe_fail(p, xasprintf("search of base %s failed", base), rc, NULL);
    }
    ldap_msgfree(res);
    free(base);
    return p->out->base_found ? 0 : -1;
}

struct dir_conn *dir_conn_open(const struct dir_probe_opts *o, struct dir_probe_result *out)
{
    struct dir_conn *p = xcalloc(1, sizeof *p);
    long timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 5000;

    memset(out, 0, sizeof *out);
    out->tls = -1;
    out->auth = o->bind_dn != NULL ? 0 : -1;
    p->o = o;
    p->out = out;
    p->deadline_ms = probe_now_ms() + (double)timeout_ms;
    p->uri = sanitize_dup(o->uri != NULL ? o->uri : "");
    if (o->uri == NULL || o->uri[0] == '\0') {
        probe_fail_msg(p, xstrdup("no directory URI configured"));
    } else if (o->base == NULL || o->base[0] == '\0') {
        probe_fail_msg(p, xstrdup("no directory base configured"));
    } else if (probe_open(p, p->uri) == 0) {
        probe_connect(p, p->uri);
    }
    return p;
}

LDAP *dir_conn_ldap(struct dir_conn *c)
{
    return c->ld;
}

bool dir_conn_ad(const struct dir_conn *c)
{
    return c->ad;
}

const char *dir_conn_uri(const struct dir_conn *c)
{
    return c->uri;
}

int dir_conn_arm(struct dir_conn *c, const char *step, struct timeval *tv)
{
    return probe_arm(c, step, tv);
}

bool dir_conn_no_answer(int rc)
{
    return probe_no_answer(rc);
}

void dir_conn_fail(struct dir_conn *c, char *what, int rc)
{
    probe_fail(c, what, rc, NULL);
}

void dir_conn_fail_msg(struct dir_conn *c, char *msg)
{
    probe_fail_msg(c, msg);
}

void dir_conn_close(struct dir_conn *c)
{
    if (c == NULL) {
        return;
    }
    if (c->ld != NULL) {
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    }
    free(c->uri);
    free(c);
}

/* dir_probe_run(), handing the bound handle to *keep (NULL when the probe failed) instead
 * of closing it when keep is not NULL. */
static int probe_run(const struct dir_probe_opts *o, struct dir_probe_result *out, LDAP **keep)
{
    double start = probe_now_ms();
    struct dir_conn *p = dir_conn_open(o, out);

    if (out->error == NULL && probe_bind(p) == 0) {
        probe_base(p);
    }
    if (keep != NULL) {
        *keep = out->error == NULL ? p->ld : NULL;
        if (out->error == NULL) {
            p->ld = NULL; /* handed over: dir_conn_close() leaves it open */
        }
    }
    dir_conn_close(p);
    out->rtt_ms = probe_now_ms() - start;
    return out->error == NULL ? 0 : -1;
}

int dir_probe_run(const struct dir_probe_opts *o, struct dir_probe_result *out)
{
    return probe_run(o, out, NULL);
}

int dir_probe_open(const struct dir_probe_opts *o, struct dir_probe_result *out, LDAP **ld)
{
    return probe_run(o, out, ld);
}

void dir_probe_result_fini(struct dir_probe_result *r)
{
    if (r == NULL) {
        return;
    }
    free(r->about);
    free(r->error);
    memset(r, 0, sizeof *r);
}
