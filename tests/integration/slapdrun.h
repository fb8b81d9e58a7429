/* For cmocka tests that need a directory: run the test binary under the private slapd of
 * tests/integration/slapd.bash. main() calls slapdrun_reexec() first; when SLAPD_URI is not
 * set, it replaces the process with `bash -c 'source slapd.bash && slapd_run BINARY'`, which
 * starts slapd, runs the binary again with the SLAPD_* variables set, stops slapd and exits
 * with the binary's status (1, with slapd's reasons on stderr, when slapd cannot start: the
 * test then fails without running, never skips). tests/run.sh sets GC_ROOT; by hand, run the
 * binary from the repository root. Include after <cmocka.h>. */
#ifndef GC_TESTS_SLAPDRUN_H
#define GC_TESTS_SLAPDRUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/xalloc.h"

/* Returns 0 when the caller should run its tests (slapd is up, or the harness already ran
 * and setup will say what is missing); -1 when the harness could not be started. With tls,
 * slapd also speaks TLS (SLAPD_TLS=1). Ignores SIGPIPE, as govconsole's main() does (the
 * probe's contract). */
static inline int slapdrun_reexec(char **argv, bool tls)
{
    const char *root = getenv("GC_ROOT");
    char *script;

    signal(SIGPIPE, SIG_IGN);
    if (getenv("SLAPD_URI") != NULL || getenv("GC_SLAPD_WRAPPED") != NULL) {
        return 0;
    }
    script = xasprintf("%s/tests/integration/slapd.bash", root != NULL ? root : ".");
    setenv("GC_SLAPD_WRAPPED", "1", 1);
    setenv("SLAPD_TLS", tls ? "1" : "0", 1);
    fflush(stdout);
    execlp("bash", "bash", "-c", "source \"$0\" && slapd_run \"$@\"", script, argv[0],
           (char *)NULL);
    fprintf(stderr, "%s: cannot run bash for %s\n", argv[0], script);
    free(script);
    return -1;
}

/* A variable the harness exports; fails the calling test (or group setup) when unset. */
static inline const char *slapdrun_env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || v[0] == '\0') {
        fail_msg("%s is not set: run under tests/integration/slapd.bash (slapd_run)", name);
    }
    return v;
}

#endif
