/* core/logmux: members' bytes cut into whole lines that never mix, short names that tell the
 * members apart, colours that differ while some are free, notes and state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/logmux.h"
#include "core/xalloc.h"

/* What came out, one line a chunk: "T label tone|text" (text with its LFs as '/'),
 * "N label|text", "S live members left". */
struct got {
    char *lines[64];
    size_t n;
};

static void got_chunk(const struct source_chunk *c, void *arg)
{
    struct got *g = arg;
    char text[1024];
    size_t k = 0;

    assert_true(g->n < 64);
    for (size_t i = 0; i < c->len && k + 1 < sizeof text; i++) {
        text[k++] = c->data[i] == '\n' ? '/' : c->data[i];
    }
    text[k] = '\0';
    switch (c->kind) {
    case SOURCE_CHUNK_TEXT:
        /* whole lines only */
        assert_true(c->len > 0);
        assert_int_equal(c->data[c->len - 1], '\n');
        g->lines[g->n++] = xasprintf("T %s %u|%s", c->from, c->tone, text);
        break;
    case SOURCE_CHUNK_NOTE:
        g->lines[g->n++] = xasprintf("N %s|%s", c->from != NULL ? c->from : "-", text);
        break;
    case SOURCE_CHUNK_STATE:
        g->lines[g->n++] =
            xasprintf("S %u %u %u %u", c->live, c->waiting, c->members, c->left_out);
        break;
    }
}

static void got_clear(struct got *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->lines[i]);
    }
    g->n = 0;
}

static void assert_got(const struct got *g, size_t i, const char *want)
{
    assert_true(i < g->n);
    if (strcmp(g->lines[i], want) != 0) {
        print_error("chunk %zu: got \"%s\", want \"%s\"\n", i, g->lines[i], want);
        fail();
    }
}

/* Bytes of two members arriving in pieces: each member's lines come out whole, in the order
 * they were completed; an unfinished line waits for its member's flush. */
static void test_lines_never_mix(void **state)
{
    struct got g = {0};
    struct logmux *m = logmux_new(got_chunk, &g);
    struct logmux_member *a = logmux_add(m, "web-7d9c8b6f5d-x7k2p");
    struct logmux_member *b = logmux_add(m, "web-7d9c8b6f5d-q9z8r");
    char t[64];

    (void)state;
    logmux_feed(a, "hel", 3);
    logmux_feed(b, "wor", 3);
    assert_int_equal(g.n, 0);
    logmux_feed(a, "lo\nsec", 6);
    logmux_feed(b, "ld\nand\nmore\n", 12);
    logmux_feed(a, "ond\nthi", 7);
    snprintf(t, sizeof t, "T x7k2p %u|hello/", logmux_tone(a));
    assert_got(&g, 0, t);
    snprintf(t, sizeof t, "T q9z8r %u|world/and/more/", logmux_tone(b));
    assert_got(&g, 1, t);
    snprintf(t, sizeof t, "T x7k2p %u|second/", logmux_tone(a));
    assert_got(&g, 2, t);
    assert_int_equal(g.n, 3);
    logmux_flush(b); /* nothing unfinished */
    assert_int_equal(g.n, 3);
    logmux_flush(a);
    snprintf(t, sizeof t, "T x7k2p %u|thi/", logmux_tone(a));
    assert_got(&g, 3, t);
    /* Removing a member sends its unfinished line first. */
    logmux_feed(b, "last", 4);
    logmux_remove(b);
    assert_int_equal(g.n, 5);
    assert_non_null(strstr(g.lines[4], "q9z8r"));
    assert_non_null(strstr(g.lines[4], "|last/"));
    assert_int_equal(logmux_count(m), 1);
    got_clear(&g);
    logmux_free(m);
}

/* Lengths of the TEXT chunks that came. */
struct sizes {
    size_t len[8];
    size_t n;
};

static void size_chunk(const struct source_chunk *c, void *arg)
{
    struct sizes *z = arg;

    assert_int_equal(c->kind, SOURCE_CHUNK_TEXT);
    assert_int_equal(c->data[c->len - 1], '\n');
    assert_null(memchr(c->data, '\n', c->len - 1));
    assert_true(z->n < 8);
    z->len[z->n++] = c->len;
}

