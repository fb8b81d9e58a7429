/* The event loop: one thread, one poll(). The only place in govconsole that blocks.
 *
 * File descriptors and timers are registered with callbacks. Signals arrive through a
 * self-pipe and are delivered as callbacks on the loop thread. Before blocking, the loop
 * runs the "prepare" hooks (where the screen is flushed once per iteration); when nothing is
 * due it blocks with no timeout, so an idle console costs nothing. Times are CLOCK_MONOTONIC. */
#ifndef GC_CORE_LOOP_H
#define GC_CORE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct loop_timer;

enum {
    LOOP_IN = 1,
    LOOP_OUT = 2,
    LOOP_ERR = 4, /* POLLERR, POLLHUP or POLLNVAL */
};

typedef void (*loop_fd_cb)(int fd, unsigned events, void *arg);
typedef void (*loop_timer_cb)(void *arg);
typedef void (*loop_signal_cb)(int signo, void *arg);
typedef void (*loop_prepare_cb)(void *arg);

struct loop *loop_new(void);
/* Cancels every timer; does not close registered descriptors. */
void loop_free(struct loop *l);

/* Milliseconds on the monotonic clock. */
int64_t loop_now_ms(void);

/* Watches fd for `events` (LOOP_IN|LOOP_OUT); replaces an earlier registration of the same
 * fd; events == 0 removes it. Safe to call from within callbacks. */
void loop_fd_set(struct loop *l, int fd, unsigned events, loop_fd_cb cb, void *arg);

/* Runs cb once, `delay_ms` from now (0 = on the next iteration). Returns a handle that is
 * valid until the callback starts or loop_timer_cancel() is called. */
struct loop_timer *loop_timer_add(struct loop *l, int64_t delay_ms, loop_timer_cb cb, void *arg);

/* Like loop_timer_add, but the deadline is rounded up to the next multiple of `align_ms` on
 * the monotonic clock, so periodic work of several sources shares one wakeup. */
struct loop_timer *loop_timer_add_aligned(struct loop *l, int64_t delay_ms, int64_t align_ms,
                                          loop_timer_cb cb, void *arg);

/* Cancels a pending timer. NULL is ignored. */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* Delivers signo to cb on the loop thread (through the self-pipe). Installs the handler with
 * SA_RESTART. One callback per signal. */
void loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg);

/* Hook run right before each poll() (after all callbacks of the iteration). */
void loop_prepare(struct loop *l, loop_prepare_cb cb, void *arg);

/* Runs one iteration: prepare hooks, poll (at most max_wait_ms; -1 = until something is
 * due), then due fd/signal/timer callbacks. Returns the number of callbacks run. */
int loop_run_once(struct loop *l, int max_wait_ms);

/* Runs until loop_stop(). */
void loop_run(struct loop *l);
void loop_stop(struct loop *l);
bool loop_stopped(const struct loop *l);

/* Number of poll() wakeups so far (for the idle-cost test and `make bench`). */
uint64_t loop_wakeups(const struct loop *l);

#endif
