/* The action table, key bindings and the help generated from them. docs/keys.md must equal
 * the generated text (GC_WRITE_DOCS=1 rewrites it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/xalloc.h"
#include "tui/help.h"
#include "tui/curses.h"
#include "tui/keymap.h"
#include "views/registry.h"

static void test_every_action_has_a_key(void **state)
{
    char keys[64];

    (void)state;
    for (int a = 1; a < ACT_COUNT; a++) {
        keymap_keys_for((enum action)a, keys, sizeof keys);
        if (keys[0] == '\0') {
            fail_msg("action %s has no key", action_name((enum action)a));
        }
    }
}

static void test_contract_keys(void **state)
{
    (void)state;
    /* DESIGN.md: ':' command, '/' filter, '?' help, Enter, Esc, q, d, y, Ctrl-d. */
    assert_int_equal(keymap_action(':'), ACT_COMMAND);
    assert_int_equal(keymap_action('/'), ACT_FILTER);
    assert_int_equal(keymap_action('?'), ACT_HELP);
    assert_int_equal(keymap_action('\r'), ACT_ENTER);
    assert_int_equal(keymap_action(27), ACT_BACK);
    assert_int_equal(keymap_action('q'), ACT_QUIT);
    assert_int_equal(keymap_action('d'), ACT_DESCRIBE);
    assert_int_equal(keymap_action('y'), ACT_RAW);
    assert_int_equal(keymap_action('n'), ACT_NEW_INCIDENT); /* DESIGN.md: n new incident */
    assert_int_equal(keymap_action(4), ACT_DELETE);
    assert_int_equal(keymap_action('j'), ACT_MOVE_DOWN);
    assert_int_equal(keymap_action(KEY_DOWN), ACT_MOVE_DOWN);
    assert_int_equal(keymap_action('l'), ACT_LOGS);
    assert_int_equal(keymap_action('r'), ACT_RESTART);
    assert_int_equal(keymap_action('s'), ACT_SCALE);
    assert_int_equal(keymap_action('Z'), ACT_NONE);
}

static void test_sort_keys_do_not_collide_with_actions(void **state)
{
    (void)state;
    for (size_t i = 0; registry_get(i) != NULL; i++) {
        const struct view_ops *v = registry_get(i);
        char seen[128] = {0};

        for (size_t c = 0; c < v->ncolumns; c++) {
            int k = v->columns[c].sort_key;

            if (k == 0) {
                continue;
            }
            /* a key may sort a view that does not offer the view-specific action bound to
             * it (tenants' D; the alerts view's D is its downtime): tui/app.c sorts there */
            if (keymap_action(k) != ACT_NONE &&
                (!action_view_specific(keymap_action(k)) || keymap_view_has(v, keymap_action(k)))) {
                fail_msg("%s: sort key %c is also bound to an action", v->name, k);
            }
            if (seen[k]) {
                fail_msg("%s: sort key %c used twice", v->name, k);
            }
            seen[k] = 1;
            assert_int_equal(keymap_sort_column(v, k), (int)c);
        }
    }
    assert_int_equal(keymap_sort_column(registry_find("pods"), 'N'), 2);
    /* D: the tenants view sorts by display name, the alerts view schedules a downtime */
    assert_true(keymap_sort_column(registry_find("tenants"), 'D') >= 0);
    assert_int_equal(keymap_sort_column(registry_find("alerts"), 'D'), -1);
    assert_true(keymap_view_has(registry_find("alerts"), keymap_action('D')));
    assert_int_equal(keymap_sort_column(registry_find("pods"), 'n'), -1);
}

static int help_has(const struct help_list *l, const char *needle)
{
    return help_find(l, needle) != NULL;
}

