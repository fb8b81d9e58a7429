/* core/kubeconfig: loading tests/data/kubeconfig/ inputs, merging the files of $KUBECONFIG,
 * and the exact error lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/k8s/kubeconfig.h"
#include "core/xalloc.h"
#include "tests/unit/tmpdir_fixture.h"

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

/* Writes write_simple(name, cluster, user) and asserts that loading it fails with the message
 * `fmt`, whose one %s is the file's path. */
static void simple_fails(const char *name, const char *cluster, const char *user, const char *fmt)
{
    char *p = write_simple(name, cluster, user);
    char *want = xasprintf(fmt, p);

    load_fails_path(p, NULL, want);
    free(want);
    free(p);
}

/* Like simple_fails() for a file holding `text`. */
static void tmp_fails(const char *name, const char *text, const char *fmt)
{
    char *p = write_tmp(name, text);
    char *want = xasprintf(fmt, p);

    load_fails_path(p, NULL, want);
    free(want);
    free(p);
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
    simple_fails("badb64.yaml", "{server: 'https://a:1', certificate-authority-data: 'no!'}", "{}",
                 "%s:6: clusters[0].cluster.certificate-authority-data: not base64-encoded "
                 "PEM text");

    simple_fails("conflict.yaml",
                 "{server: 'https://a:1', certificate-authority: ca.crt, "
                 "insecure-skip-tls-verify: true}",
                 "{}",
                 "%s:6: clusters[0].cluster: insecure-skip-tls-verify cannot be combined "
                 "with a certificate-authority");

    simple_fails("quoted-bool.yaml", "{server: 'https://a:1', insecure-skip-tls-verify: 'yes'}",
                 "{}",
                 "%s:6: clusters[0].cluster.insecure-skip-tls-verify: expected true or "
                 "false, got a string");

    simple_fails("two-auth.yaml", "{server: 'https://a:1'}", "{token: t, username: u, password: p}",
                 "%s:12: users[0].user: more than one authentication method (token and "
                 "username/password)");

    p = write_simple("no-tokenfile.yaml", "{server: 'https://a:1'}", "{tokenFile: missing.txt}");
    abs = xasprintf("%s/missing.txt", tmpdir);
    want = xasprintf("%s:12: users[0].user.tokenFile: cannot read %s: no such file", p, abs);
    load_fails_path(p, NULL, want);
    free(want);
    free(abs);
    free(p);

    simple_fails("no-ca.yaml",
                 "{server: 'https://a:1', certificate-authority: /nonexistent/ca.crt}", "{}",
                 "%s:6: clusters[0].cluster.certificate-authority: cannot read "
                 "/nonexistent/ca.crt: no such file");

    simple_fails("no-scheme.yaml", "{server: 'api.example:6443'}", "{}",
                 "%s:6: clusters[0].cluster.server: expected an https:// or http:// URL, got "
                 "\"api.example:6443\"");

    simple_fails("imperson.yaml", "{server: 'https://a:1'}", "{token: t, as: admin}",
                 "kubeconfig %s: context ctx: user u uses impersonation (as), which is not "
                 "supported");

    tmp_fails("no-user.yaml",
              "current-context: ctx\n"
              "clusters: [{name: c, cluster: {server: 'https://a:1'}}]\n"
              "contexts: [{name: ctx, context: {cluster: c, user: ghost}}]\n",
              "kubeconfig %s: context ctx: user ghost not found");

    tmp_fails("no-cluster.yaml",
              "current-context: ctx\n"
              "contexts: [{name: ctx, context: {cluster: gone}}]\n",
              "kubeconfig %s: context ctx: cluster gone not found");

    tmp_fails("no-current.yaml",
              "apiVersion: v1\nkind: Config\n"
              "contexts: [{name: ctx, context: {cluster: c}}]\n",
              "kubeconfig %s: no current-context set and no context given");

    tmp_fails("ctx-no-cluster.yaml",
              "current-context: ctx\n"
              "contexts:\n"
              "- name: ctx\n"
              "  context:\n"
              "    namespace: x\n",
              "%s:5: contexts[0].context.cluster: missing");

    tmp_fails("clusters-map.yaml",
              "current-context: ctx\n"
              "contexts: [{name: ctx, context: {cluster: c}}]\n"
              "clusters: {c: {server: x}}\n",
              "%s:3: clusters: expected a list, got a mapping");

    tmp_fails("list.yaml", "- just\n- a list\n",
              "%s:1: not a kubeconfig: expected a mapping at the top level, got a list");

    tmp_fails("comments.yaml", "# nothing but a comment\n\n", "kubeconfig %s: empty file");

    tmp_fails("ctx-name-list.yaml",
              "current-context: ctx\n"
              "contexts:\n"
              "- name: [ctx]\n"
              "  context: {cluster: c}\n",
              "%s:3: contexts[0].name: expected a string, got a list");

    /* names quoted in messages cannot carry escape sequences to the terminal */
    tmp_fails("evil.yaml", "current-context: \"x\\e[2Jy\"\ncontexts: []\n",
              "kubeconfig %s: context x?[2Jy not found");
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
    /* missing and empty entries are skipped; current-context comes from the first file */
    list = xasprintf("/nonexistent/a.yaml::%s:%s", two, token);
    setenv("KUBECONFIG", list, 1);
    assert_int_equal(kubeconfig_load(NULL, NULL, &t, &err), 0);
    assert_string_equal(t.context, "staging-dev");
    kube_target_fini(&t);
    free(list);

    /* the files are merged: a context of the second file is found */
    list = xasprintf("%s:%s", token, two);
    setenv("KUBECONFIG", list, 1);
    assert_int_equal(kubeconfig_load(NULL, "prod-admin", &t, &err), 0);
    assert_string_equal(t.cluster, "prod");
    assert_string_equal(t.token, "prod-token");
    kube_target_fini(&t);
    /* a problem of no one file names them all */
    want = xasprintf("kubeconfig %s:%s: context nope not found", token, two);
    load_fails_path(NULL, "nope", want);
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

/* ---- several files in KUBECONFIG, merged as kubectl merges them ---- */

/* $KUBECONFIG as it was before a test that changes it. */
static char *saved_kubeconfig;

static int save_env(void **state)
{
    const char *v = getenv("KUBECONFIG");

    (void)state;
    saved_kubeconfig = v != NULL ? xstrdup(v) : NULL;
    return 0;
}

static int restore_env(void **state)
{
    (void)state;
    if (saved_kubeconfig != NULL) {
        setenv("KUBECONFIG", saved_kubeconfig, 1);
    } else {
        unsetenv("KUBECONFIG");
    }
    free(saved_kubeconfig);
    saved_kubeconfig = NULL;
    return 0;
}

/* Sets $KUBECONFIG to the printf-formatted list. */
static void set_kubeconfig(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void set_kubeconfig(const char *fmt, ...)
{
    va_list ap;
    char buf[4096];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof(buf));
    assert_int_equal(setenv("KUBECONFIG", buf, 1), 0);
}

/* Creates the directory tmpdir/NAME (once). */
static void make_dir(const char *name)
{
    char *path = xasprintf("%s/%s", tmpdir, name);

    assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
    free(path);
}

/* Three kubeconfigs in their own directories that define some names twice or three times.
 * a/config: current-context alpha; clusters shared (CA a/ca.crt), only-a; users shared-user
 * (token), user-a (basic auth); contexts alpha, both. */
static const char merge_a[] = "apiVersion: v1\n"
                              "kind: Config\n"
                              "current-context: alpha\n"
                              "clusters:\n"
                              "- name: shared\n"
                              "  cluster: {server: 'https://a.example:6443', "
                              "certificate-authority: ca.crt}\n"
                              "- name: only-a\n"
                              "  cluster: {server: 'https://only-a.example'}\n"
                              "contexts:\n"
                              "- name: alpha\n"
                              "  context: {cluster: shared, user: shared-user}\n"
                              "- name: both\n"
                              "  context: {cluster: only-a, user: user-a}\n"
                              "users:\n"
                              "- name: shared-user\n"
                              "  user: {token: token-a}\n"
                              "- name: user-a\n"
                              "  user: {username: alice, password: pw-a}\n";

/* b/config: current-context beta; its shared cluster and shared-user differ in every field
 * from a's; both again; cross uses a's only-a with b's user-b (tokenFile b/token.txt). */
static const char merge_b[] =
    "current-context: beta\n"
    "clusters:\n"
    "- name: shared\n"
    "  cluster: {server: 'https://b.example:6443', insecure-skip-tls-verify: true}\n"
    "- name: only-b\n"
    "  cluster: {server: 'https://only-b.example', certificate-authority: ca.crt}\n"
    "contexts:\n"
    "- name: beta\n"
    "  context: {cluster: only-b, user: shared-user, namespace: nb}\n"
    "- name: both\n"
    "  context: {cluster: only-b, user: user-b, namespace: from-b}\n"
    "- name: cross\n"
    "  context: {cluster: only-a, user: user-b}\n"
    "users:\n"
    "- name: shared-user\n"
    "  user: {client-certificate: client.crt, client-key: client.key}\n"
    "- name: user-b\n"
    "  user: {tokenFile: token.txt}\n";

/* c/config: no current-context; an exec user, and an exec user-a that a's user-a hides. */
static const char merge_c[] = "clusters:\n"
                              "- name: only-b\n"
                              "  cluster: {server: 'https://c.example'}\n"
                              "- name: only-c\n"
                              "  cluster: {server: 'https://only-c.example'}\n"
                              "contexts:\n"
                              "- name: gamma\n"
                              "  context: {cluster: only-c, user: exec-user}\n"
                              "- name: cross\n"
                              "  context: {cluster: only-c}\n"
                              "- name: delta\n"
                              "  context: {cluster: shared, user: user-b}\n"
                              "users:\n"
                              "- name: exec-user\n"
                              "  user:\n"
                              "    exec: {command: aws, apiVersion: "
                              "client.authentication.k8s.io/v1beta1}\n"
                              "- name: user-a\n"
                              "  user: {exec: {command: never-used}}\n";

/* Writes a/, b/ and c/ under tmpdir with their files (certificates are dummies: only their
 * readability is checked). */
static void write_merge_files(void)
{
    make_dir("a");
    make_dir("b");
    make_dir("c");
    free(write_tmp("a/config", merge_a));
    free(write_tmp("a/ca.crt", "a's CA\n"));
    free(write_tmp("b/config", merge_b));
    free(write_tmp("b/ca.crt", "b's CA\n"));
    free(write_tmp("b/client.crt", "b's cert\n"));
    free(write_tmp("b/client.key", "b's key\n"));
    free(write_tmp("b/token.txt", "  token-from-b-file\n"));
    free(write_tmp("c/config", merge_c));
}

/* Loads `context` from $KUBECONFIG; asserts success. */
static void env_load_ok(const char *context, struct kube_target *t)
{
    char *err = NULL;
    int rc = kubeconfig_load(NULL, context, t, &err);

    if (rc != 0) {
        print_error("%s: %s\n", context != NULL ? context : "(current)", err);
    }
    assert_int_equal(rc, 0);
    assert_null(err);
}

/* Asserts that tmpdir/REL is `got`. */
static void assert_tmp_path(const char *got, const char *rel)
{
    char *want = xasprintf("%s/%s", tmpdir, rel);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
}

static void test_merge_two(void **state)
{
    struct kube_target t;

    (void)state;
    write_merge_files();
    set_kubeconfig("%s/a/config:%s/b/config", tmpdir, tmpdir);

    /* a sets current-context first; a defines shared and shared-user first, and they are
     * taken whole: nothing of b's shared (insecure) or shared-user (client certificate) */
    env_load_ok(NULL, &t);
    assert_string_equal(t.context, "alpha");
    assert_string_equal(t.cluster, "shared");
    assert_string_equal(t.server, "https://a.example:6443");
    assert_tmp_path(t.ca_file, "a/ca.crt");
    assert_false(t.insecure);
    assert_string_equal(t.token, "token-a");
    assert_null(t.client_cert);
    assert_null(t.client_key);
    kube_target_fini(&t);

    /* a context only b defines; its cluster from b (CA relative to b/), its user from a */
    env_load_ok("beta", &t);
    assert_string_equal(t.cluster, "only-b");
    assert_string_equal(t.server, "https://only-b.example");
    assert_tmp_path(t.ca_file, "b/ca.crt");
    assert_string_equal(t.namespace, "nb");
    assert_string_equal(t.token, "token-a");
    assert_null(t.client_cert);
    kube_target_fini(&t);

    /* a context both define: a's, whole (no namespace from b's) */
    env_load_ok("both", &t);
    assert_string_equal(t.cluster, "only-a");
    assert_null(t.namespace);
    assert_string_equal(t.username, "alice");
    assert_string_equal(t.password, "pw-a");
    assert_null(t.token);
    kube_target_fini(&t);

    /* b's context with a's cluster and b's user: tokenFile relative to b/ */
    env_load_ok("cross", &t);
    assert_string_equal(t.server, "https://only-a.example");
    assert_null(t.ca_file);
    assert_string_equal(t.token, "token-from-b-file");
    kube_target_fini(&t);

    /* the other order: b wins everything it defines */
    set_kubeconfig("%s/b/config:%s/a/config", tmpdir, tmpdir);
    env_load_ok(NULL, &t);
    assert_string_equal(t.context, "beta");
    kube_target_fini(&t);
    env_load_ok("alpha", &t);
    assert_string_equal(t.server, "https://b.example:6443");
    assert_true(t.insecure);
    assert_null(t.ca_file);
    assert_null(t.token);
    assert_tmp_path(t.client_cert, "b/client.crt");
    assert_tmp_path(t.client_key, "b/client.key");
    kube_target_fini(&t);
    env_load_ok("both", &t);
    assert_string_equal(t.namespace, "from-b");
    assert_string_equal(t.token, "token-from-b-file");
    assert_null(t.username);
    kube_target_fini(&t);
}

static void test_merge_three(void **state)
{
    struct kube_target t;
    char *want;

    (void)state;
    write_merge_files();
    set_kubeconfig("%s/a/config:%s/b/config:%s/c/config", tmpdir, tmpdir, tmpdir);

    /* a context only c defines, with a's cluster and b's user */
    env_load_ok("delta", &t);
    assert_string_equal(t.server, "https://a.example:6443");
    assert_tmp_path(t.ca_file, "a/ca.crt");
    assert_string_equal(t.token, "token-from-b-file");
    kube_target_fini(&t);

    /* cross: b's (c's comes later); only-b: b's (c's server is never seen) */
    env_load_ok("cross", &t);
    assert_string_equal(t.server, "https://only-a.example");
    kube_target_fini(&t);
    env_load_ok("beta", &t);
    assert_string_equal(t.server, "https://only-b.example");
    kube_target_fini(&t);

    /* c's exec user-a is hidden by a's user-a */
    env_load_ok("both", &t);
    assert_string_equal(t.username, "alice");
    kube_target_fini(&t);

    /* an exec user: the message names the file that defines the user */
    want = xasprintf("kubeconfig %s/c/config: context gamma: user exec-user uses exec, which is "
                     "not supported",
                     tmpdir);
    load_fails_path(NULL, "gamma", want);
    free(want);

    /* c first: it sets no current-context, so a's counts */
    set_kubeconfig("%s/c/config:%s/a/config:%s/b/config", tmpdir, tmpdir, tmpdir);
    env_load_ok(NULL, &t);
    assert_string_equal(t.context, "alpha");
    kube_target_fini(&t);
    /* and c's only-b now wins over b's */
    env_load_ok("beta", &t);
    assert_string_equal(t.server, "https://c.example");
    assert_null(t.ca_file);
    kube_target_fini(&t);
    /* and c's user-a: exec */
    want = xasprintf("kubeconfig %s/c/config: context both: user user-a uses exec, which is not "
                     "supported",
                     tmpdir);
    load_fails_path(NULL, "both", want);
    free(want);
}

static void test_merge_current_context(void **state)
{
    struct kube_target t;
    char *empty, *blank, *other, *want;

    (void)state;
    write_merge_files();
    empty = write_tmp("empty.yaml", "");
    blank = write_tmp("blank-cc.yaml", "current-context: ''\n");
    other = write_tmp("other-cc.yaml", "current-context: both\n");

    /* an empty file and an empty current-context do not count as setting it */
    set_kubeconfig("%s:%s:%s/b/config:%s:%s/a/config", empty, blank, tmpdir, other, tmpdir);
    env_load_ok(NULL, &t);
    assert_string_equal(t.context, "beta");
    kube_target_fini(&t);

    /* the first file that sets it wins, even if it defines nothing else */
    set_kubeconfig("%s:%s/a/config:%s/b/config", other, tmpdir, tmpdir);
    env_load_ok(NULL, &t);
    assert_string_equal(t.context, "both");
    assert_string_equal(t.username, "alice");
    kube_target_fini(&t);

    /* a context given beats every current-context */
    env_load_ok("cross", &t);
    assert_string_equal(t.context, "cross");
    kube_target_fini(&t);

    /* nobody sets it */
    set_kubeconfig("%s:%s/c/config", blank, tmpdir);
    want = xasprintf("kubeconfig %s:%s/c/config: no current-context set and no context given",
                     blank, tmpdir);
    load_fails_path(NULL, NULL, want);
    free(want);

    /* only empty files */
    set_kubeconfig("%s", empty);
    want = xasprintf("kubeconfig %s: empty file", empty);
    load_fails_path(NULL, NULL, want);
    free(want);
    free(write_tmp("comments.yaml", "# nothing\n"));
    set_kubeconfig("%s:%s/comments.yaml", empty, tmpdir);
    want = xasprintf("kubeconfig %s:%s/comments.yaml: every file is empty", empty, tmpdir);
    load_fails_path(NULL, NULL, want);
    free(want);

    free(empty);
    free(blank);
    free(other);
}

static void test_merge_which_files(void **state)
{
    struct kube_target t;
    char *want, *path, *err = NULL;
    char cwd[4096];

    (void)state;
    write_merge_files();

    /* missing files and empty entries are skipped, a file named twice (even spelled
     * differently) is read once: the message lists each file read, once */
    set_kubeconfig("/nonexistent/x.yaml::%s/a/config:%s/a/config:%s/a/../a/config::%s/b/config:",
                   tmpdir, tmpdir, tmpdir, tmpdir);
    want = xasprintf("kubeconfig %s/a/config:%s/b/config: context nope not found", tmpdir, tmpdir);
    load_fails_path(NULL, "nope", want);
    free(want);
    env_load_ok(NULL, &t);
    assert_string_equal(t.context, "alpha");
    kube_target_fini(&t);

    /* a relative entry is relative to the current directory, and its paths to its own */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(tmpdir), 0);
    set_kubeconfig("b/config:a/config");
    env_load_ok("beta", &t);
    assert_tmp_path(t.ca_file, "b/ca.crt");
    kube_target_fini(&t);
    load_fails_path(NULL, "nope", "kubeconfig b/config:a/config: context nope not found");
    assert_int_equal(chdir(cwd), 0);

    /* an explicit file (--kubeconfig, or [kubernetes] kubeconfig) ignores KUBECONFIG */
    set_kubeconfig("%s/a/config:%s/b/config:%s/c/config", tmpdir, tmpdir, tmpdir);
    path = xasprintf("%s/c/config", tmpdir);
    assert_int_equal(kubeconfig_load(path, "cross", &t, &err), 0);
    assert_string_equal(t.server, "https://only-c.example"); /* c's own cross */
    assert_null(t.token);
    kube_target_fini(&t);
    want = xasprintf("kubeconfig %s: no current-context set and no context given", path);
    load_fails_path(path, NULL, want);
    free(want);
    free(path);
    path = xasprintf("%s/b/config", tmpdir);
    want = xasprintf("kubeconfig %s: context alpha not found", path);
    load_fails_path(path, "alpha", want);
    free(want);
    free(path);
    /* an explicit file that does not exist is an error, not skipped */
    load_fails_path("/nonexistent/explicit.yaml", NULL,
                    "kubeconfig /nonexistent/explicit.yaml: no such file");
}

