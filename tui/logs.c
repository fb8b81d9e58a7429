/* The log pager (`l`): a followed stream from the source, batched into the pager at most 40
 * times a second, every line sanitized; p previous, t timestamps, c the next part (container)
 * restart the stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/pager.h"

#define LOGS_LINES 100000  /* a followed log keeps the newest lines (~20 MB) */
#define LOGS_BATCH_MS 25   /* bytes reach the pager in batches, at most 40 a second */
#define LOGS_LINE_MAX 65536 /* a longer line without LF is shown in pieces */

struct logs {
    struct app *a;
    struct pager *pager;
    struct source *src;
    struct source_request *req;
    struct source_stream_opts opts;
    struct source_call *call; /* the stream, NULL once it ended */
    char *buf;                /* bytes received, not yet in the pager */
    size_t len, cap;
    struct loop_timer *flush; /* pending batch */
};

/* Moves the complete lines received (all of them with `all`) into the pager, one append:
 * CR LF ends a line as LF does, a TAB becomes spaces, and every other control character or
 * invalid byte is replaced (core/sanitize.h) before the pager sees it. */
static void logs_flush(struct logs *lg, bool all)
{
    size_t end = lg->len, o = 0, cap, start = 0;
    char *out;

    while (end > 0 && lg->buf[end - 1] != '\n') {
        end--;
    }
    if (all || (end == 0 && lg->len >= LOGS_LINE_MAX)) {
        end = lg->len;
    }
    if (end == 0) {
        return;
    }
    cap = end * 4 + 16;
    out = xmalloc(cap);
    while (start < end) {
        const char *nl = memchr(lg->buf + start, '\n', end - start);
        size_t stop = nl != NULL ? (size_t)(nl - lg->buf) : end;
        size_t l = stop - start, w = 0;
        char *line = xmalloc(l * 4 + 1), *clean;

        for (size_t i = start; i < stop; i++) {
            char ch = lg->buf[i];

            if (ch == '\t') {
                memcpy(line + w, "    ", 4);
                w += 4;
            } else if (!(ch == '\r' && i + 1 == stop)) {
                line[w++] = ch;
            }
        }
        clean = sanitize_ndup(line, w);
        w = strlen(clean);
        if (o + w + 1 > cap) {
            cap = (o + w + 1) * 2;
            out = xrealloc(out, cap);
        }
        memcpy(out + o, clean, w);
        o += w;
        out[o++] = '\n';
        free(clean);
        free(line);
        start = stop + 1;
    }
    {
        /* A scoped session's lines about others are withheld. */
        size_t rlen = 0;
        char *redacted = access_redact_lines(lg->a->opts.access, out, o, &rlen);

        pager_append(lg->pager, redacted != NULL ? redacted : out, redacted != NULL ? rlen : o);
        free(redacted);
    }
    free(out);
    memmove(lg->buf, lg->buf + end, lg->len - end);
    lg->len -= end;
    lg->a->dirty |= DIRTY_SCREEN;
}

static void logs_note(struct logs *lg, const char *text);
static void logs_stop_stream(struct logs *lg);

/* Is the pod still in the session's scope? When it has left (its namespace relabelled for
 * another tenant), the stream stops and says so. */
static bool logs_in_scope(struct logs *lg)
{
    char why[256];
    const char *tenant = lg->src->ops->tenant_of != NULL
                             ? lg->src->ops->tenant_of(lg->src->state, lg->req)
                             : lg->req->tenant;

    if (access_check(lg->a->opts.access, ACCESS_LOGS, tenant, why, sizeof why) == 0) {
        return true;
    }
    if (lg->call != NULL) {
        logs_stop_stream(lg);
        lg->len = 0;
        logs_note(lg, "the pod left your scope: the log stopped");
    }
    return false;
}

static void logs_flush_fire(void *arg)
{
    struct logs *lg = arg;

    lg->flush = NULL;
    if (logs_in_scope(lg)) {
        logs_flush(lg, false);
    }
}

static void logs_data(const char *data, size_t len, void *arg)
{
    struct logs *lg = arg;

    if (lg->len + len > lg->cap) {
        lg->cap = (lg->len + len) * 2;
        lg->buf = xrealloc(lg->buf, lg->cap);
    }
    memcpy(lg->buf + lg->len, data, len);
    lg->len += len;
    if (lg->flush == NULL) {
        lg->flush = loop_timer_add(lg->a->loop, LOGS_BATCH_MS, logs_flush_fire, lg);
    }
}

