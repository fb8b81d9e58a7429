/* core/directory/escape: hostile names stay values. Filter values are checked byte by byte
 * and by decoding them back; DN values by letting libldap parse `cn=VALUE,dc=example` and
 * comparing the first RDN's value with the original. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ldap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/escape.h"
#include "core/xalloc.h"

struct hostile {
    const char *s;
    size_t len;
};

#define H(lit) {lit, sizeof lit - 1}
static const struct hostile hostile[] = {
    H("*)(uid=*"), H("admin)(|(cn=*"), H("nul\0after"), H("back\\slash"), H(" leading"),
    H("#leading"), H("trailing "), H(",+\"<>;="), H("\\2a"), H("plain"), H("ä ø \xe2\x80\x94"),
    H("\x1b[31mred"), H("*"), H(" "), H("# ")};

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes \XX escapes; fails the test on anything else behind a backslash. */
static char *unescape_filter(const char *e, size_t *len)
{
    char *out = xmalloc(strlen(e) + 1);
    size_t n = 0;

    for (size_t i = 0; e[i] != '\0'; i++) {
        if (e[i] == '\\') {
            assert_true(hexval(e[i + 1]) >= 0 && hexval(e[i + 2]) >= 0);
            out[n++] = (char)(hexval(e[i + 1]) * 16 + hexval(e[i + 2]));
            i += 2;
        } else {
            out[n++] = e[i];
        }
    }
    *len = n;
    return out;
}

static void test_filter_known(void **state)
{
    char *e;

    (void)state;
    e = dir_filter_escape("*)(uid=*", 8);
    assert_string_equal(e, "\\2a\\29\\28uid=\\2a");
    free(e);
    e = dir_filter_escape("admin)(|(cn=*", 13);
    assert_string_equal(e, "admin\\29\\28|\\28cn=\\2a");
    free(e);
    e = dir_filter_escape("a\0b\\c", 5);
    assert_string_equal(e, "a\\00b\\5cc");
    free(e);
    e = dir_filter_escape("", 0);
    assert_string_equal(e, "");
    free(e);
}

static void test_filter_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char *e = dir_filter_escape(hostile[i].s, hostile[i].len), *back;
        size_t n;

        /* nothing a filter parser could take for syntax or for the end of the value */
        for (size_t k = 0; e[k] != '\0'; k++) {
            assert_true(e[k] != '*' && e[k] != '(' && e[k] != ')' &&
                        (unsigned char)e[k] >= 0x20 && e[k] != 0x7f);
        }
        back = unescape_filter(e, &n);
        assert_int_equal(n, hostile[i].len);
        assert_memory_equal(back, hostile[i].s, n);
        free(back);
        free(e);
    }
}

static void test_dn_known(void **state)
{
    char *e;

    (void)state;
    e = dir_dn_escape(",+\"<>;=", 7);
    assert_string_equal(e, "\\,\\+\\\"\\<\\>\\;\\=");
    free(e);
    e = dir_dn_escape(" #a# ", 5);
    assert_string_equal(e, "\\ #a#\\ ");
    free(e);
    e = dir_dn_escape("#x", 2);
    assert_string_equal(e, "\\#x");
    free(e);
    e = dir_dn_escape("a\0b\\", 4);
    assert_string_equal(e, "a\\00b\\\\");
    free(e);
    e = dir_dn_escape("", 0);
    assert_string_equal(e, "");
    free(e);
}

/* libldap reads back exactly the value we escaped, as the one AVA of the first RDN. */
static void test_dn_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char *e = dir_dn_escape(hostile[i].s, hostile[i].len);
        char *dnstr = xasprintf("cn=%s,dc=example", e);
        LDAPDN dn = NULL;

        assert_int_equal(ldap_str2dn(dnstr, &dn, LDAP_DN_FORMAT_LDAPV3), LDAP_SUCCESS);
        assert_non_null(dn[0]);
        assert_non_null(dn[1]);
        assert_null(dn[2]);
        assert_non_null(dn[0][0]);
        assert_null(dn[0][1]); /* no `+`: one attribute in the RDN */
        assert_int_equal(dn[0][0]->la_value.bv_len, hostile[i].len);
        assert_memory_equal(dn[0][0]->la_value.bv_val, hostile[i].s, hostile[i].len);
        ldap_dnfree(dn);
        free(dnstr);
        free(e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_known),
        cmocka_unit_test(test_filter_hostile),
        cmocka_unit_test(test_dn_known),
        cmocka_unit_test(test_dn_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
