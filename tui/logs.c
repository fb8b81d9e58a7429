/* The log pager (`l`): a followed stream from the source, batched into the pager at most 40
 * times a second, every line sanitized; p previous, t timestamps, c the next part (container)
 * restart the stream. A merged stream (an app's pods) comes in whole lines, each shown after
 * its member's short name in the member's tone, padded so that the texts line up; the
 * source's notes (a member gone, restarted) and the pager's own are dimmed. The title says
 * whether the stream is still followed or has ended. */
#include <langinfo.h>
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

_Static_assert(SOURCE_TONES == PAGER_TONES, "a member's tone is a pager tone");

/* A line waiting for the pager: its mark. */
struct logs_mark {
    unsigned tone;
    size_t prefix;
};

struct logs {
    struct app *a;
    struct pager *pager;
    struct source *src;
    struct source_request *req;
    struct source_stream_opts opts;
    struct source_call *call; /* the stream, NULL once it ended */
    char *buf;                /* bytes of a stream of one thing received, not yet in the pager */
    size_t len, cap;
    char *out;                /* lines of a merged stream and notes, ready for the pager */
    size_t olen, ocap;
    struct logs_mark *marks;  /* one a line of out */
    size_t nmarks, mcap;
    struct loop_timer *flush; /* pending batch */
    bool ended;               /* the stream ended, or a merged one has no member streaming */
    unsigned live, waiting, members, left_out; /* a merged stream's last STATE */
    size_t width;             /* the widest member name so far: the prefixes' width */
};

/* One line of the stream as the pager gets it (caller frees): CR LF ends a line as LF does,
 * a TAB becomes spaces, and every other control character or invalid byte is replaced
 * (core/sanitize.h). */
static char *logs_clean(const char *s, size_t n)
{
    char *line = xmalloc(n * 4 + 1), *clean;
    size_t w = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') {
            memcpy(line + w, "    ", 4);
            w += 4;
        } else if (!(s[i] == '\r' && i + 1 == n)) {
            line[w++] = s[i];
        }
    }
    clean = sanitize_ndup(line, w);
    free(line);
    return clean;
}

/* Adds `text` (one line, without LF) and its mark to the lines ready for the pager; a line
 * that names something outside a scoped session's scope is withheld. */
static void logs_put(struct logs *lg, const char *prefix, size_t plen, const char *text,
                     unsigned tone)
{
    const char *shown = access_redact(lg->a->opts.access, text);
    size_t tlen = strlen(shown);

    if (lg->olen + plen + tlen + 1 > lg->ocap) {
        lg->ocap = (lg->olen + plen + tlen + 1) * 2;
        lg->out = xrealloc(lg->out, lg->ocap);
    }
    memcpy(lg->out + lg->olen, prefix, plen);
    memcpy(lg->out + lg->olen + plen, shown, tlen);
    lg->olen += plen + tlen;
    lg->out[lg->olen++] = '\n';
    if (lg->nmarks == lg->mcap) {
        lg->mcap = lg->mcap > 0 ? lg->mcap * 2 : 64;
        lg->marks = xrealloc(lg->marks, lg->mcap * sizeof *lg->marks);
    }
    lg->marks[lg->nmarks++] = (struct logs_mark){tone, tone == PAGER_TONE_NOTE ? 0 : plen};
}

/* Moves the complete lines of a stream of one thing received (all of them with `all`) into
 * the pager, one append, then the lines of a merged stream and the notes, a run of lines with
 * the same mark an append. */
