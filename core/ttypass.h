/* A password typed on the terminal (/dev/tty), never echoed: `--login NAME` asks for the
 * directory password this way before the console takes the screen. */
#ifndef GC_CORE_TTYPASS_H
#define GC_CORE_TTYPASS_H

#include <stddef.h>

/* Opens /dev/tty, writes `prompt`, turns echo off (newline still echoed), reads one line into
 * buf (at most size-1 bytes kept, the rest of a longer line read and dropped; no newline),
 * and restores the terminal as it was, on every path: return, error, and the signals that
 * end or stop a process from the keyboard or a hang-up (SIGINT, SIGQUIT, SIGTERM, SIGHUP,
 * SIGTSTP): the terminal is put back first, then the signal acts as it would have (a Ctrl-C
 * exits 130 with echo on; after Ctrl-Z and fg the prompt starts again). A signal the process
 * ignores stays ignored. Returns 0; 1 at end of input (Ctrl-D) with nothing typed; -1 with
 * *err (caller frees) when there is no terminal, it cannot be read, or a signal the process
 * handles came. The caller wipes buf after use. Not thread-safe (signal dispositions). */
int ttypass_read(const char *prompt, char *buf, size_t size, char **err);

/* Writes a line of text to /dev/tty (a refusal between tries). Ignores failures. */
void ttypass_say(const char *line);

#endif
