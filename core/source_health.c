/* Source health bookkeeping and its one-line description. */
#include "core/source_health.h"

#include "core/http.h"

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
    h->stale_since = 0;
    h->fault = SOURCE_FAULT_NONE;
    h->http_status = 0;
    free(h->last_error);
    h->last_error = NULL;
    h->version++;
}

void source_health_fault(struct source_health *h, enum source_fault fault, long status,
                         const char *msg, int64_t now)
{
    char *clean = sanitize_dup(msg != NULL ? msg : "unknown error");

    h->state = SOURCE_RETRYING;
    h->fault = fault;
    h->http_status = status;
    if (h->failing_since == 0) {
        h->failing_since = now;
    }
    free(h->last_error);
    h->last_error = clean;
    h->version++;
}

void source_health_fail(struct source_health *h, const char *msg, int64_t now)
{
    source_health_fault(h, SOURCE_FAULT_ANSWER, 0, msg, now);
}

enum source_fault source_fault_of(int http_failure, long status)
{
    switch ((enum http_failure)http_failure) {
    case HTTP_FAIL_CONNECT:
        return SOURCE_FAULT_UNREACHABLE;
    case HTTP_FAIL_TIMEOUT:
        return SOURCE_FAULT_TIMEOUT;
    case HTTP_FAIL_TLS:
        return SOURCE_FAULT_TLS;
    case HTTP_FAIL_TOO_BIG:
        return SOURCE_FAULT_TOO_BIG;
    case HTTP_FAIL_OTHER:
        return SOURCE_FAULT_UNREACHABLE;
    case HTTP_FAIL_NONE:
        break;
    }
    if (status == 401 || status == 403) {
        return SOURCE_FAULT_AUTH;
    }
    return status >= 300 || status < 200 ? SOURCE_FAULT_HTTP : SOURCE_FAULT_ANSWER;
}

void source_health_stale(struct source_health *h, bool stale)
{
    int64_t since = stale ? h->last_ok : 0;

    if (h->stale_since != since) {
        h->stale_since = since;
        h->version++;
    }
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

char *source_fmt_clock(int64_t when, char *buf, size_t size)
{
    struct tm tm;
    time_t t = (time_t)when;

    localtime_r(&t, &tm);
    strftime(buf, size, "%H:%M", &tm);
    return buf;
}

char *source_health_token(const struct source_health *h, char *buf, size_t size)
{
    char a[32], b[32];

    if (h->stale_since != 0 && h->state != SOURCE_LOADING) {
        snprintf(buf, size, "stale since %s", source_fmt_clock(h->stale_since, a, sizeof a));
        return buf;
    }
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
        snprintf(buf, size, "ok");
        break;
    case SOURCE_RETRYING:
        switch (h->fault) {
        case SOURCE_FAULT_UNREACHABLE:
            snprintf(buf, size, "unreachable");
            break;
        case SOURCE_FAULT_TIMEOUT:
            snprintf(buf, size, "timeout");
            break;
        case SOURCE_FAULT_TLS:
            snprintf(buf, size, "TLS error");
            break;
        case SOURCE_FAULT_AUTH:
            snprintf(buf, size, "credentials rejected");
            break;
        case SOURCE_FAULT_HTTP:
            snprintf(buf, size, "HTTP %ld", h->http_status);
            break;
        case SOURCE_FAULT_TOO_BIG:
            snprintf(buf, size, "answer too large");
            break;
        case SOURCE_FAULT_ANSWER:
        case SOURCE_FAULT_NONE:
            snprintf(buf, size, "bad answer");
            break;
        }
        break;
    }
    return buf;
}
