/* The loop: timers in order, cancel, alignment, descriptors, signals via the self-pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/loop.h"

static char order[16];
static int norder;

static void mark(void *arg)
{
    order[norder++] = *(const char *)arg;
}

static void test_timers_run_in_deadline_order(void **state)
{
    struct loop *l = loop_new();
    static const char a = 'a', b = 'b', c = 'c';
    struct loop_timer *tb;
    int64_t start = loop_now_ms();

    (void)state;
    norder = 0;
    loop_timer_add(l, 30, mark, (void *)&c);
    tb = loop_timer_add(l, 20, mark, (void *)&b);
    loop_timer_add(l, 10, mark, (void *)&a);
    loop_timer_cancel(l, tb);
    while (norder < 2) {
        loop_run_once(l, 1000);
    }
    assert_int_equal(norder, 2);
    assert_memory_equal(order, "ac", 2);
    assert_true(loop_now_ms() - start >= 30);
    loop_free(l);
}

static void test_aligned_timer_lands_on_boundary(void **state)
{
    struct loop *l = loop_new();
    static const char x = 'x';
    int64_t fired;

    (void)state;
    norder = 0;
    loop_timer_add_aligned(l, 1, 100, mark, (void *)&x);
    while (norder == 0) {
        loop_run_once(l, 1000);
    }
    fired = loop_now_ms();
    assert_true(fired % 100 < 20); /* woke just after a multiple of 100 ms */
    loop_free(l);
}

static int fd_hits;

static void on_readable(int fd, unsigned events, void *arg)
{
    char buf[8];

    (void)arg;
    assert_true(events & LOOP_IN);
    assert_int_equal(read(fd, buf, sizeof buf), 3);
    fd_hits++;
}

static void test_fd_callback_and_removal(void **state)
{
    struct loop *l = loop_new();
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    fd_hits = 0;
    loop_fd_set(l, p[0], LOOP_IN, on_readable, NULL);
    assert_int_equal(write(p[1], "abc", 3), 3);
    loop_run_once(l, 1000);
    assert_int_equal(fd_hits, 1);
    loop_fd_set(l, p[0], 0, NULL, NULL);
    assert_int_equal(write(p[1], "abc", 3), 3);
    assert_int_equal(loop_run_once(l, 50), 0); /* removed: nothing runs */
    assert_int_equal(fd_hits, 1);
    close(p[0]);
    close(p[1]);
    loop_free(l);
}

static int got_signal;

static void on_signal(int signo, void *arg)
{
    got_signal = signo;
    loop_stop(arg);
}

static void test_signal_arrives_on_loop_thread(void **state)
{
    struct loop *l = loop_new();

    (void)state;
    got_signal = 0;
    loop_signal(l, SIGUSR1, on_signal, l);
    raise(SIGUSR1);
    loop_run(l);
    assert_int_equal(got_signal, SIGUSR1);
    assert_true(loop_stopped(l));
    loop_free(l);
}

static int prepared;

static void on_prepare(void *arg)
{
    (void)arg;
    prepared++;
}

static void test_idle_loop_does_not_wake(void **state)
{
    struct loop *l = loop_new();
    uint64_t before;
    int64_t start;

    (void)state;
    prepared = 0;
    loop_prepare(l, on_prepare, NULL);
    before = loop_wakeups(l);
    start = loop_now_ms();
    /* Nothing registered and nothing due: one poll that sleeps the whole 200 ms. */
    assert_int_equal(loop_run_once(l, 200), 0);
    assert_true(loop_now_ms() - start >= 190);
    assert_int_equal(loop_wakeups(l) - before, 1);
    assert_int_equal(prepared, 1);
    loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_run_in_deadline_order),
        cmocka_unit_test(test_aligned_timer_lands_on_boundary),
        cmocka_unit_test(test_fd_callback_and_removal),
        cmocka_unit_test(test_signal_arrives_on_loop_thread),
        cmocka_unit_test(test_idle_loop_does_not_wake),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