static void test_help_follows_the_view(void **state)
{
    struct help_list pods = {0}, tenants = {0};

    (void)state;
    keymap_help(registry_find("pods"), NULL, &pods);
    keymap_help(registry_find("tenants"), NULL, &tenants);
    assert_true(help_has(&pods, "Filter rows"));
    assert_true(help_has(&pods, "Delete the selected object"));
    assert_true(help_has(&pods, "Sort by STATUS"));
    assert_false(help_has(&pods, "Drill down")); /* pods have no Enter yet */
    assert_true(help_has(&tenants, "Drill down"));
    assert_false(help_has(&tenants, "Delete the selected object"));
    assert_null(help_find(&pods, "Delete the selected object")->off); /* no access: no marks */
    help_free(&pods);
    help_free(&tenants);
}

static void test_help_shows_actions_where_they_work(void **state)
{
    struct help_list pods = {0}, apps = {0}, tenants = {0};

    (void)state;
    keymap_help(registry_find("pods"), NULL, &pods);
    keymap_help(registry_find("apps"), NULL, &apps);
    keymap_help(registry_find("tenants"), NULL, &tenants);
    assert_true(help_has(&pods, "Follow a pod's log"));
    assert_false(help_has(&pods, "Rollout restart"));
    assert_false(help_has(&pods, "Scale the selected app"));
    assert_true(help_has(&apps, "Follow a pod's log"));
    assert_true(help_has(&apps, "Rollout restart"));
    assert_true(help_has(&apps, "Scale the selected app"));
    assert_false(help_has(&tenants, "Follow a pod's log"));
    assert_false(help_has(&tenants, "Rollout restart"));
    help_free(&pods);
    help_free(&apps);
    help_free(&tenants);
}

/* --readonly: the actions stay listed, marked with why; looking is never marked. */
static void test_help_marks_what_readonly_forbids(void **state)
{
    struct access *ro = access_new("ann", ACCESS_OPERATOR, NULL, true);
    struct access *op = access_new("ola", ACCESS_OPERATOR, NULL, false);
    struct help_list l = {0};
    const struct help_entry *e;

    (void)state;
    keymap_help(registry_find("apps"), ro, &l);
    e = help_find(&l, "Rollout restart");
    assert_non_null(e);
    assert_non_null(e->off);
    assert_non_null(strstr(e->off, "--readonly"));
    assert_non_null(help_find(&l, "Scale the selected app")->off);
    assert_null(help_find(&l, "Describe the selected object")->off);
    assert_null(help_find(&l, "Follow a pod's log")->off);
    help_free(&l);

    keymap_help(registry_find("apps"), op, &l);
    for (size_t i = 0; i < l.n; i++) {
        assert_null(l.e[i].off);
    }
    help_free(&l);
    access_free(ro);
    access_free(op);
}

/* Which verbs each role has (docs/security.md, "Roles"). */
static bool role_may(enum access_role role, enum access_verb verb)
{
    switch (verb) {
    case ACCESS_VIEW:
    case ACCESS_LOGS:
        return true;
    case ACCESS_RESTART:
    case ACCESS_INCIDENT_CREATE:
    case ACCESS_INCIDENT_NOTE:
        return role != ACCESS_VIEWER;
    case ACCESS_SCALE:
        return role == ACCESS_OPERATOR || role == ACCESS_DEVELOPER;
    case ACCESS_ACKNOWLEDGE:
    case ACCESS_INCIDENT_UPDATE:
        return role == ACCESS_OPERATOR || role == ACCESS_ONCALL;
    case ACCESS_DELETE:
    case ACCESS_DOWNTIME:
        return role == ACCESS_OPERATOR;
    }
    return false;
}

/* In every view, help lists an action the view has exactly when the session's role has its
 * verb, unmarked; the status line's hints likewise. */
