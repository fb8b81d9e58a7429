/* Appending audit records as JSON lines. */
#include "core/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    time_t now = time(NULL);
    json_t *j;
    char *line;
    int fd, rc = 0;
    size_t len;

    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    j = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "time", when, "user",
                  e->user, "role", e->role, "tenant", e->tenant, "scope", e->scope, "action",
                  e->action, "target", e->target, "result", e->result);
    line = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    audit_mkdirs(p);
    fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        *err = xasprintf("audit log %s: %s", p, strerror(errno));
        rc = -1;
    } else {
        len = strlen(line);
        line[len] = '\n'; /* json_dumps leaves room: the NUL becomes the newline */
        if (write(fd, line, len + 1) != (ssize_t)(len + 1)) {
            *err = xasprintf("audit log %s: %s", p, strerror(errno));
            rc = -1;
        }
        close(fd);
    }
    free(line);
    free(own);
    return rc;
}
