/* Lines of several streams merged, each member named short and coloured. */
#include "core/logmux.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "core/xalloc.h"

struct logmux_member {
    struct logmux *m;
    struct logmux_member *prev, *next;
    char *name;
    const char *label; /* a tail of name */
    unsigned tone;
    char *buf; /* the unfinished line */
    size_t len, cap;
};

struct logmux {
    source_chunk_fn emit;
    void *arg;
    struct logmux_member *first;
    size_t count;
    bool state_sent;
    unsigned live, waiting, members, left_out;
};

struct logmux *logmux_new(source_chunk_fn emit, void *arg)
{
    struct logmux *m = xcalloc(1, sizeof *m);

    m->emit = emit;
    m->arg = arg;
    return m;
}

static void logmux_member_free(struct logmux_member *mb)
{
    struct logmux *m = mb->m;

    if (mb->prev != NULL) {
        mb->prev->next = mb->next;
    } else {
        m->first = mb->next;
    }
    if (mb->next != NULL) {
        mb->next->prev = mb->prev;
    }
    m->count--;
    free(mb->name);
    free(mb->buf);
    free(mb);
}

void logmux_free(struct logmux *m)
{
    if (m == NULL) {
        return;
    }
    while (m->first != NULL) {
        logmux_member_free(m->first);
    }
    free(m);
}

/* True if another member's short name is `label`. */
static bool logmux_label_taken(const struct logmux *m, const char *label)
{
    for (const struct logmux_member *o = m->first; o != NULL; o = o->next) {
        if (strcmp(o->label, label) == 0) {
            return true;
        }
    }
    return false;
}

/* The shortest tail of `name` in whole segments that no member has as its short name. */
static const char *logmux_pick_label(const struct logmux *m, const char *name)
{
    const char *at = name + strlen(name);

    while (at > name) {
        at--;
        while (at > name && at[-1] != '-') {
            at--;
        }
        if (*at != '\0' && !logmux_label_taken(m, at)) {
            return at;
        }
        if (at > name) {
            at--; /* past the '-' */
        }
    }
    return name;
}

/* The name's colour, or the next one no member has when that one is taken. */
static unsigned logmux_pick_tone(const struct logmux *m, const char *name)
{
    unsigned start = (unsigned)(store_hash(name) % SOURCE_TONES);

    for (unsigned i = 0; i < SOURCE_TONES; i++) {
        unsigned t = (start + i) % SOURCE_TONES + 1;
        bool taken = false;

        for (const struct logmux_member *o = m->first; o != NULL && !taken; o = o->next) {
            taken = o->tone == t;
        }
        if (!taken) {
            return t;
        }
    }
    return start + 1;
}

struct logmux_member *logmux_add(struct logmux *m, const char *name)
{
    struct logmux_member *mb = xcalloc(1, sizeof *mb);

    mb->m = m;
    mb->name = xstrdup(name != NULL && name[0] != '\0' ? name : "?");
    mb->label = logmux_pick_label(m, mb->name);
    mb->tone = logmux_pick_tone(m, mb->name);
    mb->next = m->first;
    if (m->first != NULL) {
        m->first->prev = mb;
    }
    m->first = mb;
    m->count++;
    return mb;
}

void logmux_remove(struct logmux_member *mb)
{
    if (mb == NULL) {
        return;
    }
    logmux_flush(mb);
    logmux_member_free(mb);
}

/* One TEXT chunk of the member's: whole lines. */
static void logmux_emit_text(const struct logmux_member *mb, const char *data, size_t len)
{
    struct source_chunk c = {
        .kind = SOURCE_CHUNK_TEXT,
        .data = data,
        .len = len,
        .from = mb->label,
        .tone = mb->tone,
    };

    mb->m->emit(&c, mb->m->arg);
}

static void logmux_keep(struct logmux_member *mb, const char *data, size_t len)
{
    if (mb->len + len > mb->cap) {
        mb->cap = (mb->len + len) * 2;
        mb->buf = xrealloc(mb->buf, mb->cap);
    }
    memcpy(mb->buf + mb->len, data, len);
    mb->len += len;
}

void logmux_feed(struct logmux_member *mb, const char *data, size_t len)
{
    size_t end = len;

    while (end > 0 && data[end - 1] != '\n') {
        end--;
    }
    if (end == 0) {
        logmux_keep(mb, data, len);
        if (mb->len >= LOGMUX_LINE_MAX) {
            logmux_flush(mb);
        }
        return;
    }
    if (mb->len > 0) {
        logmux_keep(mb, data, end);
        logmux_emit_text(mb, mb->buf, mb->len);
        mb->len = 0;
    } else {
        logmux_emit_text(mb, data, end);
    }
    if (end < len) {
        logmux_feed(mb, data + end, len - end);
    }
}

void logmux_flush(struct logmux_member *mb)
{
    if (mb->len == 0) {
        return;
    }
    logmux_keep(mb, "\n", 1);
    logmux_emit_text(mb, mb->buf, mb->len);
    mb->len = 0;
}

void logmux_note(struct logmux *m, const struct logmux_member *mb, const char *text)
{
    struct source_chunk c = {
        .kind = SOURCE_CHUNK_NOTE,
        .data = text,
        .len = strlen(text),
        .from = mb != NULL ? mb->label : NULL,
        .tone = mb != NULL ? mb->tone : 0,
    };

    m->emit(&c, m->arg);
}

void logmux_state(struct logmux *m, unsigned live, unsigned waiting, unsigned members,
                  unsigned left_out)
{
    struct source_chunk c = {
        .kind = SOURCE_CHUNK_STATE,
        .live = live,
        .waiting = waiting,
        .members = members,
        .left_out = left_out,
    };

    if (m->state_sent && m->live == live && m->waiting == waiting && m->members == members &&
        m->left_out == left_out) {
        return;
    }
    m->state_sent = true;
    m->live = live;
    m->waiting = waiting;
    m->members = members;
    m->left_out = left_out;
    m->emit(&c, m->arg);
}

const char *logmux_label(const struct logmux_member *mb)
{
    return mb->label;
}

unsigned logmux_tone(const struct logmux_member *mb)
{
    return mb->tone;
}

size_t logmux_count(const struct logmux *m)
{
    return m->count;
}