static void test_merge_broken_file(void **state)
{
    char *broken, *want, *list, *dup;

    (void)state;
    write_merge_files();

    /* a file that cannot be parsed fails the load, even after the file that has the context */
    broken = write_tmp("broken.yaml", "clusters:\n"
                                      "- name: x\n"
                                      "  cluster: {server: [\n");
    set_kubeconfig("%s/a/config:%s:%s/b/config", tmpdir, broken, tmpdir);
    want = xasprintf("%s:4: not YAML: did not find expected node content while parsing a flow "
                     "node",
                     broken);
    load_fails_path(NULL, "alpha", want);
    free(want);
    assert_null(kubeconfig_contexts(NULL));

    /* so does one whose lists kubectl could not decode */
    list = write_tmp("list.yaml", "current-context: x\nusers: {u: {token: secret-token}}\n");
    set_kubeconfig("%s/a/config:%s", tmpdir, list);
    want = xasprintf("%s:2: users: expected a list, got a mapping", list);
    load_fails_path(NULL, "alpha", want);
    free(want);

    /* a name defined twice in one file (kubectl: duplicate name in list) */
    dup = write_tmp("dup.yaml", "contexts:\n"
                                "- name: alpha\n"
                                "  context: {cluster: shared}\n"
                                "- name: alpha\n"
                                "  context: {cluster: only-a}\n");
    set_kubeconfig("%s:%s/a/config", dup, tmpdir);
    want = xasprintf("%s:4: contexts[1]: duplicate name alpha (also contexts[0])", dup);
    load_fails_path(NULL, NULL, want);
    free(want);

    /* a directory in the list: an error, not a missing file */
    set_kubeconfig("%s/a/config:%s/b", tmpdir, tmpdir);
    want = xasprintf("kubeconfig %s/b: not a regular file", tmpdir);
    load_fails_path(NULL, NULL, want);
    free(want);

    free(broken);
    free(list);
    free(dup);
}