static void test_help_shows_only_what_the_role_may_do(void **state)
{
    static const char *const dmi[] = {"dmi", NULL};
    const enum access_role roles[] = {ACCESS_OPERATOR, ACCESS_ONCALL, ACCESS_DEVELOPER,
                                      ACCESS_VIEWER};

    (void)state;
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        struct access_grant g = {
            .operator = roles[r] == ACCESS_OPERATOR,
            .oncall = roles[r] == ACCESS_ONCALL,
            .developer = roles[r] == ACCESS_DEVELOPER ? dmi : NULL,
            .viewer = roles[r] == ACCESS_VIEWER ? dmi : NULL,
        };
        char *err = NULL;
        struct access *acc = access_new_grant("u", &g, NULL, false, &err);

        assert_non_null(acc);
        for (size_t i = 0; registry_get(i) != NULL; i++) {
            const struct view_ops *v = registry_get(i);
            struct help_list l = {0};

            keymap_help(v, acc, &l);
            for (int a = 1; a < ACT_COUNT; a++) {
                const struct help_entry *e;

                if (!keymap_view_has(v, (enum action)a)) {
                    continue;
                }
                e = help_find(&l, action_help((enum action)a));
                if (role_may(roles[r], action_verb((enum action)a)) != (e != NULL)) {
                    fail_msg("%s, view %s: help %s %s", access_role_name(roles[r]), v->name,
                             e != NULL ? "lists" : "leaves out", action_name((enum action)a));
                }
                assert_true(e == NULL || e->off == NULL);
            }
            help_free(&l);
        }
        access_free(acc);
    }
}

/* A developer of dmi and viewer of registry may scale (in dmi): help lists it; neither role
 * deletes; nobody (no identity) still reads the looking keys. */
static void test_help_follows_the_union_of_roles(void **state)
{
    static const char *const dmi[] = {"dmi", NULL}, *const registry[] = {"registry", NULL};
    struct access_grant g = {.developer = dmi, .viewer = registry};
    char *err = NULL, hints[256];
    struct access *both = access_new_grant("alice", &g, NULL, false, &err);
    struct access *viewer_only = access_new_grant("alice", &g, "registry", false, &err);
    struct access *nobody = access_new_nobody("who", false);
    struct help_list l = {0};

    (void)state;
    keymap_help(registry_find("apps"), both, &l);
    assert_true(help_has(&l, "Scale the selected app"));
    assert_true(help_has(&l, "Rollout restart"));
    help_free(&l);
    keymap_help(registry_find("pods"), both, &l);
    assert_false(help_has(&l, "Delete the selected object"));
    assert_true(help_has(&l, "Follow a pod's log"));
    help_free(&l);
    /* narrowed to the tenant it only views: the developer's keys are gone */
    keymap_help(registry_find("apps"), viewer_only, &l);
    assert_false(help_has(&l, "Scale the selected app"));
    assert_false(help_has(&l, "Rollout restart"));
    assert_true(help_has(&l, "Describe the selected object"));
    help_free(&l);
    keymap_help(registry_find("apps"), nobody, &l);
    assert_false(help_has(&l, "Rollout restart"));
    assert_true(help_has(&l, "Follow a pod's log"));
    help_free(&l);
    keymap_hints(registry_find("pods"), nobody, false, hints, sizeof hints);
    assert_non_null(strstr(hints, "<l> logs"));
    assert_non_null(strstr(hints, "<q> quit"));
    keymap_hints(registry_find("tenants"), nobody, true, hints, sizeof hints);
    assert_null(strstr(hints, "<l> logs"));
    assert_non_null(strstr(hints, "<q> back"));
    access_free(both);
    access_free(viewer_only);
    access_free(nobody);
}

/* Every action's verb: a mutation needs its own, a look needs nothing more than viewing. */
static void test_actions_name_their_verb(void **state)
{
    (void)state;
    assert_int_equal(action_verb(ACT_DELETE), ACCESS_DELETE);
    assert_int_equal(action_verb(ACT_RESTART), ACCESS_RESTART);
    assert_int_equal(action_verb(ACT_SCALE), ACCESS_SCALE);
    assert_int_equal(action_verb(ACT_LOGS), ACCESS_LOGS);
    assert_int_equal(action_verb(ACT_DESCRIBE), ACCESS_VIEW);
    assert_int_equal(action_verb(ACT_MOVE_DOWN), ACCESS_VIEW);
}

/* The pager modes' tables are complete rows, and `?` is among a pager's keys. */
static void test_mode_help_tables(void **state)
{
    const struct help_key *const tables[] = {pager_help_keys, detail_help_keys, logs_help_keys,
                                             chooser_help_keys};
    bool question = false;

    (void)state;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        size_t n = 0;

        for (const struct help_key *k = tables[t]; k->keys != NULL; k++, n++) {
            assert_non_null(k->text);
            assert_true(k->text[0] != '\0');
            question = question || (t == 0 && strcmp(k->keys, "?") == 0);
        }
        assert_true(n > 0);
    }
    assert_true(question);
}

