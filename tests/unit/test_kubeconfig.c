/* core/kubeconfig: loading tests/data/kubeconfig/ inputs, and the exact error lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kubeconfig.h"
#include "core/xalloc.h"

/* tests/data/kubeconfig/NAME, from $GC_ROOT when set (else relative to the repo root, the
 * current directory). Caller frees. */
static char *data_path(const char *name)
{
    const char *root = getenv("GC_ROOT");

    if (root != NULL && root[0] != '\0') {
        return xasprintf("%s/tests/data/kubeconfig/%s", root, name);
    }
    return xasprintf("tests/data/kubeconfig/%s", name);
}

/* The absolute form of data_path(name), as the loader resolves it. Caller frees. */
static char *data_abs(const char *name)
{
    char *p = data_path(name);
    char cwd[4096];
    char *abs;

    if (p[0] == '/') {
        return p;
    }
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    abs = xasprintf("%s/%s", cwd, p);
    free(p);
    return abs;
}

/* Loads tests/data/kubeconfig/NAME; asserts success. */
static void load_ok(const char *name, const char *context, struct kube_target *t)
{
    char *path = data_path(name);
    char *err = NULL;
    int rc = kubeconfig_load(path, context, t, &err);

    if (rc != 0) {
        print_error("%s: %s\n", path, err != NULL ? err : "(no message)");
    }
    assert_int_equal(rc, 0);
    assert_null(err);
    free(path);
}

/* Loads PATH (as given) and asserts failure with exactly the message `want`. */
static void load_fails_path(const char *path, const char *context, const char *want)
{
    struct kube_target t;
    char *err = NULL;
    int rc = kubeconfig_load(path, context, &t, &err);

    assert_int_equal(rc, -1);
    assert_non_null(err);
    if (strcmp(err, want) != 0) {
        print_error("got:  %s\nwant: %s\n", err, want);
    }
    assert_string_equal(err, want);
    assert_null(strchr(err, '\n'));
    /* *out is left empty on failure */
    assert_null(t.server);
    assert_null(t.context);
    assert_null(t.token);
    free(err);
}

/* Like load_fails_path for tests/data/kubeconfig/NAME; `fmt` has one %s for the path. */
static void load_fails(const char *name, const char *context, const char *fmt)
{
    char *path = data_path(name);
    char *want = xasprintf(fmt, path);

    load_fails_path(path, context, want);
    free(want);
    free(path);
}

static char *tmpdir;

