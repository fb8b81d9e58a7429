/* The poll() loop: descriptors, timers, signals through a self-pipe. */
#include "core/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

#define LOOP_MAX_SIGNAL 65

struct loop_fd {
    int fd;
    unsigned events;
    loop_fd_cb cb;
    void *arg;
};

struct loop_timer {
    int64_t deadline;
    uint64_t seq;
    loop_timer_cb cb;
    void *arg;
    struct loop_timer *next;
};

struct loop_hook {
    loop_prepare_cb cb;
    void *arg;
};

struct loop {
    struct loop_fd *fds;
    size_t nfds, capfds;
    struct pollfd *pfds;
    size_t cappfds;
    struct loop_timer *timers; /* sorted by deadline, then seq */
    uint64_t timer_seq;
    struct loop_hook *hooks;
    size_t nhooks;
    loop_signal_cb sig_cb[LOOP_MAX_SIGNAL];
    void *sig_arg[LOOP_MAX_SIGNAL];
    bool stopped;
    uint64_t wakeups;
};

/* The self-pipe is process-wide: a signal handler cannot know which loop it belongs to. */
static int sig_pipe[2] = {-1, -1};

int64_t loop_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Async-signal-safe: write the signal number into the self-pipe. */
static void loop_on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    ssize_t n = write(sig_pipe[1], &b, 1);

    (void)n;
    errno = saved;
}

static void set_nonblock_cloexec(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Reads pending signal numbers from the self-pipe and runs their callbacks. */
static void loop_drain_signals(int fd, unsigned events, void *arg)
{
    struct loop *l = arg;
    unsigned char buf[64];
    ssize_t n;

    (void)events;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            int s = buf[i];
            if (s < LOOP_MAX_SIGNAL && l->sig_cb[s] != NULL) {
                l->sig_cb[s](s, l->sig_arg[s]);
            }
        }
    }
}

struct loop *loop_new(void)
{
    struct loop *l = xcalloc(1, sizeof *l);

    if (sig_pipe[0] < 0) {
        if (pipe(sig_pipe) != 0) {
            die(1, "pipe: %s", strerror(errno));
        }
        set_nonblock_cloexec(sig_pipe[0]);
        set_nonblock_cloexec(sig_pipe[1]);
    }
    loop_fd_set(l, sig_pipe[0], LOOP_IN, loop_drain_signals, l);
    return l;
}

void loop_free(struct loop *l)
{
    struct loop_timer *t, *next;

    if (l == NULL) {
        return;
    }
    for (int s = 1; s < LOOP_MAX_SIGNAL; s++) {
        if (l->sig_cb[s] != NULL) {
            signal(s, SIG_DFL);
        }
    }
    for (t = l->timers; t != NULL; t = next) {
        next = t->next;
        free(t);
    }
    free(l->fds);
    free(l->pfds);
    free(l->hooks);
    free(l);
}

void loop_fd_set(struct loop *l, int fd, unsigned events, loop_fd_cb cb, void *arg)
{
    for (size_t i = 0; i < l->nfds; i++) {
        if (l->fds[i].fd != fd) {
            continue;
        }
        if (events == 0) {
            l->fds[i] = l->fds[--l->nfds];
        } else {
            l->fds[i] = (struct loop_fd){fd, events, cb, arg};
        }
        return;
    }
    if (events == 0) {
        return;
    }
    if (l->nfds == l->capfds) {
        l->capfds = l->capfds ? l->capfds * 2 : 16;
        l->fds = xrealloc(l->fds, l->capfds * sizeof *l->fds);
    }
    l->fds[l->nfds++] = (struct loop_fd){fd, events, cb, arg};
}

static struct loop_timer *loop_timer_insert(struct loop *l, int64_t deadline, loop_timer_cb cb,
                                            void *arg)
{
    struct loop_timer *t = xcalloc(1, sizeof *t);
    struct loop_timer **pp = &l->timers;

    t->deadline = deadline;
    t->seq = ++l->timer_seq;
    t->cb = cb;
    t->arg = arg;
    while (*pp != NULL && (*pp)->deadline <= deadline) {
        pp = &(*pp)->next;
    }
    t->next = *pp;
    *pp = t;
    return t;
}

struct loop_timer *loop_timer_add(struct loop *l, int64_t delay_ms, loop_timer_cb cb, void *arg)
{
    return loop_timer_insert(l, loop_now_ms() + (delay_ms > 0 ? delay_ms : 0), cb, arg);
}

