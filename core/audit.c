/* Appending audit records as JSON lines. */
#include "core/audit.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/backoff.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

char *audit_default_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");

    if (state != NULL && state[0] == '/') {
        return xasprintf("%s/govconsole/audit.log", state);
    }
    return xasprintf("%s/.local/state/govconsole/audit.log", home ? home : ".");
}

char *audit_new_id(char *buf)
{
    uint64_t hi = (uint64_t)backoff_jitter(INT64_MAX - 1);
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    hi ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
    snprintf(buf, 17, "%016llx", (unsigned long long)hi);
    return buf;
}

/* The session's DN (audit_set_dn()); one per process, set before any change. */
static char *audit_dn;

void audit_set_dn(const char *dn)
{
    free(audit_dn);
    audit_dn = dn != NULL ? sanitize_dup(dn) : NULL; /* the directory's text, as every other */
}

/* mkdir -p for the directories above `path`, mode 0700 for the ones it creates. */
static void audit_mkdirs(const char *path)
{
    char *dir = xstrdup(path);

    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    free(dir);
}

int audit_append(const char *path, const struct audit_entry *e, char **err)
{
    char *own = path == NULL ? audit_default_path() : NULL;
    const char *p = path != NULL ? path : own;
    char when[32];
    struct tm tm;
    struct stat st;
    time_t now = time(NULL);
    json_t *j;
    char *line;
    int fd, rc = 0;
    size_t len;
    ssize_t w;

    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    j = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
                  "time", when, "id", e->id, "user", e->user, "dn", audit_dn, "role", e->role,
                  "tenant", e->tenant,
                  "scope", e->scope, "context", e->context, "server", e->server, "action",
                  e->action, "target", e->target, "result", e->result);
    line = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
    json_decref(j);
    audit_mkdirs(p);
    fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0) {
        *err = xasprintf("audit log %s: %s", p,
                         errno == ELOOP ? "a symbolic link: refused" : strerror(errno));
        rc = -1;
    } else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *err = xasprintf("audit log %s: not a regular file", p);
        rc = -1;
    } else if (st.st_uid != geteuid()) {
        *err = xasprintf("audit log %s: owned by uid %u, not by you", p, (unsigned)st.st_uid);
        rc = -1;
    } else if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
        *err = xasprintf("audit log %s: permissions %04o cannot be made 0600: %s", p,
                         (unsigned)(st.st_mode & 07777), strerror(errno));
        rc = -1;
    } else {
        len = strlen(line);
        line[len] = '\n'; /* json_dumps leaves room: the NUL becomes the newline */
        w = write(fd, line, len + 1);
        if (w != (ssize_t)(len + 1)) {
            *err = xasprintf("audit log %s: %s", p, w < 0 ? strerror(errno) : "short write");
            rc = -1;
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    free(line);
    free(own);
    return rc;
}
