/* core/jsonfmt: re-indented JSON and kubectl-style YAML, never a raw control character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonfmt.h"

static void check(char *(*fmt)(const char *, size_t, char **), const char *in, const char *want)
{
    char *err = (char *)"untouched";
    char *out = fmt(in, strlen(in), &err);

    if (out == NULL) {
        print_error("input %s: error %s\n", in, err);
        fail();
    }
    assert_null(err);
    if (strcmp(out, want) != 0) {
        print_error("input:\n%s\ngot:\n%s\nwant:\n%s\n", in, out, want);
    }
    assert_string_equal(out, want);
    free(out);
}

static void pretty(const char *in, const char *want)
{
    check(jsonfmt_pretty, in, want);
}

static void yaml(const char *in, const char *want)
{
    check(jsonfmt_yaml, in, want);
}

/* No byte of the output is a control character other than '\n'. */
static void assert_no_controls(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u != '\0'; u++) {
        if (*u == '\n') {
            continue;
        }
        assert_true(*u >= 0x20 && *u != 0x7f);
        if (u[0] == 0xC2) {
            assert_false(u[1] >= 0x80 && u[1] < 0xA0); /* C1 */
        }
    }
}

static void test_pretty_shape(void **state)
{
    (void)state;
    pretty("{\"b\":1,\"a\":[true,false,null],\"c\":{},\"d\":[],\"e\":{\"x\":\"y\"}}",
           "{\n"
           "  \"b\": 1,\n"
           "  \"a\": [\n"
           "    true,\n"
           "    false,\n"
           "    null\n"
           "  ],\n"
           "  \"c\": {},\n"
           "  \"d\": [],\n"
           "  \"e\": {\n"
           "    \"x\": \"y\"\n"
           "  }\n"
           "}\n");
    pretty("  [ 1 , [ [ ] ] ]  ", "[\n  1,\n  [\n    []\n  ]\n]\n");
    pretty("\"top\"", "\"top\"\n");
    pretty("42", "42\n");
    pretty("{}", "{}\n");
}

static void test_pretty_numbers(void **state)
{
    (void)state;
    pretty("[0.1, 1.0, -2.5e-7, 1e300, 3, -0, 1.5E3, 123456789012345678]",
           "[\n  0.1,\n  1.0,\n  -2.5e-07,\n  1e+300,\n  3,\n  0,\n  1500.0,\n"
           "  123456789012345678\n]\n");
    /* Too big for 64 bits: shown as floating point, the rest as integers still. */
    pretty("[1, 123456789012345678901234567890]", "[\n  1,\n  1.2345678901234568e+29\n]\n");
}

static void test_pretty_escapes(void **state)
{
    (void)state;
    /* ESC comes out as the six characters \u001b, never raw. */
    pretty("{\"m\":\"\\u001b[31mred\"}", "{\n  \"m\": \"\\u001b[31mred\"\n}\n");
    pretty("\"q\\\" b\\\\ \\/ \\b\\f\\n\\r\\t \\u0000 \\u007f \\u009b \\u202e \\u2028 \\ufeff\"",
           "\"q\\\" b\\\\ / \\b\\f\\n\\r\\t \\u0000 \\u007f \\u009b \\u202e \\u2028 \\ufeff\"\n");
    /* Non-ASCII text stays UTF-8; a raw DEL or C1 in the input is escaped. */
    pretty("\"\xc3\xa6\xe4\xb8\xad \x7f \xc2\x9b\"", "\"\xc3\xa6\xe4\xb8\xad \\u007f \\u009b\"\n");
    /* Keys are escaped the same way. */
    pretty("{\"a\\u001bb\":1}", "{\n  \"a\\u001bb\": 1\n}\n");
}

