/* screen_put() and screen_text_width(): every cell painted is read back. ASCII takes a fast
 * path, everything else goes through the locale; both must give the same cells, and no
 * control character may reach the terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <locale.h>
#include <string.h>
#include <wchar.h>

#include "term_fixture.h"
#include "tui/screen.h"

static int setup(void **state)
{
    return term_open(state, 2, 40);
}

/* The cells of row 0 from x, `n` of them, as UTF-8. */
static void row_text(struct term *t, int x, int n, char *out, size_t size)
{
    size_t o = 0;

    for (int i = 0; i < n; i++) {
        cchar_t cc;
        wchar_t wcs[CCHARW_MAX + 1] = {0};
        attr_t attr;
        short pair;
        char mb[MB_LEN_MAX];

        assert_int_equal(mvwin_wch(t->w, 0, x + i, &cc), OK);
        assert_int_equal(getcchar(&cc, wcs, &attr, &pair, NULL), OK);
        for (size_t k = 0; wcs[k] != 0; k++) {
            mbstate_t st;
            size_t n8;

            memset(&st, 0, sizeof st);
            n8 = wcrtomb(mb, wcs[k], &st);
            assert_true(n8 != (size_t)-1 && o + n8 < size);
            memcpy(out + o, mb, n8);
            o += n8;
        }
        if (wcwidth(wcs[0]) == 2) {
            i++; /* curses reports the character again for its second cell */
        }
    }
    out[o] = '\0';
}

static void expect_put(struct term *t, const char *s, int width, bool right, const char *want)
{
    char got[256];

    werase(t->w);
    assert_int_equal(screen_put(t->w, 0, 0, s, width, right, A_NORMAL), width);
    row_text(t, 0, width, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_ascii_and_padding(void **state)
{
    struct term *t = *state;

    expect_put(t, "Running", 10, false, "Running   ");
    expect_put(t, "42", 5, true, "   42");
    expect_put(t, "CrashLoopBackOff", 8, false, "CrashLo~");
    expect_put(t, "", 3, false, "   ");
    assert_int_equal(screen_text_width("node-04"), 7);
}

static void test_controls_never_painted(void **state)
{
    struct term *t = *state;

    expect_put(t, "a\033[2Jb", 7, false, "a?[2Jb ");
    expect_put(t, "x\ty\177z", 6, false, "x?y?z ");
    expect_put(t, "c1\xc2\x9b!", 5, false, "c1?! "); /* U+009B, the C1 CSI */
}

static void test_multibyte(void **state)
{
    struct term *t = *state;

    expect_put(t, "bl\xc3\xa5" "b\xc3\xa6r", 8, false, "bl\xc3\xa5" "b\xc3\xa6r  ");
    assert_int_equal(screen_text_width("\xc3\xa6\xc3\xb8\xc3\xa5"), 3);
    /* Wide characters take two cells, and are not split by the cut. */
    assert_int_equal(screen_text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
    expect_put(t, "\xe6\x97\xa5\xe6\x9c\xac", 5, false, "\xe6\x97\xa5\xe6\x9c\xac ");
    expect_put(t, "\xe6\x97\xa5\xe6\x9c\xac" "x", 4, false, "\xe6\x97\xa5~ ");
    /* An invalid byte is one '?' cell. */
    expect_put(t, "a\xff" "b", 4, false, "a?b ");
    assert_int_equal(screen_text_width("a\xff" "b"), 3);
}

/* Every cell painted, padding included, carries the attribute, on either path. */
static void test_attributes_cover_the_width(void **state)
{
    struct term *t = *state;
    static const char *const texts[] = {"ab", "\xc3\xa6" "b", "toolongtext", ""};

    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        werase(t->w);
        screen_put(t->w, 0, 1, texts[k], 6, k == 1, A_BOLD | A_UNDERLINE);
        for (int x = 0; x < 8; x++) {
            cchar_t cc;
            wchar_t wcs[CCHARW_MAX + 1];
            attr_t attr;
            short pair;

            assert_int_equal(mvwin_wch(t->w, 0, x, &cc), OK);
            assert_int_equal(getcchar(&cc, wcs, &attr, &pair, NULL), OK);
            if (x >= 1 && x < 7) {
                assert_true((attr & (A_BOLD | A_UNDERLINE)) == (A_BOLD | A_UNDERLINE));
            } else {
                assert_true((attr & (A_BOLD | A_UNDERLINE)) == 0); /* nothing outside */
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ascii_and_padding, setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_controls_never_painted, setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_multibyte, setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_attributes_cover_the_width, setup, term_teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
