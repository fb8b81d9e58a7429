/* --demo: the built-in simulator (govsim) as a child process on a free loopback port.
 * The child gets PR_SET_PDEATHSIG, so it also stops when the console crashes or is killed. */
#ifndef GC_CORE_DEMO_H
#define GC_CORE_DEMO_H

#include <sys/types.h>

struct gc_config;

struct demo {
    pid_t pid;
    int port;
    char *server; /* http://127.0.0.1:PORT, owned */
};

/* The govsim next to the running executable (/proc/self/exe), else "govsim" from PATH.
 * Caller frees. */
char *demo_find_govsim(void);

/* Starts `govsim --port 0 ARGS...` and waits (at most 15 s, before the UI starts) for its
 * "listening on 127.0.0.1:PORT" line. argv_extra is NULL-terminated (may be NULL).
 * Returns 0 and fills *d, or -1 with *err (caller frees). */
int demo_start(const char *govsim, const char *const *argv_extra, struct demo *d, char **err);

/* The demo world's [dataset] sections, when the configuration has none: the cadences govsim's
 * MapR data is written at (dmi's forecast dump every 4 h and its index with it, the
 * observation stream every second, registry's data daily), so that the datasets view gives
 * verdicts: fresh ones, and registry's legacy table, no longer fed, overdue. */
void demo_datasets(struct gc_config *cfg);

/* Sends SIGTERM, waits up to 2 s, then SIGKILL; frees d's strings. Safe to call twice. */
void demo_stop(struct demo *d);

#endif
