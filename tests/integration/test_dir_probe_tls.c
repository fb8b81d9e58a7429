/* The directory probe's TLS against a private slapd with TLS (tests/integration/slapd.bash
 * with SLAPD_TLS=1, see slapdrun.h): its certificate is signed by a test CA for IP:127.0.0.1.
 *
 * ldaps:// and StartTLS verify with the right CA file (tls 1); the wrong CA, the system's CAs
 * and a name the certificate does not carry all fail before the bind, with a hint; ldaps:// to
 * the plain LDAP port fails at once; insecure skips the check and says so (tls 0); a CA file
 * that does not exist is an error naming it, never "no CA". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/identity.h" /* identity over TLS (issue 16) */
#include "core/directory/probe.h"
#include "core/xalloc.h"
#include "tests/integration/dirprobe.h"
#include "tests/integration/slapdrun.h"

static struct dirprobe_env E;
static const char *ca, *other_ca;
static char *ldaps_uri;      /* ldaps://127.0.0.1:PORT: the name in the certificate */
static char *ldaps_name_uri; /* ldaps://localhost:PORT: not in the certificate */

static int setup(void **state)
{
    (void)state;
    dirprobe_env_load(&E);
    ca = slapdrun_env("SLAPD_CA_FILE");
    other_ca = slapdrun_env("SLAPD_OTHER_CA_FILE");
    ldaps_uri = xasprintf("ldaps://127.0.0.1:%s", slapdrun_env("SLAPD_LDAPS_PORT"));
    ldaps_name_uri = xasprintf("ldaps://localhost:%s", slapdrun_env("SLAPD_LDAPS_PORT"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(ldaps_uri);
    free(ldaps_name_uri);
    return 0;
}

static struct dir_probe_opts tls_opts(const char *uri, bool starttls, const char *ca_file)
{
    struct dir_probe_opts o = dirprobe_opts(&E, uri);

    o.starttls = starttls;
    o.ca_file = ca_file;
    return o;
}

/* Checks that o failed at TLS, before any bind, with an error containing want. */
static void expect_tls_failure(const char *what, const struct dir_probe_opts *o, const char *want)
{
    struct dir_probe_result r;

    dirprobe_expect_failure(&E, what, o, true, -1, 0, want, &r);
    assert_null(r.about);
    dir_probe_result_fini(&r);
}

static void test_ldaps_verified(void **state)
{
    struct dir_probe_opts o = tls_opts(ldaps_uri, false, ca);

    (void)state;
    dirprobe_expect_pass(&E, "ldaps, test CA", &o, 1);
}

static void test_starttls_verified(void **state)
{
    struct dir_probe_opts o = tls_opts(E.uri, true, ca);

    (void)state;
    dirprobe_expect_pass(&E, "StartTLS, test CA", &o, 1);
}

static void test_wrong_ca_refused(void **state)
{
    struct dir_probe_opts o = tls_opts(ldaps_uri, false, other_ca);
    char *want = xasprintf("TLS handshake with %s failed", ldaps_uri);
    char *want_starttls = xasprintf("StartTLS with %s failed", E.uri);

    (void)state;
    expect_tls_failure("ldaps, other CA", &o, want);
    expect_tls_failure("ldaps, other CA", &o, "trusted CA (ca_file)");
    o = tls_opts(E.uri, true, other_ca);
    expect_tls_failure("StartTLS, other CA", &o, want_starttls);
    expect_tls_failure("StartTLS, other CA", &o, "trusted CA (ca_file)");
    free(want);
    free(want_starttls);
}

/* The test CA is in no system store. */
static void test_system_cas_refuse_the_test_ca(void **state)
{
    struct dir_probe_opts o = tls_opts(ldaps_uri, false, NULL);
    char *want = xasprintf("TLS handshake with %s failed", ldaps_uri);

    (void)state;
    expect_tls_failure("ldaps, system CAs", &o, want);
    free(want);
}

static void test_name_not_in_certificate_refused(void **state)
{
    struct dir_probe_opts o = tls_opts(ldaps_name_uri, false, ca);
    char *want = xasprintf("TLS handshake with %s failed", ldaps_name_uri);

    (void)state;
    expect_tls_failure("ldaps by a name the certificate lacks", &o, want);
    free(want);
}

/* ldaps:// to the plain LDAP port: slapd hangs up on the TLS hello. Depending on when
 * the hang-up arrives, GnuTLS reports it or libldap calls it a timeout; either way the
 * probe says the connection ended, at once. */
static void test_ldaps_to_plain_port_fails(void **state)
{
    char *uri = xasprintf("ldaps://%s", E.uri + strlen("ldap://"));
    struct dir_probe_opts o = tls_opts(uri, false, ca);
    char *want = xasprintf("TLS handshake with %s failed", uri);

    (void)state;
    for (int i = 0; i < 5; i++) {
        struct dir_probe_result r;

        dirprobe_expect_failure(&E, "ldaps to the ldap port", &o, true, -1, 0, want, &r);
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
    struct dir_probe_opts o = tls_opts(ldaps_uri, false, other_ca);

    (void)state;
    o.insecure = true;
    dirprobe_expect_pass(&E, "ldaps, other CA, insecure", &o, 0);
    o = tls_opts(ldaps_name_uri, false, NULL);
    o.insecure = true;
    dirprobe_expect_pass(&E, "ldaps by name, system CAs, insecure", &o, 0);
    o = tls_opts(E.uri, true, other_ca);
    o.insecure = true;
    dirprobe_expect_pass(&E, "StartTLS, other CA, insecure", &o, 0);
}

/* Found before the handshake: nothing has answered yet. */
static void test_missing_ca_file_is_an_error(void **state)
{
    struct dir_probe_opts o = tls_opts(ldaps_uri, false, "/nonexistent/govconsole-ca.pem");

    (void)state;
    dirprobe_expect_failure(&E, "ldaps, missing CA file", &o, false, -1, 0,
                            "CA file /nonexistent/govconsole-ca.pem", NULL);
}

/* Identity resolution (core/directory/identity.h) over the same TLS: ldaps:// and StartTLS
 * with the test CA resolve a user and their role; with a CA that did not sign the server's
 * certificate, nothing is sent and the error says TLS. */
static void test_identity_over_tls(void **state)
{
    struct dir_identity_opts o = {0};
    struct dir_identity id;
    char *role;

    (void)state;
    o.user = "opal";
    o.password = E.user_pw;
    o.conn = tls_opts(ldaps_uri, false, ca);
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    role = dir_grant_text(&id.grant.g);
    assert_string_equal(role, "operator");
    free(role);
    dir_identity_fini(&id);
    o.conn = tls_opts(E.uri, true, ca);
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    assert_true(id.grant.g.operator);
    dir_identity_fini(&id);
    o.conn = tls_opts(ldaps_uri, false, other_ca);
    assert_int_equal(dir_identity_resolve(&o, &id), -1);
    assert_int_equal(id.status, DIR_IDENTITY_ERROR);
    print_message("other CA: %s\n", id.error);
    assert_non_null(strstr(id.error, "TLS handshake"));
    dir_identity_fini(&id);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_over_tls),
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
