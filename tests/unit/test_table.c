/* The table widget's header: the sort arrow is part of the header, and when a column is cut
 * narrower than its header the name gives way, never the arrow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <string.h>

#include "term_fixture.h"
#include "tui/table.h"

enum { COL_N, COL_R, COL_S };

static const struct view_column stub_columns[] = {
    [COL_N] = {"NAME", 4, COL_GROW, 'N', COL_KEEP_ALWAYS},
    [COL_R] = {"RESTARTS", 3, COL_RIGHT, 'T', COL_KEEP_ALWAYS},
    [COL_S] = {"STATUS", 6, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
};

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
    return 1;
}

static enum view_tone stub_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                size_t col, char *buf, size_t size)
{
    static const char *const cells[] = {"ab", "7", "Running"};

    (void)v;
    (void)ctx;
    (void)row;
    snprintf(buf, size, "%s", cells[col]);
    return TONE_NORMAL;
}

static const char *stub_key(const struct view *v, size_t row)
{
    (void)v;
    (void)row;
    return "k";
}

static const struct view_ops stub_ops = {
    .name = "stub",
    .columns = stub_columns,
    .ncolumns = 3,
    .stale = stub_stale,
    .rebuild = stub_rebuild,
    .count = stub_count,
    .cell = stub_cell,
    .row_key = stub_key,
};

static int setup(void **state)
{
    setlocale(LC_ALL, "C.UTF-8");
    return term_open(state, 4, 60);
}

/* The header row drawn `width` cells wide, sorted by `col`. */
static void header_at(struct term *t, int width, int col, bool desc, char *out, size_t size)
{
    struct view v = {.ops = &stub_ops, .sort_col = col, .sort_desc = desc};
    struct table tb;
    struct access *acc = NULL;
    struct view_ctx ctx = {0};
    struct view_scope scope = {0};

    (void)acc;
    ctx.scope = &scope;
    table_init(&tb);
    tb.sort_col = col;
    tb.sort_desc = desc;
    werase(t->w);
    table_draw(&tb, t->w, 0, 0, 3, width, &v, &ctx);
    term_row(t->w, 0, width, out, size);
    table_fini(&tb);
}

static void test_arrow_is_part_of_the_header(void **state)
{
    char row[256];

    /* Room for everything: "RESTARTS↓" whole. */
    header_at(*state, 40, COL_R, true, row, sizeof row);
    assert_non_null(strstr(row, "RESTARTS\u2193"));
    header_at(*state, 40, COL_N, false, row, sizeof row);
    assert_non_null(strstr(row, "NAME\u2191"));
    assert_non_null(strstr(row, "RESTARTS "));
}

static void test_cut_header_keeps_the_arrow(void **state)
{
    char row[256];

    /* NAME, STATUS and the spaces leave RESTARTS 4 cells: "RES↓", not "RES~". */
    header_at(*state, 17, COL_R, true, row, sizeof row);
    assert_non_null(strstr(row, "RES\u2193"));
    assert_null(strstr(row, "RESTARTS"));
    assert_null(strstr(row, "~"));
    header_at(*state, 17, COL_R, false, row, sizeof row);
    assert_non_null(strstr(row, "RES\u2191"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_arrow_is_part_of_the_header, setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_cut_header_keeps_the_arrow, setup, term_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
