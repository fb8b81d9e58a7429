/* The krakend.json reader (core/krakend/krakend_config.c): what it reads of an endpoint,
 * unknown keys ignored, and the bad input of issue 15: no endpoints, wrong types (with the
 * JSON path), not JSON (with the line), another version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/krakend/krakend_config.h"

static int read_text(const char *text, struct krakend_config *c, char **err)
{
    *err = NULL;
    return krakend_config_read(text, strlen(text), "krakend.json", c, err);
}

static const char good[] =
    "{\"version\": 3, \"timeout\": \"3s\", \"cache_ttl\": \"300s\", \"no_such_key\": [1, {}],\n"
    " \"host\": [\"http://default:8080\"],\n"
    " \"endpoints\": [\n"
    "  {\"endpoint\": \"/dmi/v1/forecast/{id}\", \"unknown\": {\"x\": 1},\n"
    "   \"backend\": [{\"host\": [\"http://a:1\", \"http://b:2\"], \"url_pattern\": \"/f/{id}\",\n"
    "     \"extra_config\": {\"qos/circuit-breaker\": {\"interval\": 60, \"timeout\": 10,\n"
    "                        \"max_errors\": 5}}}],\n"
    "   \"extra_config\": {\"auth/validator\": {\"alg\": \"RS256\", \"issuer\": \"https://idp\",\n"
    "                      \"audience\": [\"a1\", \"a2\"]},\n"
    "                    \"qos/ratelimit/router\": {\"max_rate\": 200, \"client_max_rate\": 10.5}}},\n"
    "  {\"endpoint\": \"/reg/v1/orgs\", \"method\": \"POST\", \"timeout\": \"1m30s\",\n"
    "   \"cache_ttl\": \"150ms\",\n"
    "   \"backend\": [{\"url_pattern\": \"/orgs\"}],\n"
    "   \"extra_config\": {\"auth/api-keys\": {\"roles\": [\"partner\"]}}},\n"
    "  {\"endpoint\": \"/open/v1/\\u001b[31mred\", \"backend\": [],\n"
    "   \"extra_config\": {\"plugin/http-server\": {\"name\": [\"x\"]}}},\n"
    "  {\"endpoint\": \"/p\", \"backend\": [{\"url_pattern\": \"/\"}],\n"
    "   \"extra_config\": {\"plugin/req-resp-modifier\": {\"name\": \"my-apikey-check\"}}}\n"
    " ]}\n";

static void test_endpoints(void **state)
{
    struct krakend_config c;
    char *err;
    const struct krakend_endpoint *e;

    (void)state;
    assert_int_equal(read_text(good, &c, &err), 0);
    assert_null(err);
    assert_int_equal(c.nendpoints, 4);
    e = &c.endpoints[0];
    assert_string_equal(e->endpoint, "/dmi/v1/forecast/{id}");
    assert_string_equal(e->method, "GET");
    assert_int_equal(e->nbackends, 1);
    assert_string_equal(e->backends[0].host, "http://a:1, http://b:2");
    assert_string_equal(e->backends[0].url_pattern, "/f/{id}");
    assert_true(e->backends[0].breaker);
    assert_int_equal(e->backends[0].breaker_max_errors, 5);
    assert_int_equal(e->backends[0].breaker_interval_s, 60);
    assert_int_equal(e->backends[0].breaker_timeout_s, 10);
    assert_int_equal(e->auth, KRAKEND_AUTH_JWT);
    assert_string_equal(e->jwt_alg, "RS256");
    assert_string_equal(e->jwt_issuer, "https://idp");
    assert_string_equal(e->jwt_audience, "a1, a2");
    assert_true(e->max_rate == 200);
    assert_true(e->client_max_rate == 10.5);
    assert_string_equal(e->timeout, "3s");
    assert_true(e->timeout_inherited);
    assert_int_equal(e->timeout_ms, 3000);
    assert_string_equal(e->cache_ttl, "300s");
    assert_true(e->cache_ttl_inherited);
    /* d shows what the gateway applies: the root's timeout, within the endpoint */
    assert_non_null(strstr(e->json, "\"timeout\": \"3s\""));
    assert_non_null(strstr(e->json, "\"unknown\""));

    e = &c.endpoints[1];
    assert_string_equal(e->method, "POST");
    assert_int_equal(e->auth, KRAKEND_AUTH_API_KEY);
    assert_string_equal(e->backends[0].host, "http://default:8080"); /* the root's */
    assert_false(e->backends[0].breaker);
    assert_true(e->max_rate < 0);
    assert_int_equal(e->timeout_ms, 90000);
    assert_false(e->timeout_inherited);
    assert_int_equal(e->cache_ttl_ms, 150);

    e = &c.endpoints[2];
    assert_int_equal(e->auth, KRAKEND_AUTH_NONE);
    assert_null(strchr(e->endpoint, '\033'));
    assert_null(strchr(e->json, '\033'));
    assert_int_equal(e->nbackends, 0);
    assert_int_equal(c.endpoints[3].auth, KRAKEND_AUTH_API_KEY);

    struct krakend_endpoint copy;

    krakend_endpoint_copy(&copy, &c.endpoints[0]);
    assert_string_equal(copy.backends[0].host, c.endpoints[0].backends[0].host);
    assert_ptr_not_equal(copy.backends[0].host, c.endpoints[0].backends[0].host);
    krakend_endpoint_fini(&copy);
    krakend_config_fini(&c);
}

