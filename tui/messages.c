/* The ring of the status line's messages. */
#include "tui/messages.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void messages_add(struct messages *m, bool error, const char *text, int64_t when)
{
    struct message *slot = &m->items[m->next];

    free(slot->text);
    slot->text = xstrdup(text);
    slot->error = error;
    slot->when = when;
    m->next = (m->next + 1) % MESSAGES_MAX;
    if (m->n < MESSAGES_MAX) {
        m->n++;
    }
    m->version++;
}

const struct message *messages_get(const struct messages *m, size_t i)
{
    return &m->items[(m->next + MESSAGES_MAX - 1 - i) % MESSAGES_MAX];
}

void messages_fini(struct messages *m)
{
    for (size_t i = 0; i < MESSAGES_MAX; i++) {
        free(m->items[i].text);
    }
    memset(m, 0, sizeof *m);
}
