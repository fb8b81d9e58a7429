/* The directory probe that `govconsole check` runs for the [directory] section: can we reach
 * the LDAP server, with the TLS asked for, does it accept the service account, and does the
 * configured base exist? One blocking run over a private libldap handle:
 *
 *   1. connect to uri within the timeout (ldap:// and ldaps:// over our own TCP connection;
 *      ldapi://, a local socket, through libldap);
 *   2. TLS: the handshake for ldaps://, StartTLS when asked (ldap:// only); a TLS failure
 *      ends the probe, so the password is never sent in clear text after a refused StartTLS;
 *      the certificate is verified against ca_file (or the system's CAs) and the URI's host
 *      name unless insecure;
 *   3. read the root DSE anonymously (vendorName, vendorVersion, namingContexts,
 *      supportedControl); a refusal is not a failure, it only leaves `about` empty;
 *   4. simple bind as bind_dn (skipped when bind_dn is NULL: the probe stays anonymous);
 *   5. a base-scope search of base, asking for no attributes.
 *
 * Messages are one line, fit for a terminal: server and TLS library text passes through
 * sanitize_dup() and is shortened; the password never appears; a rejected bind says only
 * "credentials rejected for DN" (whether the account exists is not told, whatever the
 * server's diagnostic says). The URI, DNs and CA file are named as configured (sanitized). */
#ifndef GC_CORE_DIRECTORY_PROBE_H
#define GC_CORE_DIRECTORY_PROBE_H

#include <ldap.h>
#include <stdbool.h>
#include <sys/time.h>

struct dir_probe_opts {
    const char *uri;      /* ldap://host:port or ldaps://host:port (or ldapi://PATH) */
    const char *base;     /* search base, e.g. dc=govcloud,dc=example */
    const char *bind_dn;  /* service account DN; NULL = anonymous */
    const char *password; /* its password; never logged or put in a message */
    bool starttls;        /* StartTLS on ldap:// */
    const char *ca_file;  /* PEM CA file, NULL = the system's */
    bool insecure;        /* do not verify the server certificate */
    long timeout_ms;      /* network and operation timeout; 0 = 5000 */
};

struct dir_probe_result {
    bool reachable;  /* a connection was made and the server answered */
    int tls;         /* -1 no TLS, 0 TLS without verification, 1 TLS verified */
    int auth;        /* -1 anonymous (no bind_dn), 0 rejected, 1 accepted */
    bool base_found; /* the base search answered */
    double rtt_ms;   /* wall time of the whole probe */
    char *about;     /* what the server says about itself (root DSE: vendorName/vendorVersion if
                        present, else namingContexts), sanitized, owned */
    char *error;     /* one line why it failed, owned; NULL when the probe passed */
};

/* Runs the probe described above and fills *out (whatever *out held is overwritten, not
 * freed). o and its strings are only read, and only during the call.
 *
 * Blocking. timeout_ms bounds the whole probe, not each step: the connect, the TLS handshake
 * and each operation get what is left of it. Only the host name lookup (getaddrinfo) is
 * outside it, as it is for every resolver call.
 *
 * Returns 0 when everything passed: reachable, TLS as asked (none for plain ldap://, else
 * 1, or 0 with insecure), auth 1 (or -1 without bind_dn) and base_found; out->error is then
 * NULL. Otherwise returns -1 with out->error set, and the fields show how far the probe got:
 * reachable is true once the server answered anything, a TLS handshake it broke off or a
 * certificate we refused included; tls stays -1 unless TLS was established; auth is 0 when a
 * bind was due but not accepted (rejected, or never tried because an earlier step failed;
 * a bind_dn with an empty password is refused without asking the server, since such a bind
 * is "unauthenticated" and proves nothing); out->about is set whenever the root DSE
 * answered. rtt_ms is always set. The caller owns out->about and out->error and frees them
 * with dir_probe_result_fini().
 *
 * Thread-safety: safe on a worker thread, and concurrently with other probes. Each call has
 * its own socket, libldap handle and TLS context (LDAP_OPT_X_TLS_NEWCTX on the handle); no
 * global libldap option is set; libldap 2.5 serialises its own one-time initialisation.
 * libldap reads ldap.conf, ~/.ldaprc and LDAP* environment variables for defaults (the
 * system's CA file among them); every option the probe relies on is set on the handle.
 * The process must ignore SIGPIPE (govconsole's main() does): libldap and GnuTLS write to
 * sockets a server may have closed, and the probe changes no signal disposition. */
