/* Spawning and stopping govsim for --demo. */
#define _GNU_SOURCE
#include "core/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/loop.h"
#include "core/xalloc.h"

char *demo_find_govsim(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

    if (n > 0) {
        char *slash;

        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash != NULL) {
            char *p;

            *slash = '\0';
            p = xasprintf("%s/govsim", self);
            if (access(p, X_OK) == 0) {
                return p;
            }
            free(p);
        }
    }
    return xstrdup("govsim");
}

/* In the child: die with the parent, quiet stdio, exec govsim. Never returns. */
static void demo_exec_child(const char *govsim, const char *const *argv_extra, int out_fd,
                            pid_t parent)
{
    const char *argv[64];
    int argc = 0;
    int devnull = open("/dev/null", O_RDWR);

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) {
        _exit(1);
    }
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    setpgid(0, 0); /* keep terminal signals (Ctrl-C, Ctrl-Z) for the console */
    argv[argc++] = govsim;
    argv[argc++] = "--port";
    argv[argc++] = "0";
    for (int i = 0; argv_extra != NULL && argv_extra[i] != NULL && argc < 62; i++) {
        argv[argc++] = argv_extra[i];
    }
    argv[argc] = NULL;
    execvp(govsim, (char *const *)argv);
    _exit(127);
}

int demo_start(const char *govsim, const char *const *argv_extra, struct demo *d, char **err)
{
    int fds[2];
    pid_t parent = getpid();
    char buf[256];
    size_t len = 0;
    int64_t deadline = loop_now_ms() + 15000;

    memset(d, 0, sizeof *d);
    if (pipe(fds) != 0) {
        *err = xasprintf("pipe: %s", strerror(errno));
        return -1;
    }
    d->pid = fork();
    if (d->pid < 0) {
        *err = xasprintf("fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (d->pid == 0) {
        close(fds[0]);
        demo_exec_child(govsim, argv_extra, fds[1], parent);
    }
    close(fds[1]);
    for (;;) {
        struct pollfd p = {fds[0], POLLIN, 0};
        int64_t left = deadline - loop_now_ms();
        ssize_t n;
        char *nl, *at;

        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            *err = xasprintf("%s did not start listening within 15 s", govsim);
            break;
        }
        n = read(fds[0], buf + len, sizeof buf - 1 - len);
        if (n <= 0) {
            *err = xasprintf("%s exited before listening (is it built? run make)", govsim);
            break;
        }
        len += (size_t)n;
        buf[len] = '\0';
        nl = strchr(buf, '\n');
        if (nl == NULL) {
            if (len == sizeof buf - 1) {
                len = 0;
            }
            continue;
        }
        *nl = '\0';
        at = strstr(buf, "listening on 127.0.0.1:");
        if (at != NULL) {
            d->port = atoi(at + strlen("listening on 127.0.0.1:"));
            d->server = xasprintf("http://127.0.0.1:%d", d->port);
            close(fds[0]); /* govsim writes nothing more to stdout that we need */
            return 0;
        }
        memmove(buf, nl + 1, len - (size_t)(nl + 1 - buf));
        len -= (size_t)(nl + 1 - buf);
    }
    close(fds[0]);
    demo_stop(d);
    return -1;
}

void demo_datasets(struct gc_config *cfg)
{
    static const struct {
        const char *name;
        int64_t cadence_ms;
        const char *owner;
    } sets[] = {
        {"t.dmi.forecast", 4 * 3600 * 1000LL, "DMI forecast team"},
        {"/tenants/dmi/*_index", 4 * 3600 * 1000LL, "DMI forecast team"},
        {"/tenants/dmi/observations", 60 * 1000LL, "DMI observations team"},
        {"t.registry.orgs", 24 * 3600 * 1000LL, "Registry data team"},
        {"/tenants/registry/*", 24 * 3600 * 1000LL, "Registry data team"},
    };
    size_t n = sizeof sets / sizeof sets[0];

    if (cfg->ndatasets > 0) {
        return; /* the user's expectations, not the demo's */
    }
    cfg->datasets = xcalloc(n, sizeof *cfg->datasets);
    for (size_t i = 0; i < n; i++) {
        cfg->datasets[i].name = xstrdup(sets[i].name);
        cfg->datasets[i].cadence_ms = sets[i].cadence_ms;
        cfg->datasets[i].owner = xstrdup(sets[i].owner);
    }
    cfg->ndatasets = n;
}

void demo_stop(struct demo *d)
{
    if (d->pid > 0) {
        int status;
        int64_t deadline = loop_now_ms() + 2000;

        kill(d->pid, SIGTERM);
        while (waitpid(d->pid, &status, WNOHANG) == 0) {
            struct timespec ts = {0, 10 * 1000 * 1000};

            if (loop_now_ms() > deadline) {
                kill(d->pid, SIGKILL);
                waitpid(d->pid, &status, 0);
                break;
            }
            nanosleep(&ts, NULL);
        }
        d->pid = 0;
    }
    free(d->server);
    d->server = NULL;
}
