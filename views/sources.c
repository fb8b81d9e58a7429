/* The sources view (`:sources`): one row per configured source, with what it talks to and how
 * that goes: state, last success, last error (redacted in a scoped session), requests, bytes,
 * the median latency. Rebuilt when a source's health or counters move. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/http.h"
#include "core/sources.h"
#include "core/xalloc.h"
#include "views/view.h"

enum sources_col { SC_NAME, SC_STATE, SC_URL, SC_LAST_OK, SC_ERROR, SC_REQUESTS, SC_BYTES,
                   SC_MEDIAN, SC_COUNT };

static const struct view_column sources_columns[SC_COUNT] = {
    [SC_NAME] = {"SOURCE", 6, 0, 0, COL_KEEP_ALWAYS},
    [SC_STATE] = {"STATE", 12, COL_NOTRUNC, 0, COL_KEEP_ALWAYS},
    [SC_URL] = {"URL", 12, COL_GROW, 0, 6},
    [SC_LAST_OK] = {"LAST OK", 8, COL_RIGHT, 0, 6},
    [SC_ERROR] = {"LAST ERROR", 24, COL_GROW | COL_SHRINK, 0, 7},
    [SC_REQUESTS] = {"REQUESTS", 8, COL_RIGHT, 0, 3},
    [SC_BYTES] = {"BYTES", 7, COL_RIGHT, 0, 2},
    [SC_MEDIAN] = {"MEDIAN", 6, COL_RIGHT, 0, 5},
};

struct sources_row {
    char name[32];
    char state[128];
    enum view_tone tone;
    char url[256];
    int64_t last_ok;
    char error[256];
    uint64_t requests, bytes;
    double median_ms;
};

struct sources_state {
    struct sources_row *rows;
    size_t count;
    uint64_t version; /* health versions and request counts it was built from */
    bool built;
};

/* What the view depends on: every source's health version and request and byte counts. */
static uint64_t sources_view_version(struct sources *ss)
{
    uint64_t v = 0;

    for (size_t i = 0; ss != NULL && i < sources_count(ss); i++) {
        struct source *src = sources_at(ss, i);
        const struct http_stats *st = src->ops->stats != NULL ? src->ops->stats(src->state)
                                                              : NULL;

        v = view_mix(v, src->ops->health(src->state)->version);
        v = view_mix(v, st != NULL ? st->requests + st->bytes : 0);
    }
    return v;
}

static bool sources_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct sources_state *st = v->state;

    return !st->built || st->version != sources_view_version(ctx->sources);
}

static enum view_tone sources_tone(const struct source_health *h)
{
    if (h->stale_since != 0) {
        return TONE_WARN;
    }
    switch (h->state) {
    case SOURCE_OK:
        return TONE_OK;
    case SOURCE_RETRYING:
        return TONE_CRIT;
    case SOURCE_CONNECTING:
    case SOURCE_LOADING:
        return TONE_PENDING;
    case SOURCE_IDLE:
        break;
    }
    return TONE_DIM;
}

static void sources_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct sources_state *st = v->state;
    size_t n = ctx->sources != NULL ? sources_count(ctx->sources) : 0;

    free(st->rows);
    st->rows = xcalloc(n + 1, sizeof *st->rows);
    st->count = 0;
    for (size_t i = 0; i < n; i++) {
        struct source *src = sources_at(ctx->sources, i);
        const struct source_health *h = src->ops->health(src->state);
        const struct http_stats *hs = src->ops->stats != NULL ? src->ops->stats(src->state)
                                                              : NULL;
        const char *url = src->ops->url != NULL ? src->ops->url(src->state) : NULL;
        struct sources_row *r = &st->rows[st->count++];

        snprintf(r->name, sizeof r->name, "%s", src->ops->name);
        if (src->ops->token != NULL) {
            src->ops->token(src->state, r->state, sizeof r->state);
        } else {
            source_health_token(h, r->state, sizeof r->state);
        }
        r->tone = sources_tone(h);
        snprintf(r->url, sizeof r->url, "%s", url != NULL ? url : "-");
        r->last_ok = h->last_ok;
        /* A scoped session never reads another tenant's names in an error. */
        if (h->last_error != NULL) {
            snprintf(r->error, sizeof r->error, "%s", access_redact(ctx->access, h->last_error));
        } else if (src->ops->note != NULL && src->ops->note(src->state) != NULL) {
            snprintf(r->error, sizeof r->error, "refused: %s",
                     access_redact(ctx->access, src->ops->note(src->state)));
        } else {
            r->error[0] = '\0';
        }
        r->requests = hs != NULL ? hs->requests : 0;
        r->bytes = hs != NULL ? hs->bytes : 0;
        r->median_ms = hs != NULL ? http_stats_median_ms(hs) : -1;
    }
    st->version = sources_view_version(ctx->sources);
    st->built = true;
}