static void logs_flush(struct logs *lg, bool all)
{
    size_t end = lg->len, o = 0, start = 0;
    char *out;

    while (end > 0 && lg->buf[end - 1] != '\n') {
        end--;
    }
    if (all || (end == 0 && lg->len >= LOGS_LINE_MAX)) {
        end = lg->len;
    }
    if (end > 0) {
        size_t cap = end * 4 + 16;

        out = xmalloc(cap);
        while (start < end) {
            const char *nl = memchr(lg->buf + start, '\n', end - start);
            size_t stop = nl != NULL ? (size_t)(nl - lg->buf) : end;
            char *clean = logs_clean(lg->buf + start, stop - start);
            size_t w = strlen(clean);

            if (o + w + 1 > cap) {
                cap = (o + w + 1) * 2;
                out = xrealloc(out, cap);
            }
            memcpy(out + o, clean, w);
            o += w;
            out[o++] = '\n';
            free(clean);
            start = stop + 1;
        }
        {
            /* A scoped session's lines about others are withheld. */
            size_t rlen = 0;
            char *redacted = access_redact_lines(lg->a->opts.access, out, o, &rlen);

            pager_append(lg->pager, redacted != NULL ? redacted : out,
                         redacted != NULL ? rlen : o);
            free(redacted);
        }
        free(out);
        memmove(lg->buf, lg->buf + end, lg->len - end);
        lg->len -= end;
    }
    for (size_t i = 0, at = 0; i < lg->nmarks;) {
        size_t j = i, from = at;

        while (j < lg->nmarks && lg->marks[j].tone == lg->marks[i].tone &&
               lg->marks[j].prefix == lg->marks[i].prefix) {
            at = (size_t)((char *)memchr(lg->out + at, '\n', lg->olen - at) - lg->out) + 1;
            j++;
        }
        pager_append_marked(lg->pager, lg->out + from, at - from, lg->marks[i].tone,
                            lg->marks[i].prefix);
        i = j;
    }
    lg->olen = 0;
    lg->nmarks = 0;
    lg->a->dirty |= DIRTY_SCREEN;
}

static void logs_note(struct logs *lg, const char *text);
static void logs_stop_stream(struct logs *lg);
static void logs_title(struct logs *lg);

/* Is the object still in the session's scope? When it has left (its namespace relabelled for
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
        lg->olen = 0;
        lg->nmarks = 0;
        lg->ended = true;
        logs_title(lg);
        logs_note(lg, "it left your scope: the log stopped");
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

static void logs_arm(struct logs *lg)
{
    if (lg->flush == NULL) {
        lg->flush = loop_timer_add(lg->a->loop, LOGS_BATCH_MS, logs_flush_fire, lg);
    }
}

/* Whole lines of a member of a merged stream: each after the member's name, padded. */
static void logs_member_lines(struct logs *lg, const struct source_chunk *c)
{
    char *label = sanitize_dup(c->from);
    size_t llen = strlen(label), start = 0;
    char *prefix;

    if (llen > lg->width) {
        lg->width = llen;
    }
    prefix = xasprintf("%-*s ", (int)lg->width, label);
    while (start < c->len) {
        const char *nl = memchr(c->data + start, '\n', c->len - start);
        size_t stop = nl != NULL ? (size_t)(nl - c->data) : c->len;
        char *clean = logs_clean(c->data + start, stop - start);

        logs_put(lg, prefix, strlen(prefix), clean, c->tone);
        free(clean);
        start = stop + 1;
    }
    free(prefix);
    free(label);
}

static void logs_chunk(const struct source_chunk *c, void *arg)
{
    struct logs *lg = arg;

    switch (c->kind) {
    case SOURCE_CHUNK_TEXT:
        if (c->from != NULL) {
            logs_member_lines(lg, c);
            break;
        }
        if (lg->len + c->len > lg->cap) {
            lg->cap = (lg->len + c->len) * 2;
            lg->buf = xrealloc(lg->buf, lg->cap);
        }
        memcpy(lg->buf + lg->len, c->data, c->len);
        lg->len += c->len;
        break;
    case SOURCE_CHUNK_NOTE: {
        char *text = logs_clean(c->data, c->len);
        /* U+2500 where the terminal's character set has it */
        const char *rule = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "\xe2\x94\x80\xe2\x94\x80 "
                                                                      : "-- ";

        logs_put(lg, rule, strlen(rule), text, PAGER_TONE_NOTE);
        free(text);
        break;
    }
    case SOURCE_CHUNK_STATE:
        lg->live = c->live;
        lg->waiting = c->waiting;
        lg->members = c->members;
        lg->left_out = c->left_out;
        lg->ended = c->live == 0 && c->waiting == 0;
        logs_title(lg);
        lg->a->dirty |= DIRTY_SCREEN;
        return;
    }
    logs_arm(lg);
}

