/* The optional debug log file. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

static FILE *log_file;

static const char log_not_regular[] = "refusing what is not a regular file";

/* Sets *err to "--log PATH: why" (sanitized: PATH comes from the command line); returns -1. */
static int log_refuse(const char *path, const char *why, char **err)
{
    *err = sanitize_inplace(xasprintf("--log %s: %s", path, why));
    return -1;
}

/* Why the file open on fd may not hold the log, or NULL; fixes its mode if only that is
 * wrong. */
static const char *log_check(int fd, char *buf, size_t size)
{
    struct stat st;

    if (fstat(fd, &st) != 0) {
        return strerror_r(errno, buf, size) == 0 ? buf : "cannot stat";
    }
    if (!S_ISREG(st.st_mode)) {
        return log_not_regular;
    }
    if (st.st_uid != geteuid()) {
        snprintf(buf, size, "refusing a file owned by uid %lu (this user is uid %lu)",
                 (unsigned long)st.st_uid, (unsigned long)geteuid());
        return buf;
    }
    if (st.st_nlink > 1) {
        return "refusing a file with other hard links";
    }
    if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
        snprintf(buf, size, "cannot set mode 0600: %s", strerror(errno));
        return buf;
    }
    return NULL;
}

int log_open(const char *path, char **err)
{
    char buf[160];
    const char *why;
    struct stat st;
    int fd;

    *err = NULL;
    if (path == NULL || log_file != NULL) {
        return 0;
    }
    /* O_NONBLOCK: a FIFO without a reader fails at once instead of hanging here. */
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
              0600);
    if (fd < 0) {
        int e = errno;

        if (e == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
            return log_refuse(path, "refusing a symbolic link", err);
        }
        if (e == ENXIO || e == EISDIR) {
            return log_refuse(path, log_not_regular, err);
        }
        return log_refuse(path, strerror_r(e, buf, sizeof buf) == 0 ? buf : "cannot open", err);
    }
    why = log_check(fd, buf, sizeof buf);
    if (why == NULL && (log_file = fdopen(fd, "a")) == NULL) {
        why = strerror(errno);
    }
    if (why != NULL) {
        close(fd);
        return log_refuse(path, why, err);
    }
    return 0;
}

void log_close(void)
{
    if (log_file != NULL) {
        fclose(log_file);
        log_file = NULL;
    }
}

void log_msg(const char *fmt, ...)
{
    va_list ap, ap2;
    struct timespec ts;
    struct tm tm;
    char when[32], *line;
    int n;

    if (log_file == NULL) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    line = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(line, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    fprintf(log_file, "%s.%03ld %s\n", when, ts.tv_nsec / 1000000, sanitize_inplace(line));
    fflush(log_file);
    free(line);
}
