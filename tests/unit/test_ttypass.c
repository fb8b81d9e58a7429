/* core/ttypass: the --login password prompt on a pseudo-terminal. A child process makes the
 * pty its controlling terminal and calls ttypass_read(); the parent plays the keyboard on the
 * master side. The password is read and never echoed; echo is back on afterwards; Ctrl-D is
 * end of input; a Ctrl-C ends the child by SIGINT with echo back on; after a Ctrl-Z the
 * prompt starts again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/ttypass.h"

struct pty_child {
    int master;
    int report; /* the child's result: "rc|echo|password" */
    pid_t pid;
    char out[4096]; /* what the terminal showed */
    size_t nout;
};

/* The child: the pty as controlling terminal, one prompt, its outcome on fd `to`. */
static void child_run(const char *slave_name, int to)
{
    char buf[64], line[128], *err = NULL;
    struct termios t;
    int fd, rc;

    setsid();
    fd = open(slave_name, O_RDWR); /* the first terminal a session leader opens: its own */
    if (fd < 0) {
        _exit(90);
    }
    rc = ttypass_read("Password: ", buf, sizeof buf, &err);
    tcgetattr(fd, &t);
    snprintf(line, sizeof line, "%d|%d|%s", rc, (t.c_lflag & ECHO) != 0, buf);
    if (write(to, line, strlen(line)) < 0) {
        _exit(91);
    }
    _exit(0);
}

static void start(struct pty_child *c)
{
    int p[2];

    memset(c, 0, sizeof *c);
    c->master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(c->master >= 0);
    assert_int_equal(grantpt(c->master), 0);
    assert_int_equal(unlockpt(c->master), 0);
    assert_int_equal(pipe(p), 0);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        close(p[0]);
        child_run(ptsname(c->master), p[1]);
    }
    close(p[1]);
    c->report = p[0];
}

/* Reads what the terminal shows for up to ms milliseconds (less once `until` is seen). */
static void drain(struct pty_child *c, int ms, const char *until)
{
    struct pollfd pfd = {c->master, POLLIN, 0};

    while (poll(&pfd, 1, ms) > 0 && c->nout + 1 < sizeof c->out) {
        ssize_t n = read(c->master, c->out + c->nout, sizeof c->out - 1 - c->nout);

        if (n <= 0) {
            break;
        }
        c->nout += (size_t)n;
        c->out[c->nout] = '\0';
        if (until != NULL && strstr(c->out, until) != NULL) {
            break;
        }
    }
}

/* Waits (up to 5 s) until the terminal's echo is off, as the prompt sets it. */
static void wait_echo_off(struct pty_child *c)
{
    struct termios t;

    for (int i = 0; i < 500; i++) {
        assert_int_equal(tcgetattr(c->master, &t), 0);
        if ((t.c_lflag & ECHO) == 0) {
            return;
        }
        usleep(10000);
    }
    fail_msg("the prompt never turned echo off");
}

/* A child at its prompt, echo off. */
static void start_prompted(struct pty_child *c)
{
    start(c);
    drain(c, 5000, "Password: ");
    assert_non_null(strstr(c->out, "Password: "));
    wait_echo_off(c);
}

static void type(struct pty_child *c, const char *s)
{
    assert_int_equal(write(c->master, s, strlen(s)), (ssize_t)strlen(s));
}

/* The child's report, and its wait status. */
static int finish(struct pty_child *c, char *report, size_t size)
{
    ssize_t n = 0, r;
    int status = 0;

    while ((r = read(c->report, report + n, size - 1 - (size_t)n)) > 0) {
        n += r;
    }
    report[n < 0 ? 0 : n] = '\0';
    drain(c, 50, NULL);
    assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
    close(c->report);
    close(c->master);
    return status;
}

static void test_password_read_without_echo(void **state)
{
    struct pty_child c;
    char report[256];
    int status;

    (void)state;
    start_prompted(&c);
    type(&c, "s3cret-Pw\n");
    status = finish(&c, report, sizeof report);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(report, "0|1|s3cret-Pw"); /* read; echo back on */
    assert_null(strstr(c.out, "s3cret"));         /* never shown */
}

static void test_end_of_input(void **state)
{
    struct pty_child c;
    char report[256];
    int status;

    (void)state;
    start_prompted(&c);
    type(&c, "\x04");
    status = finish(&c, report, sizeof report);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(report, "1|1|");
}

static void test_ctrl_c_restores_echo(void **state)
{
    struct pty_child c;
    struct termios t;
    char report[256];
    int status;

    (void)state;
    start_prompted(&c);
    type(&c, "half");
    type(&c, "\x03");
    /* echo is back on (the child puts it back before the signal ends it) */
    for (int i = 0; i < 500; i++) {
        assert_int_equal(tcgetattr(c.master, &t), 0);
        if ((t.c_lflag & ECHO) != 0) {
            break;
        }
        usleep(10000);
    }
    assert_true((t.c_lflag & ECHO) != 0);
    status = finish(&c, report, sizeof report);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGINT);
    assert_string_equal(report, "");
    assert_null(strstr(c.out, "half"));
}

/* Ctrl-Z: the terminal is put back and the signal acts; the child's process group is
 * orphaned (it leads its own session), so the kernel does not stop it, and the prompt starts
 * again, echo off again. */
static void test_ctrl_z_prompts_again(void **state)
{
    struct pty_child c;
    char report[256];
    const char *first;
    int status;

    (void)state;
    start_prompted(&c);
    type(&c, "abc\x1a");
    first = strstr(c.out, "Password: ");
    assert_non_null(first);
    for (int i = 0; i < 50 && strstr(first + 1, "Password: ") == NULL; i++) {
        drain(&c, 100, NULL);
        first = strstr(c.out, "Password: ");
    }
    assert_non_null(strstr(first + 1, "Password: "));
    wait_echo_off(&c);
    type(&c, "after-stop\n");
    status = finish(&c, report, sizeof report);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(report, "0|1|after-stop"); /* what came before Ctrl-Z is gone */
    assert_null(strstr(c.out, "after-stop"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_read_without_echo),
        cmocka_unit_test(test_end_of_input),
        cmocka_unit_test(test_ctrl_c_restores_echo),
        cmocka_unit_test(test_ctrl_z_prompts_again),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