/* Asserts that the NULL-terminated `names` are exactly the `n` strings `want`. */
static void assert_names(char **names, const char *const *want, size_t n)
{
    size_t i;

    assert_non_null(names);
    for (i = 0; i < n; i++) {
        assert_non_null(names[i]);
        assert_string_equal(names[i], want[i]);
    }
    assert_null(names[n]);
}

static void test_merge_contexts_list(void **state)
{
    static const char *const abc[] = {"alpha", "both", "beta", "cross", "gamma", "delta"};
    static const char *const cb[] = {"gamma", "cross", "delta", "beta", "both"};
    static const char *const b[] = {"beta", "both", "cross"};
    char **names;
    char *path, *empty;

    (void)state;
    write_merge_files();

    /* every file's contexts, each name once, in the order of first definition */
    set_kubeconfig("%s/a/config:/nonexistent:%s/b/config:%s/c/config", tmpdir, tmpdir, tmpdir);
    names = kubeconfig_contexts(NULL);
    assert_names(names, abc, 6);
    kubeconfig_contexts_free(names);

    set_kubeconfig("%s/c/config:%s/b/config", tmpdir, tmpdir);
    names = kubeconfig_contexts(NULL);
    assert_names(names, cb, 5);
    kubeconfig_contexts_free(names);

    /* an explicit file: its contexts only */
    path = xasprintf("%s/b/config", tmpdir);
    names = kubeconfig_contexts(path);
    assert_names(names, b, 3);
    kubeconfig_contexts_free(names);
    free(path);

    /* files without contexts: an empty list; no file at all: NULL */
    empty = write_tmp("empty.yaml", "");
    names = kubeconfig_contexts(empty);
    assert_names(names, NULL, 0);
    kubeconfig_contexts_free(names);
    free(empty);
    set_kubeconfig("/nonexistent/a:/nonexistent/b");
    assert_null(kubeconfig_contexts(NULL));
}

