/* The directory probe (core/directory/probe.h) against a private slapd without TLS on
 * 127.0.0.1, started and stopped by tests/integration/slapd.bash (see slapdrun.h); TLS is
 * tested in test_dir_probe_tls.c.
 *
 * The service account passes, over TCP and the local socket; a wrong password and an unknown
 * account get the same "credentials rejected" (without the password); a missing base is
 * named; a closed port and a silent server fail within the timeout, without spinning;
 * StartTLS against a slapd without TLS says so and never binds; anonymous probes read the
 * root DSE but not the base; probes run side by side on threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/directory/probe.h"
#include "core/xalloc.h"
#include "tests/integration/dirprobe.h"
#include "tests/integration/slapdrun.h"

static struct dirprobe_env E;

static int setup(void **state)
{
    (void)state;
    dirprobe_env_load(&E);
    return 0;
}

static void test_service_account_passes(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r = {0};

    (void)state;
    dirprobe_expect_pass(&E, "service account", &o, -1);
    dir_probe_result_fini(&r); /* a zeroed result, and twice, are fine */
    dir_probe_result_fini(&r);
    dir_probe_result_fini(NULL);
}

static void test_user_account_passes(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    char *dn = xasprintf("uid=alice,ou=People,%s", E.base);

    (void)state;
    o.bind_dn = dn;
    o.password = E.user_pw;
    dirprobe_expect_pass(&E, "alice", &o, -1);
    free(dn);
}

/* The same over the local socket (ldapi://), which libldap connects itself. */
static void test_service_account_over_ldapi(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.ldapi_uri);

    (void)state;
    dirprobe_expect_pass(&E, "ldapi", &o, -1);
    o.uri = "ldapi://%2Fnonexistent%2Fgovconsole-ldapi";
    dirprobe_expect_failure(&E, "ldapi, no socket", &o, false, -1, 0,
                            "cannot connect to ldapi://%2Fnonexistent%2Fgovconsole-ldapi", NULL);
}

static void test_wrong_password_rejected(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r;
    char *want = xasprintf("credentials rejected for %s", E.service_dn);
    const char *wrong = "Not-The-Secret-7731";

    (void)state;
    o.password = wrong;
    dirprobe_expect_failure(&E, "wrong password", &o, true, -1, 0, want, &r);
    assert_string_equal(r.error, want);
    assert_null(strstr(r.error, wrong));
    dir_probe_result_fini(&r);
    free(want);
}

/* An unknown account reads exactly like a wrong password: the probe never tells which. */
static void test_unknown_account_rejected_alike(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r;
    char *dn = xasprintf("cn=nobody,ou=Services,%s", E.base);
    char *want = xasprintf("credentials rejected for %s", dn);

    (void)state;
    o.bind_dn = dn;
    dirprobe_expect_failure(&E, "unknown account", &o, true, -1, 0, want, &r);
    assert_string_equal(r.error, want);
    dir_probe_result_fini(&r);
    free(want);
    free(dn);
}

/* A DN with an empty password would be an unauthenticated bind, which servers accept. */
static void test_empty_password_refused_locally(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);

    (void)state;
    o.password = "";
    dirprobe_expect_failure(&E, "empty password", &o, true, -1, 0, "no password for", NULL);
}

static void test_missing_or_invalid_base_named(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    char *base = xasprintf("ou=Nowhere,%s", E.base);
    char *want = xasprintf("base %s not found", base);

    (void)state;
    o.base = base;
    dirprobe_expect_failure(&E, "missing base", &o, true, -1, 1, want, NULL);
    o.base = "not a dn";
    dirprobe_expect_failure(&E, "invalid base", &o, true, -1, 1, "base not a dn", NULL);
    free(want);
    free(base);
}

/* Anonymous users may only bind: the root DSE answers, the base does not. */
static void test_anonymous_sees_no_base(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r;
    char *want = xasprintf("base %s not found (or not visible to anonymous users)", E.base);

    (void)state;
    o.bind_dn = NULL;
    o.password = NULL;
    dirprobe_expect_failure(&E, "anonymous", &o, true, -1, -1, want, &r);
    assert_non_null(r.about);
    assert_string_equal(r.about, E.base);
    dir_probe_result_fini(&r);
    free(want);
}

static void test_closed_port_unreachable(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r;
    int port, fd = dirprobe_loopback_socket(false, &port);
    char *uri = xasprintf("ldap://127.0.0.1:%d", port);
    char *want = xasprintf("cannot connect to %s", uri);

    (void)state;
    close(fd); /* bound, never listened, now closed: connections are refused */
    o.uri = uri;
    o.timeout_ms = 2000;
    dirprobe_expect_failure(&E, "closed port", &o, false, -1, 0, want, &r);
    assert_null(r.about);
    assert_true(r.rtt_ms < (double)o.timeout_ms);
    dir_probe_result_fini(&r);
    free(want);
    free(uri);
}