/* Each bad input, and the words its message must hold. */
static void test_bad_input(void **state)
{
    static const struct {
        const char *text;
        const char *says;
    } cases[] = {
        {"{\"version\": 3}", "$.endpoints: missing"},
        {"{\"version\": 3, \"endpoints\": []}", "$.endpoints: empty"},
        {"{\"version\": 3, \"endpoints\": {}}", "$.endpoints: an array expected"},
        {"{\"version\": 2, \"endpoints\": [{\"endpoint\": \"/a\"}]}", "only version 3"},
        {"{\"endpoints\": [{\"endpoint\": \"/a\"}]}", "$.version"},
        {"[1, 2]", "$: an object expected"},
        {"{\"version\": 3,\n \"endpoints\": [\n {\"endpoint\": \"/a\",,}]}", "krakend.json:3:"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\"}, 7]}",
         "$.endpoints[1]: an object expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": 5}]}",
         "$.endpoints[0].endpoint: a string expected"},
        {"{\"version\": 3, \"endpoints\": [{\"method\": \"GET\"}]}",
         "$.endpoints[0].endpoint: missing"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"backend\": {}}]}",
         "$.endpoints[0].backend: an array expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"backend\": "
         "[{\"host\": \"http://x\"}]}]}",
         "$.endpoints[0].backend[0].host: an array of strings expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"backend\": "
         "[{\"host\": [1]}]}]}",
         "$.endpoints[0].backend[0].host[0]: a string expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"extra_config\": "
         "{\"qos/ratelimit/router\": {\"max_rate\": \"lots\"}}}]}",
         "$.endpoints[0].extra_config.qos/ratelimit/router.max_rate: a number expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"timeout\": 3}]}",
         "$.endpoints[0].timeout: a string expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"timeout\": \"soon\"}]}",
         "$.endpoints[0].timeout: a duration expected"},
        {"{\"version\": 3, \"timeout\": \"3\", \"endpoints\": [{\"endpoint\": \"/a\"}]}",
         "$.timeout: a duration expected"},
        {"{\"version\": 3, \"endpoints\": [{\"endpoint\": \"/a\", \"extra_config\": "
         "{\"auth/validator\": []}}]}",
         "$.endpoints[0].extra_config.auth/validator: an object expected"},
        {"<html>502 Bad Gateway</html>", "krakend.json:1: not JSON"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct krakend_config c;
        char *err;

        assert_int_equal(read_text(cases[i].text, &c, &err), -1);
        assert_non_null(err);
        if (strstr(err, cases[i].says) == NULL) {
            print_error("case %zu: \"%s\" does not say \"%s\"\n", i, err, cases[i].says);
        }
        assert_non_null(strstr(err, cases[i].says));
        assert_int_equal(strncmp(err, "krakend.json", 12), 0);
        assert_int_equal(c.nendpoints, 0);
        krakend_config_fini(&c);
        free(err);
    }
}

static void test_durations(void **state)
{
    int64_t ms = -1;

    (void)state;
    assert_true(krakend_duration_ms("3s", &ms));
    assert_int_equal(ms, 3000);
    assert_true(krakend_duration_ms("2.5s", &ms));
    assert_int_equal(ms, 2500);
    assert_true(krakend_duration_ms("1h30m", &ms));
    assert_int_equal(ms, 5400000);
    assert_true(krakend_duration_ms("150us", &ms));
    assert_int_equal(ms, 0);
    assert_true(krakend_duration_ms("1500000ns", &ms));
    assert_int_equal(ms, 1);
    assert_true(krakend_duration_ms("0", &ms));
    assert_int_equal(ms, 0);
    assert_false(krakend_duration_ms("", &ms));
    assert_false(krakend_duration_ms("3", &ms));
    assert_false(krakend_duration_ms("s", &ms));
    assert_false(krakend_duration_ms("3x", &ms));
    assert_false(krakend_duration_ms("-3s", &ms));
    assert_string_equal(krakend_auth_name(KRAKEND_AUTH_API_KEY), "API key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endpoints),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_durations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
