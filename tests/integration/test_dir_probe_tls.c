/* The directory probe's TLS against a private slapd with TLS (tests/integration/slapd.bash
 * with SLAPD_TLS=1, see slapdrun.h): its certificate is signed by a test CA for IP:127.0.0.1.
 *
 * ldaps:// and StartTLS verify with the right CA file (tls 1); the wrong CA, the system's CAs
 * and a name the certificate does not carry all fail before the bind, with a hint, as does
 * ldaps:// to a plain LDAP port; insecure skips the
 * check and says so (tls 0); a CA file that does not exist is an error, never "no CA". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/probe.h"
#include "core/xalloc.h"
#include "tests/integration/slapdrun.h"

struct fx {
    const char *uri, *base, *service_dn, *service_pw, *ca, *other_ca;
    char *ldaps_uri;      /* ldaps://127.0.0.1:PORT: the name in the certificate */
    char *ldaps_name_uri; /* ldaps://localhost:PORT: not in the certificate */
};

static struct fx F;

static int setup(void **state)
{
    (void)state;
    F.uri = slapdrun_env("SLAPD_URI");
    F.base = slapdrun_env("SLAPD_BASE");
    F.service_dn = slapdrun_env("SLAPD_SERVICE_DN");
    F.service_pw = slapdrun_env("SLAPD_SERVICE_PW");
    F.ca = slapdrun_env("SLAPD_CA_FILE");
    F.other_ca = slapdrun_env("SLAPD_OTHER_CA_FILE");
    F.ldaps_uri = xasprintf("ldaps://127.0.0.1:%s", slapdrun_env("SLAPD_LDAPS_PORT"));
    F.ldaps_name_uri = xasprintf("ldaps://localhost:%s", slapdrun_env("SLAPD_LDAPS_PORT"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(F.ldaps_uri);
    free(F.ldaps_name_uri);
    return 0;
}

static struct dir_probe_opts tls_opts(const char *uri, bool starttls, const char *ca)
{
    struct dir_probe_opts o = {0};

    o.uri = uri;
    o.base = F.base;
    o.bind_dn = F.service_dn;
    o.password = F.service_pw;
    o.starttls = starttls;
    o.ca_file = ca;
    o.timeout_ms = 5000;
    return o;
}

static void print_result(const char *what, int rc, const struct dir_probe_result *r)
{
    print_message("%s: rc %d reachable %d tls %d auth %d base %d %.1f ms about \"%s\" error "
                  "\"%s\"\n",
                  what, rc, r->reachable, r->tls, r->auth, r->base_found, r->rtt_ms,
                  r->about != NULL ? r->about : "(null)", r->error != NULL ? r->error : "(null)");
}

/* Runs o and checks a full pass with the given TLS state. */
static void expect_pass(const char *what, const struct dir_probe_opts *o, int tls)
{
    struct dir_probe_result r;
    int rc = dir_probe_run(o, &r);

    print_result(what, rc, &r);
    assert_int_equal(rc, 0);
    assert_null(r.error);
    assert_true(r.reachable);
    assert_int_equal(r.tls, tls);
    assert_int_equal(r.auth, 1);
    assert_true(r.base_found);
    assert_non_null(r.about);
    assert_string_equal(r.about, F.base);
    dir_probe_result_fini(&r);
}

/* Runs o and checks that it failed at TLS, before any bind, with an error containing want. */
static void expect_tls_failure(const char *what, const struct dir_probe_opts *o,
                               const char *want)
{
    struct dir_probe_result r;
    int rc = dir_probe_run(o, &r);

    print_result(what, rc, &r);
    assert_int_equal(rc, -1);
    assert_int_equal(r.tls, -1);
    assert_int_equal(r.auth, 0);
    assert_false(r.base_found);
    assert_null(r.about);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, want));
    assert_null(strstr(r.error, F.service_pw));
    assert_null(strchr(r.error, '\n'));
    dir_probe_result_fini(&r);
}

static void test_ldaps_verified(void **state)
{
    struct dir_probe_opts o = tls_opts(F.ldaps_uri, false, F.ca);

    (void)state;
    expect_pass("ldaps, test CA", &o, 1);
}

static void test_starttls_verified(void **state)
{
    struct dir_probe_opts o = tls_opts(F.uri, true, F.ca);

    (void)state;
    expect_pass("StartTLS, test CA", &o, 1);
}