static bool stub_stale(const struct view *v, const struct view_ctx *ctx)
{
    (void)v;
    (void)ctx;
    return false;
}

static void stub_rebuild(struct view *v, const struct view_ctx *ctx)
{
    (void)v;
    (void)ctx;
}

static size_t stub_count(const struct view *v)
{
    (void)v;
    return 0;
}

static enum view_tone stub_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                size_t col, char *buf, size_t size)
{
    (void)v;
    (void)ctx;
    (void)row;
    (void)col;
    snprintf(buf, size, "-");
    return TONE_NORMAL;
}

static const char *stub_key(const struct view *v, size_t row)
{
    (void)v;
    (void)row;
    return "";
}

/* Every registered view is valid; one the table could not lay out, or with actions nobody
 * answers, or without a required hook, is refused before anything is drawn. */
static void test_registry_validates_views(void **state)
{
    static struct view_column cols[VIEW_MAX_COLUMNS + 1];
    static const enum action acts[] = {ACT_DESCRIBE, ACT_NONE};
    struct view_ops v = {
        .name = "stub",
        .columns = cols,
        .ncolumns = VIEW_MAX_COLUMNS,
        .stale = stub_stale,
        .rebuild = stub_rebuild,
        .count = stub_count,
        .cell = stub_cell,
        .row_key = stub_key,
    };
    char *err;

    (void)state;
    for (size_t i = 0; registry_get(i) != NULL; i++) {
        err = registry_validate(registry_get(i));
        if (err != NULL) {
            fail_msg("%s", err);
        }
    }
    for (size_t i = 0; i <= VIEW_MAX_COLUMNS; i++) {
        cols[i] = (struct view_column){"C", 1, 0, 0, 5};
    }
    assert_null(registry_validate(&v));
    v.ncolumns = VIEW_MAX_COLUMNS + 1;
    err = registry_validate(&v);
    assert_non_null(err);
    assert_non_null(strstr(err, "25 columns"));
    free(err);
    v.ncolumns = 3;
    v.actions = acts;
    err = registry_validate(&v);
    assert_non_null(strstr(err, "actions without a request hook"));
    free(err);
    v.actions = NULL;
    v.cell = NULL;
    err = registry_validate(&v);
    assert_non_null(strstr(err, "required hook"));
    free(err);
}

static void test_docs_keys_md_is_generated(void **state)
{
    char *want = keymap_markdown();
    const char *root = getenv("GC_ROOT") ? getenv("GC_ROOT") : ".";
    char *path = xasprintf("%s/docs/keys.md", root);
    FILE *f;
    char *have;
    long n;

    (void)state;
    if (getenv("GC_WRITE_DOCS") != NULL) {
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(want, f);
        fclose(f);
    }
    f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    have = xcalloc((size_t)n + 1, 1);
    assert_int_equal(fread(have, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    if (strcmp(have, want) != 0) {
        fail_msg("docs/keys.md is out of date: run GC_WRITE_DOCS=1 build/tests/test_keymap");
    }
    free(have);
    free(want);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_action_has_a_key),
        cmocka_unit_test(test_contract_keys),
        cmocka_unit_test(test_sort_keys_do_not_collide_with_actions),
        cmocka_unit_test(test_help_follows_the_view),
        cmocka_unit_test(test_help_shows_actions_where_they_work),
        cmocka_unit_test(test_help_marks_what_readonly_forbids),
        cmocka_unit_test(test_help_shows_only_what_the_role_may_do),
        cmocka_unit_test(test_help_follows_the_union_of_roles),
        cmocka_unit_test(test_actions_name_their_verb),
        cmocka_unit_test(test_mode_help_tables),
        cmocka_unit_test(test_docs_keys_md_is_generated),
        cmocka_unit_test(test_registry_validates_views),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