/* A line of our own in the log (sanitized like the rest, dimmed), after what came before. */
static void logs_note(struct logs *lg, const char *text)
{
    char *line = sanitize_dup(text), *bracketed = xasprintf("[%s]", line);

    logs_put(lg, "", 0, bracketed, PAGER_TONE_NOTE);
    logs_flush(lg, true);
    free(bracketed);
    free(line);
}

static void logs_done(struct source_reply *reply, void *arg)
{
    struct logs *lg = arg;

    lg->call = NULL;
    lg->ended = true;
    loop_timer_cancel(lg->a->loop, lg->flush);
    lg->flush = NULL;
    logs_flush(lg, true);
    logs_title(lg);
    logs_note(lg, reply->ok                ? "end of log"
                  : reply->error != NULL ? access_redact(lg->a->opts.access, reply->error)
                                         : "failed");
}

/* "following" or "ended", and for a merged stream how many of its members stream, and how
 * many were left out for a cap ("following 2 of 3 pods", "ended (10 pods, 4 left out)"); one
 * whose members have not started yet is "waiting". */
static char *logs_state(const struct logs *lg)
{
    const char *what = lg->req->members;
    char more[64] = "";

    if (what == NULL) {
        return xstrdup(lg->ended ? "ended" : "following");
    }
    if (lg->left_out > 0) {
        snprintf(more, sizeof more, ", %u left out (%u at most)", lg->left_out, lg->members);
    }
    if (lg->ended) {
        return xasprintf("ended (%u %s%s)", lg->members, what, more);
    }
    if (lg->live == 0) {
        return xasprintf("waiting for %u of %u %s%s", lg->waiting, lg->members, what, more);
    }
    return xasprintf("following %u of %u %s%s", lg->live, lg->members, what, more);
}

static void logs_title(struct logs *lg)
{
    const struct source_request *r = lg->req;
    const char *part = lg->opts.part < r->nparts ? r->parts[lg->opts.part] : NULL;
    char *state = logs_state(lg);
    char *title = xasprintf("%s%s%s%s%s  %s  (p previous, t timestamps, c container)", r->title,
                            part != NULL ? "/" : "", part != NULL ? part : "",
                            lg->opts.previous ? "  [previous]" : "",
                            lg->opts.timestamps ? "  [timestamps]" : "", state);

    pager_set_title(lg->pager, title);
    free(title);
    free(state);
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
    lg->olen = 0;
    lg->nmarks = 0;
    lg->ended = false;
    lg->live = lg->waiting = lg->members = lg->left_out = 0;
    pager_set_text(lg->pager, NULL, NULL, 0);
    logs_title(lg);
    lg->call = lg->src->ops->stream(lg->src->state, lg->req, &lg->opts, logs_chunk, logs_done, lg);
    lg->a->dirty |= DIRTY_SCREEN;
}

/* c: the next part. `previous` stays only where the source does not know the new part to
 * have no previous run; when it goes, the log says so. */
static void logs_next_part(struct logs *lg)
{
    const struct source_ops *ops = lg->src->ops;
    bool dropped;

    lg->opts.part = (lg->opts.part + 1) % lg->req->nparts;
    dropped = lg->opts.previous && ops->part_previous != NULL &&
              ops->part_previous(lg->src->state, lg->req, lg->opts.part) == 0;
    if (dropped) {
        lg->opts.previous = false;
    }
    logs_start(lg);
    if (dropped) {
        char *note = xasprintf("%s has no previous run: its current log follows",
                               lg->req->parts[lg->opts.part]);

        logs_note(lg, note);
        free(note);
    }
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
                logs_next_part(lg);
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
    free(lg->out);
    free(lg->marks);
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
    req->access = a->opts.access;
    lg->pager = pager_new(&a->search_hist);
    pager_set_follow(lg->pager, true);
    pager_set_max_lines(lg->pager, LOGS_LINES);
    if (app_mode_push(a, &logs_mode, lg)) {
        logs_start(lg);
    }
}
