#include "core/ttypass.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/xalloc.h"

static const int ttypass_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP};
#define TTYPASS_NSIG (sizeof ttypass_signals / sizeof ttypass_signals[0])

/* What a signal handler needs to put the terminal back. */
static volatile sig_atomic_t ttypass_active;
static int ttypass_fd = -1;
static struct termios ttypass_saved;
static struct sigaction ttypass_old[TTYPASS_NSIG];

static void ttypass_restore(void)
{
    if (ttypass_active) {
        tcsetattr(ttypass_fd, TCSAFLUSH, &ttypass_saved);
        ttypass_active = 0;
    }
}

/* Restores the terminal, then lets the signal do what it would have done. */
static void ttypass_on_signal(int sig)
{
    ttypass_restore();
    for (size_t i = 0; i < TTYPASS_NSIG; i++) {
        if (ttypass_signals[i] == sig) {
            sigaction(sig, &ttypass_old[i], NULL);
        }
    }
    raise(sig);
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

/* Reads one line from fd into buf; 0, 1 at end of input with nothing read, -1 on error. */
static int ttypass_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    bool any = false;
    char c;

    for (;;) {
        ssize_t r = read(fd, &c, 1);

        if (r < 0 && errno == EINTR) {
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

int ttypass_read(const char *prompt, char *buf, size_t size, char **err)
{
    struct termios quiet;
    struct sigaction sa;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), rc;

    buf[0] = '\0';
    if (fd < 0) {
        *err = xasprintf("cannot ask for a password: /dev/tty: %s", strerror(errno));
        return -1;
    }
    if (tcgetattr(fd, &ttypass_saved) != 0) {
        *err = xasprintf("cannot ask for a password: the terminal: %s", strerror(errno));
        close(fd);
        return -1;
    }
    ttypass_fd = fd;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ttypass_on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < TTYPASS_NSIG; i++) {
        sigaction(ttypass_signals[i], NULL, &ttypass_old[i]);
        /* a signal ignored (nohup) stays ignored: it cannot leave the terminal quiet */
        if (ttypass_old[i].sa_handler != SIG_IGN) {
            sigaction(ttypass_signals[i], &sa, NULL);
        }
    }
    ttypass_write(fd, prompt);
    quiet = ttypass_saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ECHONL | ICANON;
    ttypass_active = 1;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        ttypass_active = 0;
        *err = xasprintf("cannot turn off echo: %s", strerror(errno));
        rc = -1;
    } else {
        rc = ttypass_line(fd, buf, size);
        if (rc < 0) {
            *err = xasprintf("cannot read the password: %s", strerror(errno));
        }
    }
    ttypass_restore();
    for (size_t i = 0; i < TTYPASS_NSIG; i++) {
        sigaction(ttypass_signals[i], &ttypass_old[i], NULL);
    }
    if (rc == 1) {
        ttypass_write(fd, "\n");
    }
    close(fd);
    ttypass_fd = -1;
    return rc;
}
