/* Debug log to a file, only when asked for (-v / GOVCONSOLE_LOG). Never to the terminal
 * while curses runs. Credentials are never logged. */
#ifndef GC_CORE_LOG_H
#define GC_CORE_LOG_H

/* Opens (appends to) path, mode 0600. NULL or failure leaves logging off. */
void log_open(const char *path);
void log_close(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
