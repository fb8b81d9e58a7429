#include "core/ttypass.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

#include "core/xalloc.h"

static const int ttypass_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP};
#define TTYPASS_NSIG (sizeof ttypass_signals / sizeof ttypass_signals[0])

/* The signal that interrupted the read (0: none). The handler only notes it: pselect()
 * returns EINTR, and the reader puts the terminal back before the signal acts. */
static volatile sig_atomic_t ttypass_got;

static void ttypass_on_signal(int sig)
{
    ttypass_got = sig;
}

static void ttypass_write(int fd, const char *s)
{
    size_t n = strlen(s);

    while (n > 0) {
        ssize_t w = write(fd, s, n);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

void ttypass_say(const char *line)
{
    int fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);

    if (fd >= 0) {
        ttypass_write(fd, line);
        ttypass_write(fd, "\n");
        close(fd);
    }
}

/* Reads one line from fd into buf: 0; 1 at end of input with nothing read; 2 when a signal
 * came; -1 on error. The prompt's signals are blocked except inside pselect(), so one that
 * comes between the check and the wait still ends the wait. */
static int ttypass_line(int fd, char *buf, size_t size, const sigset_t *wait_mask)
{
    size_t n = 0;
    bool any = false;
    fd_set in;
    char c;

    for (;;) {
        ssize_t r;

        if (ttypass_got != 0) {
            return 2;
        }
        FD_ZERO(&in);
        FD_SET(fd, &in);
        if (pselect(fd + 1, &in, NULL, NULL, NULL, wait_mask) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        r = read(fd, &c, 1);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (r < 0) {
            return -1;
        }
        if (r == 0) {
            buf[n] = '\0';
            return any ? 0 : 1;
        }
        any = true;
        if (c == '\n' || c == '\r') {
            buf[n] = '\0';
            return 0;
        }
        if (n + 1 < size) {
            buf[n++] = c;
        }
    }
}

/* One prompt: echo off, a line, the terminal back as it was. Returns as ttypass_line(). */
static int ttypass_once(int fd, const char *prompt, char *buf, size_t size, char **err)
{
    struct sigaction sa, old[TTYPASS_NSIG];
    struct termios saved, quiet;
    sigset_t block, wait_mask;
    int rc;

    if (tcgetattr(fd, &saved) != 0) {
        *err = xasprintf("cannot ask for a password: the terminal: %s", strerror(errno));
        return -1;
    }
    ttypass_got = 0;
    sigemptyset(&block);
    for (size_t i = 0; i < TTYPASS_NSIG; i++) {
        sigaddset(&block, ttypass_signals[i]);
    }
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ttypass_on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < TTYPASS_NSIG; i++) {
        sigaction(ttypass_signals[i], NULL, &old[i]);
        /* a signal ignored (nohup) stays ignored */
        if (old[i].sa_handler != SIG_IGN) {
            sigaction(ttypass_signals[i], &sa, NULL);
        }
    }
    ttypass_write(fd, prompt);
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ECHONL | ICANON;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        *err = xasprintf("cannot turn off echo: %s", strerror(errno));
        rc = -1;
    } else {
        rc = ttypass_line(fd, buf, size, &wait_mask);
        if (rc < 0) {
            *err = xasprintf("cannot read the password: %s", strerror(errno));
        }
    }
    tcsetattr(fd, TCSAFLUSH, &saved);
    if (rc != 0) {
        ttypass_write(fd, "\n");
    }
    for (size_t i = 0; i < TTYPASS_NSIG; i++) {
        sigaction(ttypass_signals[i], &old[i], NULL);
    }
    sigprocmask(SIG_SETMASK, &wait_mask, NULL);
    return rc;
}

int ttypass_read(const char *prompt, char *buf, size_t size, char **err)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), rc;

    buf[0] = '\0';
    if (fd < 0) {
        *err = xasprintf("cannot ask for a password: /dev/tty: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        rc = ttypass_once(fd, prompt, buf, size, err);
        if (rc != 2) {
            break;
        }
        /* The terminal is back as it was: now the signal does what it does (ends the
         * program; Ctrl-Z stops it, and after fg the prompt starts again). */
        memset(buf, 0, size);
        raise(ttypass_got);
        if (ttypass_got != SIGTSTP) {
            *err = xstrdup("interrupted");
            rc = -1;
            break;
        }
    }
    close(fd);
    return rc;
}