static void test_errors(void **state)
{
    char *err = NULL;

    (void)state;
    assert_null(jsonfmt_pretty("{\"a\":", 5, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "line 1"));
    free(err);
    err = NULL;
    assert_null(jsonfmt_yaml("[1,]", 4, &err));
    assert_non_null(err);
    free(err);
    assert_null(jsonfmt_pretty("", 0, NULL));
    assert_null(jsonfmt_yaml("\"\xff\"", 3, NULL)); /* invalid UTF-8 */
    /* Not NUL-terminated: only len bytes count. */
    {
        char *out = jsonfmt_pretty("[1]garbage", 3, &err);

        assert_non_null(out);
        assert_string_equal(out, "[\n  1\n]\n");
        free(out);
    }
}

static void test_yaml_shape(void **state)
{
    (void)state;
    yaml("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
         "\"labels\":{\"app.kubernetes.io/name\":\"web\"},\"annotations\":{}},"
         "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
         "\"args\":[\"--port\",\"80\"],\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],"
         "\"resources\":{}}],\"tolerations\":[]},\"status\":{\"phase\":\"Running\","
         "\"ready\":true,\"ip\":null,\"score\":0.5}}",
         "apiVersion: v1\n"
         "kind: Pod\n"
         "metadata:\n"
         "  name: web-1\n"
         "  labels:\n"
         "    app.kubernetes.io/name: web\n"
         "  annotations: {}\n"
         "spec:\n"
         "  containers:\n"
         "  - name: web\n"
         "    image: nginx\n"
         "    args:\n"
         "    - --port\n"
         "    - \"80\"\n"
         "    ports:\n"
         "    - containerPort: 80\n"
         "      protocol: TCP\n"
         "    resources: {}\n"
         "  tolerations: []\n"
         "status:\n"
         "  phase: Running\n"
         "  ready: true\n"
         "  ip: null\n"
         "  score: 0.5\n");
    yaml("[[1,2],[],{},[{\"a\":1}]]", "- - 1\n  - 2\n- []\n- {}\n- - a: 1\n");
    yaml("[]", "[]\n");
    yaml("\"x\"", "x\n");
    yaml("7", "7\n");
}

static void test_yaml_quoting(void **state)
{
    (void)state;
    /* Strings that would read as something else: double quotes. */
    yaml("[\"\",\"true\",\"False\",\"yes\",\"n\",\"on\",\"OFF\",\"null\",\"~\",\"80\",\"-1\","
         "\"0.5\",\".5\",\"1e3\",\"0x1F\",\"0o17\",\"1_000\",\"1:30\",\".inf\",\"-.Inf\","
         "\".nan\",\"2023-07-11T03:31:41Z\",\"2023-07-11\",\"<<\"]",
         "- \"\"\n- \"true\"\n- \"False\"\n- \"yes\"\n- \"n\"\n- \"on\"\n- \"OFF\"\n"
         "- \"null\"\n- \"~\"\n- \"80\"\n- \"-1\"\n- \"0.5\"\n- \".5\"\n- \"1e3\"\n"
         "- \"0x1F\"\n- \"0o17\"\n- \"1_000\"\n- \"1:30\"\n- \".inf\"\n- \"-.Inf\"\n"
         "- \".nan\"\n- \"2023-07-11T03:31:41Z\"\n- \"2023-07-11\"\n- \"<<\"\n");
    /* Strings plain YAML reads back the same: plain. */
    yaml("[\"v1\",\"100m\",\"128Mi\",\"10.42.0.149\",\"--port\",\"-O\",\"a:b\",\"a#b\","
         "\"/dev/termination-log\",\"k:{\\\"name\\\":\\\"nginx\\\"}\",\".\",\"e3\",\"yes sir\","
         "\"x-1\",\"1.2.3\",\"\xc3\xa6\xc3\xb8\xc3\xa5\"]",
         "- v1\n- 100m\n- 128Mi\n- 10.42.0.149\n- --port\n- -O\n- a:b\n- a#b\n"
         "- /dev/termination-log\n- k:{\"name\":\"nginx\"}\n- .\n- e3\n- yes sir\n- x-1\n"
         "- 1.2.3\n- \xc3\xa6\xc3\xb8\xc3\xa5\n");
    /* Strings plain syntax cannot hold: single quotes, '' for a quote. */
    yaml("[\"*\",\"- x\",\"-\",\": x\",\"? x\",\"#c\",\"a: b\",\"a #b\",\"end:\",\" lead\","
         "\"trail \",\"[x]\",\"{x}\",\"&a\",\"!t\",\"|x\",\">x\",\"'q'\",\"\\\"d\\\"\",\"%x\","
         "\"@x\",\"`x\",\",x\",\"---\",\"...x\",\"it's: x\"]",
         "- '*'\n- '- x'\n- '-'\n- ': x'\n- '? x'\n- '#c'\n- 'a: b'\n- 'a #b'\n- 'end:'\n"
         "- ' lead'\n- 'trail '\n- '[x]'\n- '{x}'\n- '&a'\n- '!t'\n- '|x'\n- '>x'\n"
         "- '''q'''\n- '\"d\"'\n- '%x'\n- '@x'\n- '`x'\n- ',x'\n- '---'\n- '...x'\n"
         "- 'it''s: x'\n");
    /* Keys follow the same rules. */
    yaml("{\"80\":1,\"a b\":2,\"x: y\":3,\"\":4,\".\":{}}",
         "\"80\": 1\na b: 2\n'x: y': 3\n\"\": 4\n.: {}\n");
}