int dir_probe_run(const struct dir_probe_opts *o, struct dir_probe_result *out);

/* dir_probe_run(), keeping the connection: when the probe passed, *ld is the handle, bound
 * as bind_dn, asynchronous over a non-blocking socket (give each operation a timeout), for
 * the caller's thread alone; the caller closes it with ldap_unbind_ext_s(). When it failed,
 * *ld is NULL and nothing is left open. (directory enrichment, issue 16: the source reads
 * the tenants over the probe's connection.) */
struct ldap;
int dir_probe_open(const struct dir_probe_opts *o, struct dir_probe_result *out, struct ldap **ld);

/* Frees what dir_probe_run() put in *r and zeroes it. NULL, or a zeroed or already finished
 * result, is fine. */
void dir_probe_result_fini(struct dir_probe_result *r);

/* The connection the probe makes, shared with the rest of core/directory/ (identity.c): the
 * same connect, TLS and root DSE, then binds and searches of the caller's own under one
 * deadline. Blocking; one thread at a time per connection. */
struct dir_conn;

/* Active Directory's LDAP_CAP_ACTIVE_DIRECTORY_OID, which its root DSE lists among
 * supportedCapabilities. */
#define DIR_CAP_ACTIVE_DIRECTORY "1.2.840.113556.1.4.800"

/* Steps 1-3 of the probe (connect, TLS, root DSE) under a deadline o->timeout_ms from now.
 * Fills *out as dir_probe_run() does (overwritten, not freed); on failure out->error is set
 * and the connection is good for nothing but dir_conn_close(). o must outlive the
 * connection. Never NULL. */
struct dir_conn *dir_conn_open(const struct dir_probe_opts *o, struct dir_probe_result *out);

/* The libldap handle (NULL when the connect failed). Borrowed. */
LDAP *dir_conn_ldap(struct dir_conn *c);

/* True when the root DSE says the server is Active Directory (DIR_CAP_ACTIVE_DIRECTORY). */
bool dir_conn_ad(const struct dir_conn *c);

/* The URI, sanitized, for messages. Borrowed. */
const char *dir_conn_uri(const struct dir_conn *c);

/* A simple bind as dn with password. Returns libldap's result code (LDAP_SUCCESS); on any
 * other sets out->error once: "credentials rejected for DN" for a wrong password or an
 * unknown DN alike (never the server's diagnostic), a timeout or a silence as "no answer";
 * an empty password is refused without asking the server (LDAP_INVALID_CREDENTIALS). */
int dir_conn_bind(struct dir_conn *c, const char *dn, const char *password);

/* Gives the next operation what is left of the deadline (libldap's timeouts and *tv, for a
 * search). -1, with out->error "timed out before STEP", when nothing is left. */
int dir_conn_arm(struct dir_conn *c, const char *step, struct timeval *tv);

/* True when rc means the server never answered (as opposed to answering with an error). */
bool dir_conn_no_answer(int rc);

/* Sets out->error once, to "WHAT: libldap's text for rc (the server's diagnostic)"; what
 * (sanitized by the caller) is taken. */
void dir_conn_fail(struct dir_conn *c, char *what, int rc);

/* Sets out->error once to msg (taken). */
void dir_conn_fail_msg(struct dir_conn *c, char *msg);

/* Unbinds and frees. NULL is fine. */
void dir_conn_close(struct dir_conn *c);

#endif
