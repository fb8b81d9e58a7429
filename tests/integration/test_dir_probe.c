/* The directory probe (core/directory/probe.h) against a private slapd without TLS on
 * 127.0.0.1, started and stopped by tests/integration/slapd.bash (see slapdrun.h); TLS is
 * tested in test_dir_probe_tls.c.
 *
 * The service account passes, over TCP and the local socket; a wrong password and an unknown account get the same "credentials
 * rejected" (without the password); a missing base is named; a closed port and a silent server
 * fail within the timeout, without spinning; StartTLS against a slapd without TLS says so and
 * never binds; anonymous probes read the root DSE but not the base; probes run side by side on
 * threads. */
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
#include "tests/integration/slapdrun.h"

struct fx {
    const char *uri, *ldapi_uri, *base, *service_dn, *service_pw, *user_pw;
};

static struct fx F;

static int setup(void **state)
{
    (void)state;
    F.uri = slapdrun_env("SLAPD_URI");
    F.ldapi_uri = slapdrun_env("SLAPD_LDAPI_URI");
    F.base = slapdrun_env("SLAPD_BASE");
    F.service_dn = slapdrun_env("SLAPD_SERVICE_DN");
    F.service_pw = slapdrun_env("SLAPD_SERVICE_PW");
    F.user_pw = slapdrun_env("SLAPD_USER_PW");
    return 0;
}

/* Options for the service account against the test slapd. */
static struct dir_probe_opts service_opts(void)
{
    struct dir_probe_opts o = {0};

    o.uri = F.uri;
    o.base = F.base;
    o.bind_dn = F.service_dn;
    o.password = F.service_pw;
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

/* A loopback TCP socket bound to a free port; listening when listen_too. *port gets the port. */
static int loopback_socket(bool listen_too, int *port)
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

static void test_service_account_passes(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int rc;

    (void)state;
    rc = dir_probe_run(&o, &r);
    print_result("service account", rc, &r);
    assert_int_equal(rc, 0);
    assert_null(r.error);
    assert_true(r.reachable);
    assert_int_equal(r.tls, -1);
    assert_int_equal(r.auth, 1);
    assert_true(r.base_found);
    /* OpenLDAP names no vendor: about is the naming context. */
    assert_non_null(r.about);
    assert_string_equal(r.about, F.base);
    assert_true(r.rtt_ms > 0.0 && r.rtt_ms < (double)o.timeout_ms);
    dir_probe_result_fini(&r);
    assert_null(r.about);
    assert_null(r.error);
    dir_probe_result_fini(&r); /* twice is fine */
}

static void test_user_account_passes(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    char *dn = xasprintf("uid=alice,ou=People,%s", F.base);
    int rc;

    (void)state;
    o.bind_dn = dn;
    o.password = F.user_pw;
    rc = dir_probe_run(&o, &r);
    print_result("alice", rc, &r);
    assert_int_equal(rc, 0);
    assert_int_equal(r.auth, 1);
    assert_true(r.base_found);
    dir_probe_result_fini(&r);
    free(dn);
}

/* The same over the local socket (ldapi://), which libldap connects itself. */
static void test_service_account_over_ldapi(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int rc;

    (void)state;
    o.uri = F.ldapi_uri;
    rc = dir_probe_run(&o, &r);
    print_result("ldapi", rc, &r);
    assert_int_equal(rc, 0);
    assert_true(r.reachable);
    assert_int_equal(r.tls, -1);
    assert_int_equal(r.auth, 1);
    assert_true(r.base_found);
    dir_probe_result_fini(&r);

    o.uri = "ldapi://%2Fnonexistent%2Fgovconsole-ldapi";
    rc = dir_probe_run(&o, &r);
    print_result("ldapi, no socket", rc, &r);
    assert_int_equal(rc, -1);
    assert_false(r.reachable);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "cannot connect to ldapi://%2Fnonexistent%2Fgovconsole-ldapi"));
    dir_probe_result_fini(&r);
}

static void test_wrong_password_rejected(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    char *want = xasprintf("credentials rejected for %s", F.service_dn);
    const char *wrong = "Not-The-Secret-7731";
    int rc;

    (void)state;
    o.password = wrong;
    rc = dir_probe_run(&o, &r);
    print_result("wrong password", rc, &r);
    assert_int_equal(rc, -1);
    assert_true(r.reachable);
    assert_int_equal(r.auth, 0);
    assert_false(r.base_found);
    assert_non_null(r.error);
    assert_string_equal(r.error, want);
    assert_null(strstr(r.error, wrong));
    assert_null(strstr(r.error, F.service_pw));
    assert_null(strchr(r.error, '\n'));
    dir_probe_result_fini(&r);
    free(want);
}

/* An unknown account reads exactly like a wrong password: the probe never tells which. */
static void test_unknown_account_rejected_alike(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    char *dn = xasprintf("cn=nobody,ou=Services,%s", F.base);
    char *want = xasprintf("credentials rejected for %s", dn);
    int rc;

    (void)state;
    o.bind_dn = dn;
    o.password = F.service_pw;
    rc = dir_probe_run(&o, &r);
    print_result("unknown account", rc, &r);
    assert_int_equal(rc, -1);
    assert_true(r.reachable);
    assert_int_equal(r.auth, 0);
    assert_non_null(r.error);
    assert_string_equal(r.error, want);
    assert_null(strstr(r.error, F.service_pw));
    dir_probe_result_fini(&r);
    free(want);
    free(dn);
}

