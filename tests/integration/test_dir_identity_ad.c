/* Identity resolution against a slapd whose root DSE claims Active Directory's capability
 * (SLAPD_AD_CAPS=1 in tests/integration/slapd.bash) but which cannot evaluate AD's
 * transitive rule (it answers with no entry). The root DSE makes the resolver use the rule;
 * a user whose memberOf names groups shows the answer is not the rule's, and the
 * level-by-level search finds the nested groups all the same; a user without any group keeps
 * the rule's (empty) answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/identity.h"
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

static void expect(const char *user, bool nested_rule, const char *want)
{
    struct dir_identity_opts o = {0};
    struct dir_identity id;
    char *text;

    o.conn = dirprobe_opts(&E, E.uri);
    o.user = user;
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    text = dir_grant_text(&id.grant.g);
    print_message("%s: nested_rule %d, %s\n", user, id.nested_rule, text);
    assert_int_equal(id.nested_rule, nested_rule);
    assert_string_equal(text, want);
    free(text);
    dir_identity_fini(&id);
}

static void test_rule_claimed_but_not_evaluated(void **state)
{
    (void)state;
    expect("nick", false, "developer of dmi"); /* memberOf dmi-team; the rule: nothing */
    expect("cyril", false, "viewer of registry");
    expect("nora", true, "no role"); /* no group at all: the rule's answer stands */
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_claimed_but_not_evaluated),
    };

    (void)argc;
    setenv("SLAPD_AD_CAPS", "1", 0);
    if (slapdrun_reexec(argv, false) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, NULL);
}