/* Checks kubectl makes of a user and a cluster; none quotes a credential. */
static void test_credential_checks(void **state)
{
    char *p, *err = NULL;
    struct kube_target t;

    (void)state;
    free(write_tmp("ca.crt", "CA\n"));
    simple_fails("ca-both.yaml",
                 "{server: 'https://a:1', certificate-authority: ca.crt, "
                 "certificate-authority-data: LS0tLS1C}",
                 "{}",
                 "%s:6: clusters[0].cluster: certificate-authority and "
                 "certificate-authority-data are both set; use one");

    simple_fails("cert-both.yaml", "{server: 'https://a:1'}",
                 "{client-certificate: ca.crt, client-certificate-data: LS0tLS1C, "
                 "client-key: ca.crt}",
                 "%s:12: users[0].user: client-certificate and client-certificate-data are "
                 "both set; use one");

    simple_fails("key-both.yaml", "{server: 'https://a:1'}",
                 "{client-certificate: ca.crt, client-key: ca.crt, client-key-data: LS0tLS1C}",
                 "%s:12: users[0].user: client-key and client-key-data are both set; use one");

    simple_fails("cert-no-key.yaml", "{server: 'https://a:1'}",
                 "{client-certificate-data: LS0tLS1C}",
                 "%s:12: users[0].user: a client certificate needs client-key or "
                 "client-key-data");

    /* a server with a password in it, but no scheme: the value is not quoted */
    simple_fails("userinfo.yaml", "{server: 'admin:hunter2@api.example:6443'}", "{}",
                 "%s:6: clusters[0].cluster.server: expected an https:// or http:// URL, got "
                 "\"(a value with '@')\"");

    /* a token and a password are never part of a message */
    p = write_simple("two-auth-secret.yaml", "{server: 'https://a:1'}",
                     "{token: s3cret-t0ken, username: u, password: s3cret-pw}");
    assert_int_equal(kubeconfig_load(p, NULL, &t, &err), -1);
    assert_null(strstr(err, "s3cret"));
    free(err);
    free(p);
}

