/* Debug log to a file, only when asked for (--log FILE). Never to the terminal while curses
 * runs. Credentials, request bodies, headers and typed text are never logged. */
#ifndef GC_CORE_LOG_H
#define GC_CORE_LOG_H

/* Opens `path` for appending, creating it with mode 0600 (never through a symbolic link).
 * Returns 0 (a NULL path, or a log already open, leaves things as they are), or -1 with *err
 * set to one line naming the path (caller frees) and the log off, when the path is a symbolic
 * link, not a regular file, a file another user owns, a file with other hard links, or
 * cannot be opened. An existing file of the user's readable or writable by others is set to
 * 0600 first. Call it before the terminal is taken, so the message can go to stderr. */
int log_open(const char *path, char **err);
void log_close(void);

/* Appends one line, prefixed with the time, when the log is open. The line is sanitized
 * (core/sanitize.h): what it quotes from the network cannot reach a terminal that shows the
 * file. Never pass it a credential, a header, a request body or text the user typed. */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
