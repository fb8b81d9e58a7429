/* The messages the status line showed, newest last, for `:messages`: a message longer than
 * the status line can be read whole there. A ring of the last MESSAGES_MAX. */
#ifndef GC_TUI_MESSAGES_H
#define GC_TUI_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MESSAGES_MAX 100

struct message {
    int64_t when; /* wall clock, epoch seconds */
    bool error;
    char *text;   /* owned, as shown (sanitized by whoever made it) */
};

struct messages {
    struct message items[MESSAGES_MAX];
    size_t n, next;   /* how many, and where the next goes */
    uint64_t version; /* bumped at every message */
};

void messages_add(struct messages *m, bool error, const char *text, int64_t when);
/* The i-th message, newest first (i < m->n). Borrowed until the next messages_add(). */
const struct message *messages_get(const struct messages *m, size_t i);
void messages_fini(struct messages *m);

#endif