/* A credential goes into an HTTP header: one with a CR or LF is refused at load, and the
 * message names the file and the user entry, never the value. */
static void test_line_breaks_in_credentials(void **state)
{
    static const struct {
        const char *user, *key;
    } inline_cases[] = {
        {"{token: \"s3cret\\nX-Injected: 1\"}", "token"},
        {"{token: \"s3cret\\r\"}", "token"},
        {"{token: \"s3cret\\n\"}", "token"}, /* even at the end: the value is used as written */
        {"{username: \"s3cret\\nuser\", password: pw}", "username"},
        {"{username: admin, password: \"s3cret\\r\\npw\"}", "password"},
    };
    static const char *const bad_files[] = {
        "s3cret\nX-Injected: 1\n", "s3cret\n\n", "\ns3cret", "s3cret\rX", "s3cret\r\r\n",
    };
    static const struct {
        const char *text, *token;
    } good_files[] = {
        {"s3cret", "s3cret"},
        {"s3cret\n", "s3cret"},
        {"s3cret\r\n", "s3cret"},
        {"  s3cret\t\n", "s3cret"},
    };
    struct kube_target t;
    char *p, *tok, *want, *err = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(inline_cases) / sizeof(inline_cases[0]); i++) {
        char *fmt = xasprintf("%%s:12: users[0].user.%s of user u: holds a line break (CR or "
                              "LF), which cannot go into an HTTP header",
                              inline_cases[i].key);

        simple_fails("crlf.yaml", "{server: 'https://a:1'}", inline_cases[i].user, fmt);
        free(fmt);
    }

    p = write_simple("crlf-file.yaml", "{server: 'https://a:1'}", "{tokenFile: tok.txt}");
    tok = xasprintf("%s/tok.txt", tmpdir);
    want = xasprintf("%s:12: users[0].user.tokenFile of user u: %s holds a line break (CR or LF) "
                     "other than one at its end, which cannot go into an HTTP header",
                     p, tok);
    for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
        free(write_tmp("tok.txt", bad_files[i]));
        load_fails_path(p, NULL, want);
        assert_int_equal(kubeconfig_load(p, NULL, &t, &err), -1);
        assert_null(strstr(err, "s3cret"));
        free(err);
        err = NULL;
    }
    for (size_t i = 0; i < sizeof(good_files) / sizeof(good_files[0]); i++) {
        free(write_tmp("tok.txt", good_files[i].text));
        assert_int_equal(kubeconfig_load(p, NULL, &t, &err), 0);
        assert_string_equal(t.token, good_files[i].token);
        kube_target_fini(&t);
    }
    free(want);
    free(tok);
    free(p);
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
        cmocka_unit_test_setup_teardown(test_merge_two, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_merge_three, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_merge_current_context, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_merge_which_files, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_merge_broken_file, save_env, restore_env),
        cmocka_unit_test_setup_teardown(test_merge_contexts_list, save_env, restore_env),
        cmocka_unit_test(test_credential_checks),
        cmocka_unit_test(test_line_breaks_in_credentials),
    };

    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