static void test_yaml_multiline_and_controls(void **state)
{
    (void)state;
    yaml("{\"a\":\"one\\ntwo\",\"b\":\"one\\n\",\"c\":\"one\\n\\n\",\"d\":\"x\\n\\n  y\\n\"}",
         "a: |-\n  one\n  two\n"
         "b: |\n  one\n"
         "c: |+\n  one\n\n"
         "d: |\n  x\n\n    y\n");
    yaml("{\"m\":{\"s\":[\"l1\\nl2\"]}}", "m:\n  s:\n  - |-\n    l1\n    l2\n");
    /* Leading space or newline, a tab or any control: double quotes with escapes. */
    yaml("[\" a\\nb\",\"\\nx\",\"a\\tb\",\"a\\u001b[2Jb\",\"a\\rb\\n\",\"\\u009b\",\"\\u202e\"]",
         "- \" a\\nb\"\n- \"\\nx\"\n- \"a\\tb\"\n- \"a\\u001b[2Jb\"\n- \"a\\rb\\n\"\n"
         "- \"\\u009b\"\n- \"\\u202e\"\n");
    /* A multi-line key cannot be a block. */
    yaml("{\"a\\nb\":1}", "\"a\\nb\": 1\n");
}

static void test_locale_decimal_point(void **state)
{
    char *out;

    (void)state;
    /* Under a locale with a decimal comma, numbers still use '.'. */
    if (setlocale(LC_NUMERIC, "da_DK.UTF-8") == NULL && setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL) {
        print_message("note: no decimal-comma locale installed; checking in C only\n");
    }
    out = jsonfmt_pretty("[0.25]", 6, NULL);
    assert_string_equal(out, "[\n  0.25\n]\n");
    free(out);
    out = jsonfmt_yaml("[0.25]", 6, NULL);
    assert_string_equal(out, "- 0.25\n");
    free(out);
    setlocale(LC_NUMERIC, "C");
}

