/* The integration tests' own requests to govsim, beside the client under test: POSTs to its
 * control endpoints, and GETs of the world to compare with. A GET runs through the test's
 * loop (the project's http), so the client's transfers go on while the test waits: a blocking
 * fetch of a 10 MB list would stall them past their timeouts under ASan. */
#ifndef GC_TESTS_SIMCALL_H
#define GC_TESTS_SIMCALL_H

#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/demo.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/xalloc.h"

struct simcall_get {
    bool done;
    long status;
    char *body;
};

static inline void simcall_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct simcall_get *g = arg;

    (void)req;
    g->status = res->error == NULL ? res->status : 0;
    g->body = res->body;
    res->body = NULL;
    g->done = true;
}

/* GET server+path (Accept: `accept`, NULL = JSON) through the loop; returns the body (caller
 * frees) and sets *status (0 when the transfer failed). */
static inline char *simcall_get(struct loop *l, struct http *h, const char *server,
                                const char *path, const char *accept, long *status)
{
    struct simcall_get g = {false, 0, NULL};
    struct http_opts o = {0};
    char *url = xasprintf("%s%s", server, path);
    int64_t deadline = loop_now_ms() + 120000;

    o.url = url;
    o.accept = accept;
    o.timeout_ms = 60000;
    http_start(h, &o, NULL, simcall_done, &g);
    while (!g.done && loop_now_ms() < deadline) {
        loop_run_once(l, 100);
    }
    free(url);
    *status = g.done ? g.status : 0;
    return g.body != NULL ? g.body : xstrdup("");
}

static inline size_t simcall_discard(char *d, size_t s, size_t n, void *arg)
{
    (void)d;
    (void)arg;
    return s * n;
}

/* A blocking POST to a control endpoint (small answers); its HTTP status, 0 on failure. */
static inline long simcall_post(const char *server, const char *path)
{
    CURL *e = curl_easy_init();
    char *url = xasprintf("%s%s", server, path);
    long status = 0;

    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, simcall_discard);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
    if (curl_easy_perform(e) == CURLE_OK) {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(e);
    free(url);
    return status;
}

/* A test's setup: govsim from $GC_BIN_DIR (default build) started with `args` into *sim,
 * SIGPIPE ignored and curl ready. -1 (and why, on stderr) when govsim does not start. */
static inline int simcall_start_govsim(const char *const *args, struct demo *sim)
{
    const char *dir = getenv("GC_BIN_DIR") ? getenv("GC_BIN_DIR") : "build";
    char *govsim = xasprintf("%s/govsim", dir);
    char *err = NULL;
    int rc;

    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = demo_start(govsim, args, sim, &err);
    if (rc != 0) {
        fprintf(stderr, "cannot start %s: %s\n", govsim, err);
        free(err);
    }
    free(govsim);
    return rc != 0 ? -1 : 0;
}

#endif