static double thread_cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* A server that accepts the connection and never answers: the timeout bounds the probe, and
 * the wait sleeps (libldap 2.5's synchronous TLS handshake would spin on read()). */
static void check_silent_server(const char *scheme, bool starttls)
{
    struct dir_probe_opts o = dirprobe_opts(&E, NULL);
    struct dir_probe_result r;
    int port, fd = dirprobe_loopback_socket(true, &port);
    char *uri = xasprintf("%s://127.0.0.1:%d", scheme, port);
    double cpu;

    o.uri = uri;
    o.starttls = starttls;
    o.timeout_ms = 800;
    cpu = thread_cpu_ms();
    dirprobe_expect_failure(&E, uri, &o, false, -1, 0, uri, &r);
    cpu = thread_cpu_ms() - cpu;
    print_message("  cpu %.1f ms\n", cpu);
    assert_true(cpu < 200.0);
    assert_true(r.rtt_ms >= 700.0);
    assert_true(r.rtt_ms < 800.0 + 1500.0);
    dir_probe_result_fini(&r);
    close(fd);
    free(uri);
}

static void test_silent_server_times_out(void **state)
{
    (void)state;
    check_silent_server("ldap", false);
    check_silent_server("ldap", true);
    check_silent_server("ldaps", false);
}

static void test_starttls_without_tls_fails(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r;
    char *want = xasprintf("StartTLS with %s failed", E.uri);

    (void)state;
    o.starttls = true;
    /* auth 0: no bind in clear text after a refused StartTLS */
    dirprobe_expect_failure(&E, "starttls", &o, true, -1, 0, want, &r);
    assert_null(r.about);
    dir_probe_result_fini(&r);
    free(want);
}

/* Configuration errors are found before any connection. */
static void test_configuration_errors(void **state)
{
    struct dir_probe_opts o = dirprobe_opts(&E, "http://127.0.0.1:1/");
    char *ldaps_uri = xasprintf("ldaps://%s", E.uri + strlen("ldap://"));

    (void)state;
    dirprobe_expect_failure(&E, "http uri", &o, false, -1, 0,
                            "bad directory URI http://127.0.0.1:1/", NULL);
    o.uri = ldaps_uri;
    o.starttls = true;
    dirprobe_expect_failure(&E, "ldaps + starttls", &o, false, -1, 0, "StartTLS is for ldap://",
                            NULL);
    o.uri = E.ldapi_uri;
    dirprobe_expect_failure(&E, "ldapi + starttls", &o, false, -1, 0, "is a local socket", NULL);
    o = dirprobe_opts(&E, E.uri);
    o.base = NULL;
    dirprobe_expect_failure(&E, "no base", &o, false, -1, 0, "no directory base configured", NULL);
    free(ldaps_uri);
}

#define THREADS 4

struct thread_run {
    struct dir_probe_opts o;
    struct dir_probe_result r;
    int rc;
};

static void *probe_thread(void *arg)
{
    struct thread_run *t = arg;

    t->rc = dir_probe_run(&t->o, &t->r);
    return NULL;
}

/* Probes on worker threads, side by side, half with the right password and half without. */
static void test_probes_on_threads(void **state)
{
    struct thread_run runs[THREADS];
    pthread_t tid[THREADS];

    (void)state;
    for (int i = 0; i < THREADS; i++) {
        runs[i].o = dirprobe_opts(&E, E.uri);
        if (i % 2 == 1) {
            runs[i].o.password = "wrong";
        }
        assert_int_equal(pthread_create(&tid[i], NULL, probe_thread, &runs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        dirprobe_print("thread", runs[i].rc, &runs[i].r);
        assert_int_equal(runs[i].rc, i % 2 == 1 ? -1 : 0);
        assert_int_equal(runs[i].r.auth, i % 2 == 1 ? 0 : 1);
        dir_probe_result_fini(&runs[i].r);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_account_passes),
        cmocka_unit_test(test_user_account_passes),
        cmocka_unit_test(test_service_account_over_ldapi),
        cmocka_unit_test(test_wrong_password_rejected),
        cmocka_unit_test(test_unknown_account_rejected_alike),
        cmocka_unit_test(test_empty_password_refused_locally),
        cmocka_unit_test(test_missing_or_invalid_base_named),
        cmocka_unit_test(test_anonymous_sees_no_base),
        cmocka_unit_test(test_closed_port_unreachable),
        cmocka_unit_test(test_silent_server_times_out),
        cmocka_unit_test(test_starttls_without_tls_fails),
        cmocka_unit_test(test_configuration_errors),
        cmocka_unit_test(test_probes_on_threads),
    };

    (void)argc;
    if (slapdrun_reexec(argv, false) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, NULL);
}