/* Reads the fixture in place: $GC_ROOT/../shared/fixtures/... or ../shared/fixtures/... */
static char *read_fixture(const char *rel, size_t *len)
{
    const char *root = getenv("GC_ROOT");
    char path[4096];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof path, "%s/../shared/fixtures/%s", root != NULL ? root : ".", rel);
    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void test_fixture_podlist(void **state)
{
    size_t len;
    char *json = read_fixture("k8s/podlist_crashloopbackoff.json", &len);
    char *err = NULL, *y, *p, *again;

    (void)state;
    if (json == NULL) {
        print_message("note: ../shared/fixtures/k8s/podlist_crashloopbackoff.json not found "
                      "(set GC_ROOT to the repository); skipped\n");
        return;
    }
    y = jsonfmt_yaml(json, len, &err);
    assert_non_null(y);
    assert_null(err);
    assert_no_controls(y);
    /* The shape of `kubectl get -o yaml`, keys in document order. */
    assert_true(strncmp(y, "kind: PodList\napiVersion: v1\nmetadata:\n  resourceVersion: \"981519\"\n"
                           "items:\n- kind: Pod\n  apiVersion: v1\n  metadata:\n    name: init-demo\n",
                        strlen("kind: PodList\napiVersion: v1\nmetadata:\n  resourceVersion: "
                               "\"981519\"\nitems:\n- kind: Pod\n  apiVersion: v1\n  metadata:\n"
                               "    name: init-demo\n")) == 0);
    assert_non_null(strstr(y, "\n    creationTimestamp: \"2023-07-11T03:31:41Z\"\n"));
    /* The last-applied annotation ends in one newline: a literal block, two deeper. */
    assert_non_null(strstr(y, "      kubectl.kubernetes.io/last-applied-configuration: |\n"
                              "        {\"apiVersion\":\"v1\",\"kind\":\"Pod\","));
    assert_non_null(strstr(y, "        f:metadata:\n          f:annotations:\n            .: {}\n"));
    assert_non_null(strstr(y, "\n      ports:\n      - containerPort: 80\n        protocol: TCP\n"));
    assert_non_null(strstr(y, "\n      - wge\n      - -O\n"));
    assert_non_null(strstr(y, "\n      resources: {}\n"));
    assert_non_null(strstr(y, "\n            k:{\"name\":\"nginx\"}:\n"));

    p = jsonfmt_pretty(json, len, &err);
    assert_non_null(p);
    assert_no_controls(p);
    assert_true(strncmp(p, "{\n  \"kind\": \"PodList\",\n  \"apiVersion\": \"v1\",\n", 44) == 0);
    /* Pretty output is JSON that pretty-prints to itself. */
    again = jsonfmt_pretty(p, strlen(p), &err);
    assert_non_null(again);
    assert_string_equal(again, p);
    free(again);
    free(p);
    free(y);
    free(json);
}

static void test_yaml_escape_in_object(void **state)
{
    static const char in[] = "{\"status\":{\"message\":\"boom \\u001b]0;owned\\u0007 done\"}}";
    char *y;

    (void)state;
    /* A pod message carrying a terminal escape, as a hostile container might write it. */
    y = jsonfmt_yaml(in, sizeof in - 1, NULL);
    assert_non_null(y);
    assert_string_equal(y, "status:\n  message: \"boom \\u001b]0;owned\\u0007 done\"\n");
    assert_no_controls(y);
    free(y);
}

/* Folded members go, and only they; the count says how many were there. */
static void test_render_hides_members(void **state)
{
    const char *obj = "{\"metadata\":{\"name\":\"p\",\"managedFields\":[{\"manager\":\"k\"}]},"
                      "\"spec\":{\"managedFields\":1}}";
    const char *const hide[] = {"metadata.managedFields", "status.x", "a.b.c.d", NULL};
    size_t n = 9;
    char *y = jsonfmt_render(obj, strlen(obj), JSONFMT_YAML, hide, &n, NULL);
    char *j;

    (void)state;
    assert_int_equal(n, 1);
    assert_string_equal(y, "metadata:\n  name: p\nspec:\n  managedFields: 1\n");
    j = jsonfmt_render(obj, strlen(obj), JSONFMT_JSON, NULL, &n, NULL);
    assert_int_equal(n, 0);
    assert_non_null(strstr(j, "\"manager\": \"k\""));
    free(y);
    free(j);
    y = jsonfmt_render("[1]", 3, JSONFMT_YAML, hide, &n, NULL); /* not an object: nothing */
    assert_int_equal(n, 0);
    assert_string_equal(y, "- 1\n");
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pretty_shape),
        cmocka_unit_test(test_pretty_numbers),
        cmocka_unit_test(test_pretty_escapes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_yaml_shape),
        cmocka_unit_test(test_yaml_quoting),
        cmocka_unit_test(test_yaml_multiline_and_controls),
        cmocka_unit_test(test_locale_decimal_point),
        cmocka_unit_test(test_yaml_escape_in_object),
        cmocka_unit_test(test_fixture_podlist),
        cmocka_unit_test(test_render_hides_members),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