static size_t sources_count_rows(const struct view *v)
{
    const struct sources_state *st = v->state;

    return st->count;
}

/* 1,234 B, 12.3 KB, 4.5 MB, 1.2 GB. */
static void sources_fmt_bytes(uint64_t n, char *buf, size_t size)
{
    if (n < 1024) {
        snprintf(buf, size, "%llu B", (unsigned long long)n);
    } else if (n < 1024 * 1024) {
        snprintf(buf, size, "%.1f KB", (double)n / 1024.0);
    } else if (n < 1024ull * 1024 * 1024) {
        snprintf(buf, size, "%.1f MB", (double)n / 1048576.0);
    } else {
        snprintf(buf, size, "%.1f GB", (double)n / 1073741824.0);
    }
}

static enum view_tone sources_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                   size_t col, char *buf, size_t size)
{
    const struct sources_state *st = v->state;
    const struct sources_row *r = &st->rows[row];
    char count[32];
    struct tm tm;
    time_t t;

    (void)ctx;
    switch ((enum sources_col)col) {
    case SC_NAME:
        snprintf(buf, size, "%s", r->name);
        break;
    case SC_STATE:
        snprintf(buf, size, "%s", r->state);
        return r->tone;
    case SC_URL:
        snprintf(buf, size, "%s", r->url);
        break;
    case SC_LAST_OK:
        if (r->last_ok == 0) {
            snprintf(buf, size, "never");
            return TONE_DIM;
        }
        t = (time_t)r->last_ok;
        localtime_r(&t, &tm);
        strftime(buf, size, "%H:%M:%S", &tm);
        break;
    case SC_ERROR:
        snprintf(buf, size, "%s", r->error[0] != '\0' ? r->error : "-");
        return r->error[0] != '\0' ? r->tone : TONE_DIM;
    case SC_REQUESTS:
        snprintf(buf, size, "%s", source_fmt_count((size_t)r->requests, count, sizeof count));
        break;
    case SC_BYTES:
        sources_fmt_bytes(r->bytes, buf, size);
        break;
    case SC_MEDIAN:
        if (r->median_ms < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%.0f ms", r->median_ms);
        break;
    case SC_COUNT:
        buf[0] = '\0';
        break;
    }
    return TONE_NORMAL;
}

static const char *sources_row_key(const struct view *v, size_t row)
{
    const struct sources_state *st = v->state;

    return st->rows[row].name;
}

static void sources_fini(struct view *v)
{
    struct sources_state *st = v->state;

    free(st->rows);
}

static const char *const sources_aliases[] = {"src", NULL};

const struct view_ops sources_view = {
    .name = "sources",
    .aliases = sources_aliases,
    .title = "sources",
    .columns = sources_columns,
    .ncolumns = SC_COUNT,
    .state_size = sizeof(struct sources_state),
    .stale = sources_stale,
    .rebuild = sources_rebuild,
    .count = sources_count_rows,
    .cell = sources_cell,
    .row_key = sources_row_key,
    .fini = sources_fini,
};