struct loop_timer *loop_timer_add_aligned(struct loop *l, int64_t delay_ms, int64_t align_ms,
                                          loop_timer_cb cb, void *arg)
{
    int64_t d = loop_now_ms() + (delay_ms > 0 ? delay_ms : 0);

    if (align_ms > 0) {
        d = (d + align_ms - 1) / align_ms * align_ms;
    }
    return loop_timer_insert(l, d, cb, arg);
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
    for (struct loop_timer **pp = &l->timers; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            free(t);
            return;
        }
    }
}

void loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
    struct sigaction sa;

    if (signo <= 0 || signo >= LOOP_MAX_SIGNAL) {
        return;
    }
    l->sig_cb[signo] = cb;
    l->sig_arg[signo] = arg;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = loop_on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(signo, &sa, NULL);
}

void loop_prepare(struct loop *l, loop_prepare_cb cb, void *arg)
{
    l->hooks = xrealloc(l->hooks, (l->nhooks + 1) * sizeof *l->hooks);
    l->hooks[l->nhooks++] = (struct loop_hook){cb, arg};
}

/* Runs the timers that were due when this pass began; timers added meanwhile wait. */
static int loop_run_timers(struct loop *l)
{
    int64_t now = loop_now_ms();
    uint64_t limit = l->timer_seq;
    int ran = 0;

    for (;;) {
        struct loop_timer **pp = &l->timers;
        struct loop_timer *t;

        while (*pp != NULL && (*pp)->deadline <= now && (*pp)->seq > limit) {
            pp = &(*pp)->next;
        }
        t = *pp;
        if (t == NULL || t->deadline > now) {
            return ran;
        }
        *pp = t->next;
        loop_timer_cb cb = t->cb;
        void *arg = t->arg;
        free(t);
        cb(arg);
        ran++;
    }
}

/* Milliseconds until the earliest timer, -1 if none; capped by max_wait (if >= 0). */
static int loop_timeout(const struct loop *l, int max_wait)
{
    int64_t wait = -1;

    if (l->timers != NULL) {
        wait = l->timers->deadline - loop_now_ms();
        if (wait < 0) {
            wait = 0;
        }
    }
    if (max_wait >= 0 && (wait < 0 || wait > max_wait)) {
        wait = max_wait;
    }
    if (wait > 24 * 3600 * 1000) {
        wait = 24 * 3600 * 1000;
    }
    return (int)wait;
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
    size_t n;
    int ran = 0, rc;

    for (size_t i = 0; i < l->nhooks; i++) {
        l->hooks[i].cb(l->hooks[i].arg);
    }
    if (l->stopped) {
        return 0;
    }
    n = l->nfds;
    if (n > l->cappfds) {
        l->cappfds = n * 2;
        l->pfds = xrealloc(l->pfds, l->cappfds * sizeof *l->pfds);
    }
    for (size_t i = 0; i < n; i++) {
        l->pfds[i].fd = l->fds[i].fd;
        l->pfds[i].events = (short)(((l->fds[i].events & LOOP_IN) ? POLLIN : 0) |
                                    ((l->fds[i].events & LOOP_OUT) ? POLLOUT : 0));
        l->pfds[i].revents = 0;
    }
    rc = poll(l->pfds, n, loop_timeout(l, max_wait_ms));
    l->wakeups++;
    if (rc < 0 && errno != EINTR) {
        die(1, "poll: %s", strerror(errno));
    }
    for (size_t i = 0; rc > 0 && i < n; i++) {
        short re = l->pfds[i].revents;
        unsigned ev = 0;

        if (re == 0) {
            continue;
        }
        ev |= (re & POLLIN) ? LOOP_IN : 0;
        ev |= (re & POLLOUT) ? LOOP_OUT : 0;
        ev |= (re & (POLLERR | POLLHUP | POLLNVAL)) ? LOOP_ERR : 0;
        /* The registration may have changed in an earlier callback of this pass. */
        for (size_t j = 0; j < l->nfds; j++) {
            if (l->fds[j].fd == l->pfds[i].fd) {
                l->fds[j].cb(l->pfds[i].fd, ev, l->fds[j].arg);
                ran++;
                break;
            }
        }
        if (l->stopped) {
            return ran;
        }
    }
    return ran + loop_run_timers(l);
}

void loop_run(struct loop *l)
{
    while (!l->stopped) {
        loop_run_once(l, -1);
    }
}

void loop_stop(struct loop *l)
{
    l->stopped = true;
}

bool loop_stopped(const struct loop *l)
{
    return l->stopped;
}

uint64_t loop_wakeups(const struct loop *l)
{
    return l->wakeups;
}
