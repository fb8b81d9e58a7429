/* The optional debug log file. */
#include "core/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static FILE *log_file;

void log_open(const char *path)
{
    int fd;

    if (path == NULL || log_file != NULL) {
        return;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
        log_file = fdopen(fd, "a");
    }
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
    va_list ap;
    struct timespec ts;
    struct tm tm;
    char when[32];

    if (log_file == NULL) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    fprintf(log_file, "%s.%03ld ", when, ts.tv_nsec / 1000000);
    va_start(ap, fmt);
    vfprintf(log_file, fmt, ap);
    va_end(ap);
    fputc('\n', log_file);
    fflush(log_file);
}
