/* Shared by the directory probe tests (test_dir_probe, test_dir_probe_tls): the harness's
 * variables (see slapd.bash) and checks of a probe's outcome. Every check also asserts that
 * the error is one line without the service account's password. Include after <cmocka.h>. */
#ifndef GC_TESTS_DIRPROBE_H
#define GC_TESTS_DIRPROBE_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "core/directory/probe.h"
#include "tests/integration/slapdrun.h"

struct dirprobe_env {
    const char *uri, *ldapi_uri, *base, *service_dn, *service_pw, *user_pw;
};

/* Reads the variables every slapd.bash run exports (fails the caller when one is unset). */
static inline void dirprobe_env_load(struct dirprobe_env *e)
{
    e->uri = slapdrun_env("SLAPD_URI");
    e->ldapi_uri = slapdrun_env("SLAPD_LDAPI_URI");
    e->base = slapdrun_env("SLAPD_BASE");
    e->service_dn = slapdrun_env("SLAPD_SERVICE_DN");
    e->service_pw = slapdrun_env("SLAPD_SERVICE_PW");
    e->user_pw = slapdrun_env("SLAPD_USER_PW");
}

/* Options for the service account at uri, with a 5 s timeout. */
static inline struct dir_probe_opts dirprobe_opts(const struct dirprobe_env *e, const char *uri)
{
    struct dir_probe_opts o = {0};

    o.uri = uri;
    o.base = e->base;
    o.bind_dn = e->service_dn;
    o.password = e->service_pw;
    o.timeout_ms = 5000;
    return o;
}

/* A loopback TCP socket bound to a free port; listening when listen_too (a server that accepts
 * into its backlog and never answers). *port gets the port. */
static inline int dirprobe_loopback_socket(bool listen_too, int *port)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    if (listen_too) {
        assert_int_equal(listen(fd, 8), 0);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static inline void dirprobe_print(const char *what, int rc, const struct dir_probe_result *r)
{
    print_message("%s: rc %d reachable %d tls %d auth %d base %d %.1f ms about \"%s\" error "
                  "\"%s\"\n",
                  what, rc, r->reachable, r->tls, r->auth, r->base_found, r->rtt_ms,
                  r->about != NULL ? r->about : "(null)", r->error != NULL ? r->error : "(null)");
}

/* Runs o and checks a full pass with the given TLS state; the test slapd names no vendor,
 * so `about` is its naming context, the base. */
static inline void dirprobe_expect_pass(const struct dirprobe_env *e, const char *what,
                                        const struct dir_probe_opts *o, int tls)
{
    struct dir_probe_result r;
    int rc = dir_probe_run(o, &r);

    dirprobe_print(what, rc, &r);
    assert_int_equal(rc, 0);
    assert_null(r.error);
    assert_true(r.reachable);
    assert_int_equal(r.tls, tls);
    assert_int_equal(r.auth, o->bind_dn != NULL ? 1 : -1);
    assert_true(r.base_found);
    assert_non_null(r.about);
    assert_string_equal(r.about, e->base);
    assert_true(r.rtt_ms > 0.0 && r.rtt_ms < (double)o->timeout_ms);
    dir_probe_result_fini(&r);
}

/* Runs o and checks a failure: the given reachable, tls and auth, no base, and an error that
 * contains want. Leaves the result in *keep for more checks (the caller finishes it), or
 * finishes it when keep is NULL. */
static inline void dirprobe_expect_failure(const struct dirprobe_env *e, const char *what,
                                           const struct dir_probe_opts *o, bool reachable, int tls,
                                           int auth, const char *want,
                                           struct dir_probe_result *keep)
{
    struct dir_probe_result r;
    int rc = dir_probe_run(o, &r);

    dirprobe_print(what, rc, &r);
    assert_int_equal(rc, -1);
    assert_int_equal(r.reachable, reachable);
    assert_int_equal(r.tls, tls);
    assert_int_equal(r.auth, auth);
    assert_false(r.base_found);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, want));
    assert_null(strstr(r.error, e->service_pw));
    assert_null(strchr(r.error, '\n'));
    if (keep != NULL) {
        *keep = r;
    } else {
        dir_probe_result_fini(&r);
    }
}

#endif
