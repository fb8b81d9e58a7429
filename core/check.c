/* The probes of `govconsole check`, run together on the loop, and their report. */
#include "core/check.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/loop.h"
#include "core/sanitize.h"
#include "core/sources.h"
#include "core/xalloc.h"

struct check_item {
    const char *name;
    bool done;
    struct source_probe probe;
};

static void check_done(struct source_probe *p, void *arg)
{
    struct check_item *it = arg;

    it->probe = *p; /* take its strings */
    memset(p, 0, sizeof *p);
    it->done = true;
}

static bool check_passed(const struct check_item *it)
{
    return it->done && it->probe.error == NULL && it->probe.reachable && it->probe.auth != 0;
}

static const char *check_tls_text(int tls)
{
    return tls < 0 ? "no TLS" : tls == 0 ? "TLS NOT verified" : "TLS verified";
}

static const char *check_auth_text(int auth)
{
    return auth < 0 ? "no credentials" : auth == 0 ? "credentials REJECTED" : "credentials accepted";
}

/* name  URL  ok|FAIL  reachable, TLS, credentials, time: what it says | why it failed */
static void check_text(struct check_item *items, size_t n, char **out)
{
    size_t cap = 1024, len = 0;
    char *buf = xmalloc(cap);

    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct check_item *it = &items[i];
        const struct source_probe *p = &it->probe;
        char line[2048];
        int k;

        if (!it->done) {
            k = snprintf(line, sizeof line, "%-11s %s  FAIL  no answer in time\n", it->name,
                         p->url != NULL ? p->url : "-");
        } else if (!p->reachable) {
            k = snprintf(line, sizeof line, "%-11s %s  FAIL  unreachable: %s\n", it->name,
                         p->url != NULL ? p->url : "-", p->error != NULL ? p->error : "?");
        } else {
            k = snprintf(line, sizeof line, "%-11s %s  %s  reachable, %s, %s, %.0f ms%s%s%s%s\n",
                         it->name, p->url != NULL ? p->url : "-", check_passed(it) ? "ok" : "FAIL",
                         check_tls_text(p->tls), check_auth_text(p->auth), p->rtt_ms,
                         p->about != NULL ? ": " : "", p->about != NULL ? p->about : "",
                         p->error != NULL ? "; " : "", p->error != NULL ? p->error : "");
        }
        if (k < 0) {
            continue;
        }
        if ((size_t)k >= sizeof line) {
            k = (int)sizeof line - 1;
        }
        while (len + (size_t)k + 1 > cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        memcpy(buf + len, line, (size_t)k);
        len += (size_t)k;
        buf[len] = '\0';
    }
    *out = buf;
}

static json_t *check_tri(int v)
{
    return v < 0 ? json_null() : json_boolean(v > 0);
}

static void check_json(struct check_item *items, size_t n, char **out)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        const struct check_item *it = &items[i];
        const struct source_probe *p = &it->probe;
        json_t *o = json_pack("{s:s, s:b}", "source", it->name, "ok", check_passed(it));

        json_object_set_new(o, "url", p->url != NULL ? json_string(p->url) : json_null());
        json_object_set_new(o, "reachable", json_boolean(it->done && p->reachable));
        json_object_set_new(o, "tls_verified", check_tri(it->done ? p->tls : -1));
        json_object_set_new(o, "credentials_accepted", check_tri(it->done ? p->auth : -1));
        json_object_set_new(o, "rtt_ms", it->done && p->reachable ? json_real(p->rtt_ms)
                                                                  : json_null());
        json_object_set_new(o, "about", p->about != NULL ? json_string(p->about) : json_null());
        json_object_set_new(o, "error", !it->done     ? json_string("no answer in time")
                                        : p->error ? json_string(p->error)
                                                   : json_null());
        json_array_append_new(arr, o);
    }
    *out = json_dumps(arr, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(arr);
    *out = xrealloc(*out, strlen(*out) + 2);
    strcat(*out, "\n");
}

int check_run(struct loop *l, struct sources *ss, enum check_format fmt, long timeout_ms,
              char **report)
{
    size_t n = sources_count(ss);
    struct check_item *items = xcalloc(n + 1, sizeof *items);
    int64_t end = loop_now_ms() + timeout_ms;
    bool all = false;
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        struct source *src = sources_at(ss, i);

        items[i].name = src->ops->name;
        if (src->ops->probe == NULL) {
            items[i].done = true;
            items[i].probe.error = xstrdup("this source cannot be probed");
            continue;
        }
        src->ops->probe(src->state, check_done, &items[i]);
    }
    while (!all && loop_now_ms() < end) {
        all = true;
        for (size_t i = 0; i < n; i++) {
            all = all && items[i].done;
        }
        if (!all) {
            loop_run_once(l, 100);
        }
    }
    sources_stop(ss); /* a probe still on its way never answers into freed items */
    for (size_t i = 0; i < n; i++) {
        rc |= !check_passed(&items[i]);
    }
    if (fmt == CHECK_JSON) {
        check_json(items, n, report);
    } else {
        check_text(items, n, report);
    }
    for (size_t i = 0; i < n; i++) {
        source_probe_fini(&items[i].probe);
    }
    free(items);
    return rc ? 1 : 0;
}