/* A line longer than LOGMUX_LINE_MAX without LF goes out in a piece rather than waiting. */
static void test_long_line(void **state)
{
    struct sizes z = {0};
    struct logmux *m = logmux_new(size_chunk, &z);
    struct logmux_member *a = logmux_add(m, "p");
    char *big = xmalloc(LOGMUX_LINE_MAX);

    (void)state;
    memset(big, 'x', LOGMUX_LINE_MAX);
    logmux_feed(a, big, LOGMUX_LINE_MAX / 2);
    assert_int_equal(z.n, 0);
    logmux_feed(a, big, LOGMUX_LINE_MAX / 2 - 1);
    assert_int_equal(z.n, 0);
    logmux_feed(a, big, 1);
    assert_int_equal(z.n, 1);
    assert_int_equal(z.len[0], LOGMUX_LINE_MAX + 1); /* the piece and its LF */
    logmux_feed(a, "end\n", 4);
    assert_int_equal(z.n, 2);
    assert_int_equal(z.len[1], 4);
    logmux_free(m);
    free(big);
}

/* Short names: the last segment, longer only where another member has it; never changing
 * while the member stays; free again once it is gone. */
static void test_labels(void **state)
{
    struct got g = {0};
    struct logmux *m = logmux_new(got_chunk, &g);
    struct logmux_member *a = logmux_add(m, "forecast-api-7d9c8b6f5d-x7k2p");
    struct logmux_member *b = logmux_add(m, "obs-db-1");
    struct logmux_member *c = logmux_add(m, "forecast-api-5f6a7b8c9d-x7k2p");
    struct logmux_member *d = logmux_add(m, "web");
    struct logmux_member *e = logmux_add(m, "db-1");
    struct logmux_member *f = logmux_add(m, "");

    (void)state;
    assert_string_equal(logmux_label(a), "x7k2p");
    assert_string_equal(logmux_label(b), "1");
    assert_string_equal(logmux_label(c), "5f6a7b8c9d-x7k2p");
    assert_string_equal(logmux_label(d), "web");
    assert_string_equal(logmux_label(e), "db-1");
    assert_string_equal(logmux_label(f), "?");
    logmux_remove(a);
    a = logmux_add(m, "other-x7k2p");
    assert_string_equal(logmux_label(a), "x7k2p");
    assert_string_equal(logmux_label(c), "5f6a7b8c9d-x7k2p");
    got_clear(&g);
    logmux_free(m);
}

/* Colours: a name gets the same one in every merger; members differ while one is free. */
static void test_tones(void **state)
{
    struct got g = {0};
    struct logmux *m = logmux_new(got_chunk, &g), *m2 = logmux_new(got_chunk, &g);
    struct logmux_member *mb[SOURCE_TONES + 1];
    char name[32];

    (void)state;
    for (int i = 0; i < SOURCE_TONES; i++) {
        snprintf(name, sizeof name, "web-abc-%c%c", 'a' + i, 'k' + i);
        mb[i] = logmux_add(m, name);
        assert_in_range(logmux_tone(mb[i]), 1, SOURCE_TONES);
        for (int j = 0; j < i; j++) {
            assert_int_not_equal(logmux_tone(mb[i]), logmux_tone(mb[j]));
        }
    }
    /* A seventh shares one; alone in another merger each name has its hash's colour. */
    mb[SOURCE_TONES] = logmux_add(m, "web-abc-zz");
    assert_in_range(logmux_tone(mb[SOURCE_TONES]), 1, SOURCE_TONES);
    assert_int_equal(logmux_tone(logmux_add(m2, "web-abc-zz")), logmux_tone(mb[SOURCE_TONES]));
    logmux_free(m2);
    m2 = logmux_new(got_chunk, &g);
    assert_int_equal(logmux_tone(logmux_add(m2, "web-abc-ak")), logmux_tone(mb[0]));
    logmux_free(m2);
    got_clear(&g);
    logmux_free(m);
}

/* Notes carry their member; state goes out only when it changes. */
static void test_notes_and_state(void **state)
{
    struct got g = {0};
    struct logmux *m = logmux_new(got_chunk, &g);
    struct logmux_member *a = logmux_add(m, "web-abc-x7k2p");

    (void)state;
    logmux_note(m, a, "pod web-abc-x7k2p gone");
    logmux_note(m, NULL, "about all");
    logmux_state(m, 1, 0, 1, 0);
    logmux_state(m, 1, 0, 1, 0);
    logmux_state(m, 0, 0, 1, 0);
    logmux_state(m, 0, 0, 1, 3);
    logmux_state(m, 0, 1, 1, 3);
    assert_int_equal(g.n, 6);
    assert_got(&g, 0, "N x7k2p|pod web-abc-x7k2p gone");
    assert_got(&g, 1, "N -|about all");
    assert_got(&g, 2, "S 1 0 1 0");
    assert_got(&g, 3, "S 0 0 1 0");
    assert_got(&g, 4, "S 0 0 1 3");
    assert_got(&g, 5, "S 0 1 1 3");
    got_clear(&g);
    logmux_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_never_mix),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_tones),
        cmocka_unit_test(test_notes_and_state),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
