/* Source health bookkeeping and its one-line description. */
#include "core/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

void source_health_ok(struct source_health *h, enum source_state state, int64_t now)
{
    h->state = state;
    h->last_ok = now;
    h->failing_since = 0;
    free(h->last_error);
    h->last_error = NULL;
    h->version++;
}

void source_health_fail(struct source_health *h, const char *msg, int64_t now)
{
    char *clean = sanitize_dup(msg != NULL ? msg : "unknown error");

    h->state = SOURCE_RETRYING;
    if (h->failing_since == 0) {
        h->failing_since = now;
    }
    free(h->last_error);
    h->last_error = clean;
    h->version++;
}

void source_health_fini(struct source_health *h)
{
    free(h->last_error);
    h->last_error = NULL;
}

char *source_fmt_count(size_t n, char *buf, size_t size)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%zu", n);
    size_t o = 0;

    for (int i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < size) {
            buf[o++] = ',';
        }
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

char *source_health_describe(const struct source_health *h, char *buf, size_t size)
{
    char a[32], b[32], when[16];
    struct tm tm;
    time_t t;

    switch (h->state) {
    case SOURCE_IDLE:
        snprintf(buf, size, "idle");
        break;
    case SOURCE_CONNECTING:
        snprintf(buf, size, "connecting");
        break;
    case SOURCE_LOADING:
        if (h->expected > 0) {
            snprintf(buf, size, "loading %s/%s", source_fmt_count(h->loaded, a, sizeof a),
                     source_fmt_count(h->expected, b, sizeof b));
        } else {
            snprintf(buf, size, "loading %s", source_fmt_count(h->loaded, a, sizeof a));
        }
        break;
    case SOURCE_OK:
        snprintf(buf, size, "connected");
        break;
    case SOURCE_RETRYING:
        t = (time_t)h->failing_since;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
        snprintf(buf, size, "%s since %s: %s", h->last_ok ? "stale, reconnecting" : "failing",
                 when, h->last_error ? h->last_error : "error");
        break;
    }
    return buf;
}