/* A DN with an empty password would be an unauthenticated bind, which servers accept. */
static void test_empty_password_refused_locally(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int rc;

    (void)state;
    o.password = "";
    rc = dir_probe_run(&o, &r);
    print_result("empty password", rc, &r);
    assert_int_equal(rc, -1);
    assert_true(r.reachable);
    assert_int_equal(r.auth, 0);
    assert_false(r.base_found);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "no password for"));
    dir_probe_result_fini(&r);
}

static void test_missing_base_named(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    char *base = xasprintf("ou=Nowhere,%s", F.base);
    int rc;

    (void)state;
    o.base = base;
    rc = dir_probe_run(&o, &r);
    print_result("missing base", rc, &r);
    assert_int_equal(rc, -1);
    assert_true(r.reachable);
    assert_int_equal(r.auth, 1);
    assert_false(r.base_found);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, base));
    assert_non_null(strstr(r.error, "not found"));
    dir_probe_result_fini(&r);
    free(base);
}

static void test_invalid_base_named(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int rc;

    (void)state;
    o.base = "not a dn";
    rc = dir_probe_run(&o, &r);
    print_result("invalid base", rc, &r);
    assert_int_equal(rc, -1);
    assert_int_equal(r.auth, 1);
    assert_false(r.base_found);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "base not a dn"));
    dir_probe_result_fini(&r);
}

/* Anonymous users may only bind: the root DSE answers, the base does not. */
static void test_anonymous_sees_no_base(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int rc;

    (void)state;
    o.bind_dn = NULL;
    o.password = NULL;
    rc = dir_probe_run(&o, &r);
    print_result("anonymous", rc, &r);
    assert_int_equal(rc, -1);
    assert_true(r.reachable);
    assert_int_equal(r.auth, -1);
    assert_false(r.base_found);
    assert_non_null(r.about);
    assert_string_equal(r.about, F.base);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, F.base));
    assert_non_null(strstr(r.error, "anonymous"));
    dir_probe_result_fini(&r);
}

static void test_closed_port_unreachable(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int port, fd = loopback_socket(false, &port), rc;
    char *uri = xasprintf("ldap://127.0.0.1:%d", port);

    (void)state;
    close(fd); /* bound, never listened, now closed: connections are refused */
    o.uri = uri;
    o.timeout_ms = 2000;
    rc = dir_probe_run(&o, &r);
    print_result("closed port", rc, &r);
    assert_int_equal(rc, -1);
    assert_false(r.reachable);
    assert_int_equal(r.tls, -1);
    assert_int_equal(r.auth, 0);
    assert_false(r.base_found);
    assert_null(r.about);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, uri));
    assert_true(r.rtt_ms < (double)o.timeout_ms);
    dir_probe_result_fini(&r);
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
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int port, fd = loopback_socket(true, &port), rc;
    char *uri = xasprintf("%s://127.0.0.1:%d", scheme, port);
    double cpu;

    o.uri = uri;
    o.starttls = starttls;
    o.timeout_ms = 800;
    cpu = thread_cpu_ms();
    rc = dir_probe_run(&o, &r);
    cpu = thread_cpu_ms() - cpu;
    print_result(uri, rc, &r);
    print_message("  cpu %.1f ms\n", cpu);
    assert_true(cpu < 200.0);
    assert_int_equal(rc, -1);
    assert_false(r.reachable);
    assert_int_equal(r.auth, 0);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, uri));
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
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    int rc;

    (void)state;
    o.starttls = true;
    rc = dir_probe_run(&o, &r);
    print_result("starttls", rc, &r);
    assert_int_equal(rc, -1);
    assert_true(r.reachable);
    assert_int_equal(r.tls, -1);
    assert_int_equal(r.auth, 0); /* no bind in clear text after a refused StartTLS */
    assert_false(r.base_found);
    assert_null(r.about);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "StartTLS"));
    assert_non_null(strstr(r.error, F.uri));
    assert_null(strstr(r.error, F.service_pw));
    assert_null(strchr(r.error, '\n'));
    dir_probe_result_fini(&r);
}

static void test_configuration_errors(void **state)
{
    struct dir_probe_opts o = service_opts();
    struct dir_probe_result r;
    char *uri = xasprintf("ldaps://%s", F.uri + strlen("ldap://"));

    (void)state;
    o.uri = "http://127.0.0.1:1/";
    assert_int_equal(dir_probe_run(&o, &r), -1);
    print_result("http uri", -1, &r);
    assert_false(r.reachable);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "bad directory URI http://127.0.0.1:1/"));
    dir_probe_result_fini(&r);

    o.uri = uri;
    o.starttls = true;
    assert_int_equal(dir_probe_run(&o, &r), -1);
    print_result("ldaps + starttls", -1, &r);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "StartTLS is for ldap://"));
    assert_false(r.reachable);
    dir_probe_result_fini(&r);

    o.uri = F.ldapi_uri;
    assert_int_equal(dir_probe_run(&o, &r), -1);
    print_result("ldapi + starttls", -1, &r);
    assert_non_null(r.error);
    assert_non_null(strstr(r.error, "is a local socket"));
    assert_false(r.reachable);
    dir_probe_result_fini(&r);

    o = service_opts();
    o.base = NULL;
    assert_int_equal(dir_probe_run(&o, &r), -1);
    assert_string_equal(r.error, "no directory base configured");
    dir_probe_result_fini(&r);
    free(uri);
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
        runs[i].o = service_opts();
        if (i % 2 == 1) {
            runs[i].o.password = "wrong";
        }
        assert_int_equal(pthread_create(&tid[i], NULL, probe_thread, &runs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        print_result("thread", runs[i].rc, &runs[i].r);
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
        cmocka_unit_test(test_missing_base_named),
        cmocka_unit_test(test_invalid_base_named),
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