/* A line of our own in the log (sanitized like the rest). */
static void logs_note(struct logs *lg, const char *text)
{
    char *line = sanitize_dup(text);

    pager_append(lg->pager, "[", 1);
    pager_append(lg->pager, line, strlen(line));
    pager_append(lg->pager, "]\n", 2);
    free(line);
    lg->a->dirty |= DIRTY_SCREEN;
}

static void logs_done(struct source_reply *reply, void *arg)
{
    struct logs *lg = arg;

    lg->call = NULL;
    loop_timer_cancel(lg->a->loop, lg->flush);
    lg->flush = NULL;
    logs_flush(lg, true);
    logs_note(lg, reply->ok                ? "end of log"
                  : reply->error != NULL ? access_redact(lg->a->opts.access, reply->error)
                                         : "failed");
}

static void logs_title(struct logs *lg)
{
    const struct source_request *r = lg->req;
    const char *part = lg->opts.part < r->nparts ? r->parts[lg->opts.part] : NULL;
    char *title = xasprintf("%s%s%s%s%s  (p previous, t timestamps, c container)", r->title,
                            part != NULL ? "/" : "", part != NULL ? part : "",
                            lg->opts.previous ? "  [previous]" : "",
                            lg->opts.timestamps ? "  [timestamps]" : "");

    pager_set_title(lg->pager, title);
    free(title);
}

static void logs_stop_stream(struct logs *lg)
{
    if (lg->call != NULL) {
        lg->src->ops->cancel(lg->src->state, lg->call);
        lg->call = NULL;
    }
    loop_timer_cancel(lg->a->loop, lg->flush);
    lg->flush = NULL;
}

/* (Re)starts the stream with the current part and options, from an empty pager. */
static void logs_start(struct logs *lg)
{
    logs_stop_stream(lg);
    lg->len = 0;
    pager_set_text(lg->pager, NULL, NULL, 0);
    logs_title(lg);
    lg->call = lg->src->ops->stream(lg->src->state, lg->req, &lg->opts, logs_data, logs_done, lg);
    lg->a->dirty |= DIRTY_SCREEN;
}

static void logs_key(struct app *a, void *data, int key)
{
    struct logs *lg = data;

    if (key == 0x0c) {
        a->dirty |= DIRTY_CLEAR;
        return;
    }
    if (key == '?' && !pager_searching(lg->pager)) {
        helpview_open(a);
        return;
    }
    if (!pager_searching(lg->pager) && (key == 'p' || key == 't' || key == 'c') &&
        !logs_in_scope(lg)) {
        return;
    }
    if (!pager_searching(lg->pager)) {
        switch (key) {
        case 'p':
            lg->opts.previous = !lg->opts.previous;
            logs_start(lg);
            return;
        case 't':
            lg->opts.timestamps = !lg->opts.timestamps;
            logs_start(lg);
            return;
        case 'c':
            if (lg->req->nparts >= 2) {
                lg->opts.part = (lg->opts.part + 1) % lg->req->nparts;
                logs_start(lg);
            }
            return;
        default:
            break;
        }
    }
    if (pager_key(lg->pager, key) == PAGER_CLOSE) {
        app_mode_pop(a);
    }
}

static void logs_draw(struct app *a, void *data, int rows, int cols)
{
    struct logs *lg = data;

    (void)a;
    pager_draw(lg->pager, stdscr, 1, 0, rows - 1, cols);
}

static void logs_close(struct app *a, void *data)
{
    struct logs *lg = data;

    (void)a;
    logs_stop_stream(lg);
    pager_free(lg->pager);
    source_request_free(lg->req);
    free(lg->buf);
    free(lg);
}

const struct help_key logs_help_keys[] = {
    {"F", "Follow new lines, or pause where you are"},
    {"p", "The previous run of the container (after a restart), or back"},
    {"t", "Timestamps on every line, or not"},
    {"c", "The next container of the pod"},
    {"Ctrl-L", "Redraw the screen"},
    {NULL, NULL},
};

static const struct mode_ops logs_mode = {
    .name = "logs",
    .help = logs_help_keys,
    .help_title = "log",
    .help_more = pager_help_keys,
    .key = logs_key,
    .draw = logs_draw,
    .close = logs_close,
    .full = true,
};

void logs_open(struct app *a, struct source *src, struct source_request *req)
{
    struct logs *lg = xcalloc(1, sizeof *lg);

    lg->a = a;
    lg->src = src;
    lg->req = req;
    lg->pager = pager_new(&a->search_hist);
    pager_set_follow(lg->pager, true);
    pager_set_max_lines(lg->pager, LOGS_LINES);
    if (app_mode_push(a, &logs_mode, lg)) {
        logs_start(lg);
    }
}
