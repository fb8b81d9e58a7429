/* The messages view (`:messages`): what the status line said, newest first, whole, with the
 * time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tui/messages.h"
#include "views/view.h"

enum messages_col { MC_TIME, MC_KIND, MC_TEXT, MC_COUNT };

static const struct view_column messages_columns[MC_COUNT] = {
    [MC_TIME] = {"TIME", 8, 0, 0, COL_KEEP_ALWAYS},
    [MC_KIND] = {"KIND", 5, 0, 0, 3},
    [MC_TEXT] = {"MESSAGE", 20, COL_GROW | COL_SHRINK, 0, COL_KEEP_ALWAYS},
};

struct messages_state {
    const struct messages *m; /* borrowed from the console */
    uint64_t version;
    size_t count;
    bool built;
};

static bool messages_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct messages_state *st = v->state;

    return !st->built || st->m != ctx->messages ||
           (ctx->messages != NULL && st->version != ctx->messages->version);
}

static void messages_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct messages_state *st = v->state;

    st->m = ctx->messages;
    st->version = st->m != NULL ? st->m->version : 0;
    st->count = st->m != NULL ? st->m->n : 0;
    st->built = true;
}

static size_t messages_count(const struct view *v)
{
    const struct messages_state *st = v->state;

    return st->count;
}

static enum view_tone messages_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                    size_t col, char *buf, size_t size)
{
    const struct messages_state *st = v->state;
    const struct message *msg = messages_get(st->m, row);
    struct tm tm;
    time_t t = (time_t)msg->when;

    (void)ctx;
    switch ((enum messages_col)col) {
    case MC_TIME:
        localtime_r(&t, &tm);
        strftime(buf, size, "%H:%M:%S", &tm);
        return TONE_DIM;
    case MC_KIND:
        snprintf(buf, size, "%s", msg->error ? "error" : "info");
        return msg->error ? TONE_CRIT : TONE_NORMAL;
    case MC_TEXT:
        snprintf(buf, size, "%s", msg->text);
        return msg->error ? TONE_CRIT : TONE_NORMAL;
    case MC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

/* The newest is row 0 and rows move down as messages come: the key is its age in messages. */
static const char *messages_row_key(const struct view *v, size_t row)
{
    static char key[32];
    const struct messages_state *st = v->state;

    snprintf(key, sizeof key, "%llu", (unsigned long long)(st->version - row));
    return key;
}

static const char *const messages_aliases[] = {"msg", NULL};

const struct view_ops messages_view = {
    .name = "messages",
    .aliases = messages_aliases,
    .title = "messages",
    .columns = messages_columns,
    .ncolumns = MC_COUNT,
    .state_size = sizeof(struct messages_state),
    .stale = messages_stale,
    .rebuild = messages_rebuild,
    .count = messages_count,
    .cell = messages_cell,
    .row_key = messages_row_key,
};