/* Writes `text` to a new file in the test's temporary directory; returns its path. */
static char *write_tmp(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* A kubeconfig with one cluster, one context (current) and one user, the cluster's and the
 * user's bodies given as YAML flow mappings. */
static char *write_simple(const char *name, const char *cluster, const char *user)
{
    char *text = xasprintf("apiVersion: v1\n"
                           "kind: Config\n"
                           "current-context: ctx\n"
                           "clusters:\n"
                           "- name: c\n"
                           "  cluster: %s\n"
                           "contexts:\n"
                           "- name: ctx\n"
                           "  context: {cluster: c, user: u}\n"
                           "users:\n"
                           "- name: u\n"
                           "  user: %s\n",
                           cluster, user);
    char *path = write_tmp(name, text);

    free(text);
    return path;
}

static int setup_tmp(void **state)
{
    char tmpl[] = "/tmp/gc-kubeconfig-XXXXXX";

    (void)state;
    if (mkdtemp(tmpl) == NULL) {
        return -1;
    }
    tmpdir = xstrdup(tmpl);
    return 0;
}

static int teardown_tmp(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc = system(cmd);

    (void)state;
    free(cmd);
    free(tmpdir);
    return rc == 0 ? 0 : -1;
}

/* ---- valid files ---- */

static void test_token(void **state)
{
    struct kube_target t;
    char *ca = data_abs("certs/ca.crt");

    (void)state;
    load_ok("token.yaml", NULL, &t);
    assert_string_equal(t.context, "govcloud-dmi");
    assert_string_equal(t.cluster, "govcloud");
    assert_string_equal(t.server, "https://api.govcloud.example:6443"); /* slash dropped */
    assert_string_equal(t.namespace, "dmi");
    assert_string_equal(t.token, "eyJhbGciOiJSUzI1NiJ9.test-token.signature");
    assert_string_equal(t.ca_file, ca); /* relative to the file's directory, made absolute */
    assert_null(t.ca_data);
    assert_false(t.insecure);
    assert_null(t.username);
    assert_null(t.password);
    assert_null(t.client_cert);
    assert_null(t.client_key);
    kube_target_fini(&t);
    assert_null(t.server);
    assert_null(t.token);
    free(ca);
}

static void test_two_contexts(void **state)
{
    struct kube_target t;

    (void)state;
    /* current-context */
    load_ok("two-contexts.yaml", NULL, &t);
    assert_string_equal(t.context, "staging-dev");
    assert_string_equal(t.cluster, "staging");
    assert_string_equal(t.server, "https://staging.govcloud.example:6443");
    assert_string_equal(t.namespace, "sandbox");
    assert_string_equal(t.token, "staging-token");
    kube_target_fini(&t);

    /* an explicit context overrides current-context */
    load_ok("two-contexts.yaml", "prod-admin", &t);
    assert_string_equal(t.context, "prod-admin");
    assert_string_equal(t.cluster, "prod");
    assert_string_equal(t.server, "https://prod.govcloud.example:6443");
    assert_null(t.namespace);
    assert_string_equal(t.token, "prod-token");
    assert_false(t.insecure);
    kube_target_fini(&t);

    /* an empty context name means "use current-context" */
    load_ok("two-contexts.yaml", "", &t);
    assert_string_equal(t.context, "staging-dev");
    kube_target_fini(&t);
}

static void test_token_file(void **state)
{
    struct kube_target t;
    char *ca = data_abs("certs/ca.crt");

    (void)state;
    load_ok("tokenfile.yaml", NULL, &t);
    assert_string_equal(t.token, "file-token-0123456789"); /* read, then trimmed */
    assert_string_equal(t.server, "https://10.0.0.1:6443");
    assert_string_equal(t.ca_file, ca); /* "./certs/../certs/ca.crt" cleaned */
    kube_target_fini(&t);
    free(ca);
}

static void test_client_cert_paths(void **state)
{
    struct kube_target t;
    char *crt = data_abs("certs/client.crt");
    char *key = data_abs("certs/client.key");

    (void)state;
    load_ok("client-cert.yaml", NULL, &t);
    assert_string_equal(t.client_cert, crt);
    assert_string_equal(t.client_key, key);
    assert_true(t.client_cert[0] == '/');
    assert_null(t.token);
    kube_target_fini(&t);
    free(crt);
    free(key);
}

static void test_base64_data(void **state)
{
    struct kube_target t;

    (void)state;
    load_ok("data.yaml", NULL, &t);
    assert_string_equal(t.server, "https://127.0.0.1:39211");
    assert_string_equal(t.ca_data, "-----BEGIN CERTIFICATE-----\nMIIBdummyCAforGovconsoleTests\n"
                                   "-----END CERTIFICATE-----\n");
    assert_string_equal(t.client_cert_data, "-----BEGIN CERTIFICATE-----\nMIIBdummyClientCert\n"
                                            "-----END CERTIFICATE-----\n");
    assert_string_equal(t.client_key_data, "-----BEGIN PRIVATE KEY-----\nMIIEdummyClientKey\n"
                                           "-----END PRIVATE KEY-----\n");
    assert_null(t.ca_file);
    kube_target_fini(&t);
}

static void test_insecure_and_basic(void **state)
{
    struct kube_target t;

    (void)state;
    load_ok("insecure.yaml", NULL, &t);
    assert_true(t.insecure);
    assert_string_equal(t.token, "lab-token");
    kube_target_fini(&t);

    load_ok("basic-auth.yaml", NULL, &t);
    assert_string_equal(t.server, "http://legacy.example:8080");
    assert_string_equal(t.username, "admin");
    assert_string_equal(t.password, "12345"); /* a plain number is a string here, as in kubectl */
    assert_null(t.token);
    assert_false(t.insecure);
    kube_target_fini(&t);
}

/* ---- the error lines ---- */

static void test_errors_from_files(void **state)
{
    (void)state;
    load_fails("exec.yaml", NULL,
               "kubeconfig %s: context eks: user aws uses exec, which is not supported");
    load_fails("auth-provider.yaml", NULL,
               "kubeconfig %s: context gke: user gcp-user uses auth-provider gcp, which is not "
               "supported");
    load_fails("missing-server.yaml", NULL, "%s:7: clusters[0].cluster.server: missing");
    load_fails("server-not-string.yaml", NULL,
               "%s:8: clusters[0].cluster.server: expected a string, got a mapping");
    load_fails("two-contexts.yaml", "nope", "kubeconfig %s: context nope not found");
    load_fails("not-yaml.yaml", NULL,
               "%s:8: not YAML: did not find expected key while parsing a block mapping");
    load_fails("empty.yaml", NULL, "kubeconfig %s: empty file");
    load_fails("does-not-exist.yaml", NULL, "kubeconfig %s: no such file");
    load_fails("certs", NULL, "kubeconfig %s: not a regular file");
}

static void test_more_errors(void **state)
{
    char *p, *want, *abs;

    (void)state;
    p = write_simple("badb64.yaml", "{server: 'https://a:1', certificate-authority-data: 'no!'}",
                     "{}");
    want = xasprintf("%s:6: clusters[0].cluster.certificate-authority-data: not base64-encoded "
                     "PEM text",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_simple("conflict.yaml",
                     "{server: 'https://a:1', certificate-authority: ca.crt, "
                     "insecure-skip-tls-verify: true}",
                     "{}");
    want = xasprintf("%s:6: clusters[0].cluster: insecure-skip-tls-verify cannot be combined "
                     "with a certificate-authority",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_simple("quoted-bool.yaml", "{server: 'https://a:1', insecure-skip-tls-verify: 'yes'}",
                     "{}");
    want = xasprintf("%s:6: clusters[0].cluster.insecure-skip-tls-verify: expected true or "
                     "false, got a string",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_simple("two-auth.yaml", "{server: 'https://a:1'}",
                     "{token: t, username: u, password: p}");
    want = xasprintf("%s:12: users[0].user: more than one authentication method (token and "
                     "username/password)",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_simple("no-tokenfile.yaml", "{server: 'https://a:1'}", "{tokenFile: missing.txt}");
    abs = xasprintf("%s/missing.txt", tmpdir);
    want = xasprintf("%s:12: users[0].user.tokenFile: cannot read %s: no such file", p, abs);
    load_fails_path(p, NULL, want);
    free(want);
    free(abs);
    free(p);

    p = write_simple("no-ca.yaml",
                     "{server: 'https://a:1', certificate-authority: /nonexistent/ca.crt}", "{}");
    want = xasprintf("%s:6: clusters[0].cluster.certificate-authority: cannot read "
                     "/nonexistent/ca.crt: no such file",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_simple("no-scheme.yaml", "{server: 'api.example:6443'}", "{}");
    want = xasprintf("%s:6: clusters[0].cluster.server: expected an https:// or http:// URL, got "
                     "\"api.example:6443\"",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_simple("imperson.yaml", "{server: 'https://a:1'}", "{token: t, as: admin}");
    want = xasprintf("kubeconfig %s: context ctx: user u uses impersonation (as), which is not "
                     "supported",
                     p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("no-user.yaml", "current-context: ctx\n"
                                  "clusters: [{name: c, cluster: {server: 'https://a:1'}}]\n"
                                  "contexts: [{name: ctx, context: {cluster: c, user: ghost}}]\n");
    want = xasprintf("kubeconfig %s: context ctx: user ghost not found", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("no-cluster.yaml", "current-context: ctx\n"
                                     "contexts: [{name: ctx, context: {cluster: gone}}]\n");
    want = xasprintf("kubeconfig %s: context ctx: cluster gone not found", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("no-current.yaml", "apiVersion: v1\nkind: Config\n"
                                     "contexts: [{name: ctx, context: {cluster: c}}]\n");
    want = xasprintf("kubeconfig %s: no current-context set and no context given", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("ctx-no-cluster.yaml", "current-context: ctx\n"
                                         "contexts:\n"
                                         "- name: ctx\n"
                                         "  context:\n"
                                         "    namespace: x\n");
    want = xasprintf("%s:5: contexts[0].context.cluster: missing", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("clusters-map.yaml", "current-context: ctx\n"
                                       "contexts: [{name: ctx, context: {cluster: c}}]\n"
                                       "clusters: {c: {server: x}}\n");
    want = xasprintf("%s:3: clusters: expected a list, got a mapping", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("list.yaml", "- just\n- a list\n");
    want = xasprintf("%s:1: not a kubeconfig: expected a mapping at the top level, got a list", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("comments.yaml", "# nothing but a comment\n\n");
    want = xasprintf("kubeconfig %s: empty file", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    p = write_tmp("ctx-name-list.yaml", "current-context: ctx\n"
                                        "contexts:\n"
                                        "- name: [ctx]\n"
                                        "  context: {cluster: c}\n");
    want = xasprintf("%s:3: contexts[0].name: expected a string, got a list", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);

    /* names quoted in messages cannot carry escape sequences to the terminal */
    p = write_tmp("evil.yaml", "current-context: \"x\\e[2Jy\"\ncontexts: []\n");
    want = xasprintf("kubeconfig %s: context x?[2Jy not found", p);
    load_fails_path(p, NULL, want);
    free(want);
    free(p);
}

static void test_yaml_details(void **state)
{
    struct kube_target t;
    char *err = NULL;
    char *p;

    (void)state;
    /* anchors and aliases, flow style, null values and a trailing document are fine */
    p = write_tmp("anchors.yaml",
                  "current-context: ctx\n"
                  "clusters:\n"
                  "- name: c\n"
                  "  cluster: &cl {server: 'https://anchored:443///', certificate-authority: ~}\n"
                  "- name: d\n"
                  "  cluster: *cl\n"
                  "contexts:\n"
                  "- {name: ctx, context: {cluster: d, user: u, namespace: null}}\n"
                  "users:\n"
                  "- {name: u, user: {token: 't0k', tokenFile: does-not-matter-when-token-set}}\n"
                  "---\n"
                  "ignored: true\n");
    assert_int_equal(kubeconfig_load(p, NULL, &t, &err), 0);
    assert_null(err);
    assert_string_equal(t.server, "https://anchored:443");
    assert_null(t.ca_file);
    assert_null(t.namespace);
    assert_string_equal(t.token, "t0k");
    kube_target_fini(&t);
    free(p);

    /* YAML 1.1 booleans as kubectl's decoder reads them */
    p = write_simple("bool-on.yaml", "{server: 'https://a:1', insecure-skip-tls-verify: on}", "{}");
    assert_int_equal(kubeconfig_load(p, NULL, &t, &err), 0);
    assert_true(t.insecure);
    kube_target_fini(&t);
    free(p);

    /* base64 folded over lines, without padding */
    p = write_simple(
        "b64-folded.yaml",
        "{server: 'https://a:1', certificate-authority-data: \"LS0tLS1C\n    RUdJTg\"}", "{}");
    assert_int_equal(kubeconfig_load(p, NULL, &t, &err), 0);
    assert_null(err);
    assert_string_equal(t.ca_data, "-----BEGIN");
    kube_target_fini(&t);
    free(p);
}

/* ---- which file: KUBECONFIG, then ~/.kube/config ---- */

static void test_kubeconfig_env(void **state)
{
    char *home_env = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
    char *kc_env = getenv("KUBECONFIG") != NULL ? xstrdup(getenv("KUBECONFIG")) : NULL;
    char *two = data_path("two-contexts.yaml");
    char *token = data_path("token.yaml");
    char *home = data_path("home");
    char *list, *want;
    struct kube_target t;
    char *err = NULL;

    (void)state;
    /* the first existing file of the list wins (no merging yet) */
    list = xasprintf("/nonexistent/a.yaml::%s:%s", two, token);
    setenv("KUBECONFIG", list, 1);
    assert_int_equal(kubeconfig_load(NULL, NULL, &t, &err), 0);
    assert_string_equal(t.context, "staging-dev");
    kube_target_fini(&t);
    free(list);

    /* errors name the file that was chosen */
    list = xasprintf("%s:%s", token, two);
    setenv("KUBECONFIG", list, 1);
    want = xasprintf("kubeconfig %s: context prod-admin not found", token);
    load_fails_path(NULL, "prod-admin", want);
    free(want);
    free(list);

    /* a path argument beats KUBECONFIG */
    assert_int_equal(kubeconfig_load(two, "prod-admin", &t, &err), 0);
    assert_string_equal(t.cluster, "prod");
    kube_target_fini(&t);

    setenv("KUBECONFIG", "/nonexistent/a:/nonexistent/b", 1);
    load_fails_path(NULL, NULL,
                    "kubeconfig: no file in KUBECONFIG exists (/nonexistent/a:/nonexistent/b)");

    /* unset or empty KUBECONFIG: ~/.kube/config */
    setenv("KUBECONFIG", "", 1);
    setenv("HOME", home, 1);
    assert_int_equal(kubeconfig_load(NULL, NULL, &t, &err), 0);
    assert_string_equal(t.server, "https://home.example:6443");
    assert_null(t.token);
    kube_target_fini(&t);
    unsetenv("KUBECONFIG");
    assert_int_equal(kubeconfig_load(NULL, NULL, &t, &err), 0);
    assert_string_equal(t.context, "home");
    kube_target_fini(&t);

    setenv("HOME", "/nonexistent-home", 1);
    load_fails_path(NULL, NULL, "kubeconfig /nonexistent-home/.kube/config: no such file");

    if (home_env != NULL) {
        setenv("HOME", home_env, 1);
    }
    if (kc_env != NULL) {
        setenv("KUBECONFIG", kc_env, 1);
    }
    free(home_env);
    free(kc_env);
    free(two);
    free(token);
    free(home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_two_contexts),
        cmocka_unit_test(test_token_file),
        cmocka_unit_test(test_client_cert_paths),
        cmocka_unit_test(test_base64_data),
        cmocka_unit_test(test_insecure_and_basic),
        cmocka_unit_test(test_errors_from_files),
        cmocka_unit_test(test_more_errors),
        cmocka_unit_test(test_yaml_details),
        cmocka_unit_test(test_kubeconfig_env),
    };

    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