static void test_wrong_ca_refused(void **state)
{
    struct dir_probe_opts o = tls_opts(F.ldaps_uri, false, F.other_ca);
    char *want = xasprintf("TLS handshake with %s failed", F.ldaps_uri);
    char *want_starttls = xasprintf("StartTLS with %s failed", F.uri);

    (void)state;
    expect_tls_failure("ldaps, other CA", &o, want);
    expect_tls_failure("ldaps, other CA", &o, "trusted CA (ca_file)");
    o = tls_opts(F.uri, true, F.other_ca);
    expect_tls_failure("StartTLS, other CA", &o, want_starttls);
    expect_tls_failure("StartTLS, other CA", &o, "trusted CA (ca_file)");
    free(want);
    free(want_starttls);
}

/* The test CA is in no system store. */
static void test_system_cas_refuse_the_test_ca(void **state)
{
    struct dir_probe_opts o = tls_opts(F.ldaps_uri, false, NULL);
    char *want = xasprintf("TLS handshake with %s failed", F.ldaps_uri);

    (void)state;
    expect_tls_failure("ldaps, system CAs", &o, want);
    free(want);
}

static void test_name_not_in_certificate_refused(void **state)
{
    struct dir_probe_opts o = tls_opts(F.ldaps_name_uri, false, F.ca);
    char *want = xasprintf("TLS handshake with %s failed", F.ldaps_name_uri);

    (void)state;
    expect_tls_failure("ldaps by a name the certificate lacks", &o, want);
    free(want);
}

/* ldaps:// to the plain LDAP port: slapd hangs up on the TLS hello. Depending on when
 * the hang-up arrives, GnuTLS reports it or libldap calls it a timeout; either way the
 * probe says the connection ended, at once. */
static void test_ldaps_to_plain_port_fails(void **state)
{
    char *uri = xasprintf("ldaps://%s", F.uri + strlen("ldap://"));
    struct dir_probe_opts o = tls_opts(uri, false, F.ca);
    char *want = xasprintf("TLS handshake with %s failed", uri);

    (void)state;
    for (int i = 0; i < 5; i++) {
        struct dir_probe_result r;
        int rc = dir_probe_run(&o, &r);

        print_result("ldaps to the ldap port", rc, &r);
        assert_int_equal(rc, -1);
        assert_true(r.reachable);
        assert_int_equal(r.tls, -1);
        assert_int_equal(r.auth, 0);
        assert_non_null(r.error);
        assert_non_null(strstr(r.error, want));
        assert_true(strstr(r.error, "the server closed the connection") != NULL ||
                    strstr(r.error, "TLS connection was non-properly terminated") != NULL);
        assert_true(r.rtt_ms < 1000.0);
        dir_probe_result_fini(&r);
    }
    free(want);
    free(uri);
}

/* insecure connects where verification would refuse, and reports tls 0, not 1. */
static void test_insecure_skips_the_check(void **state)
{
    struct dir_probe_opts o = tls_opts(F.ldaps_uri, false, F.other_ca);

    (void)state;
    o.insecure = true;
    expect_pass("ldaps, other CA, insecure", &o, 0);
    o = tls_opts(F.ldaps_name_uri, false, NULL);
    o.insecure = true;
    expect_pass("ldaps by name, system CAs, insecure", &o, 0);
    o = tls_opts(F.uri, true, F.other_ca);
    o.insecure = true;
    expect_pass("StartTLS, other CA, insecure", &o, 0);
}

static void test_missing_ca_file_is_an_error(void **state)
{
    struct dir_probe_opts o = tls_opts(F.ldaps_uri, false, "/nonexistent/govconsole-ca.pem");
    struct dir_probe_result r;
    int rc = dir_probe_run(&o, &r);

    (void)state;
    print_result("ldaps, missing CA file", rc, &r);
    assert_int_equal(rc, -1);
    assert_int_equal(r.tls, -1);
    assert_int_equal(r.auth, 0);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "/nonexistent/govconsole-ca.pem"));
    dir_probe_result_fini(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ldaps_verified),
        cmocka_unit_test(test_starttls_verified),
        cmocka_unit_test(test_wrong_ca_refused),
        cmocka_unit_test(test_system_cas_refuse_the_test_ca),
        cmocka_unit_test(test_name_not_in_certificate_refused),
        cmocka_unit_test(test_ldaps_to_plain_port_fails),
        cmocka_unit_test(test_insecure_skips_the_check),
        cmocka_unit_test(test_missing_ca_file_is_an_error),
    };

    (void)argc;
    if (slapdrun_reexec(argv, true) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
