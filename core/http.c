/* libcurl multi driven by the loop's descriptors and timers. */
#include "core/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/loop.h"
#include "core/xalloc.h"

#define HTTP_DEFAULT_MAX_BODY ((size_t)512 << 20)

struct http_req {
    struct http *h;
    CURL *easy;
    struct curl_slist *headers;
    http_data_cb on_data;
    http_done_cb on_done;
    void *arg;
    bool stream;
    bool aborted_by_cb;
    bool too_big;
    char *buf;
    size_t len, cap, max_body;
    long status;
    char errbuf[CURL_ERROR_SIZE];
    struct http_req *prev, *next;
    /* Response headers worth keeping (of the final response, not a 100 Continue). */
    char *etag, *last_modified, *content_type;
    long retry_after_s;
    long long total_count;
    /* Stall detection: the loop timer checks the time of the last byte when it fires. */
    long idle_ms;
    int64_t started_ms, last_byte_ms;
    struct loop_timer *stall;
    /* The connect timeout, on the loop's timer too: libcurl's own stays registered after
     * the connection is made and wakes the loop for nothing at its deadline. */
    long connect_ms;
    struct loop_timer *connecting;
    char *refused; /* why it was never sent (credentials over plain http) */
    bool headers_done;
    struct http_stats *stats;
};

struct http {
    struct loop *loop;
    CURLM *multi;
    struct loop_timer *timer;
    struct http_req *reqs;
    size_t active;
};

static void http_check_done(struct http *h);

static void http_on_socket(int fd, unsigned events, void *arg)
{
    struct http *h = arg;
    int running = 0;
    int ev = 0;

    ev |= (events & LOOP_IN) ? CURL_CSELECT_IN : 0;
    ev |= (events & LOOP_OUT) ? CURL_CSELECT_OUT : 0;
    ev |= (events & LOOP_ERR) ? CURL_CSELECT_ERR : 0;
    curl_multi_socket_action(h->multi, fd, ev, &running);
    http_check_done(h);
}

static void http_on_timer(void *arg)
{
    struct http *h = arg;
    int running = 0;

    h->timer = NULL;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    http_check_done(h);
}

/* CURLMOPT_SOCKETFUNCTION: mirror curl's interest in a socket into the loop. */
static int http_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct http *h = userp;
    unsigned ev = 0;

    (void)easy;
    (void)socketp;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) {
        ev |= LOOP_IN;
    }
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) {
        ev |= LOOP_OUT;
    }
    loop_fd_set(h->loop, s, what == CURL_POLL_REMOVE ? 0 : ev, http_on_socket, h);
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: one loop timer stands for curl's single timeout. */
static int http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    struct http *h = userp;

    (void)multi;
    loop_timer_cancel(h->loop, h->timer);
    h->timer = NULL;
    if (timeout_ms >= 0) {
        h->timer = loop_timer_add(h->loop, timeout_ms, http_on_timer, h);
    }
    return 0;
}

/* A header value (after "Name:"), without blanks around it; caller frees. */
static char *http_header_value(const char *data, size_t n, size_t name_len)
{
    const char *v = data + name_len, *end = data + n;

    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    return xstrndup(v, (size_t)(end - v));
}

/* Retry-After: delta-seconds or an HTTP date; -1 when it is neither. */
static long http_parse_retry_after(const char *v)
{
    char *end;
    long n;
    time_t when;

    if (*v >= '0' && *v <= '9') {
        n = strtol(v, &end, 10);
        return *end == '\0' && n >= 0 ? n : -1;
    }
    when = curl_getdate(v, NULL);
    if (when < 0) {
        return -1;
    }
    return when > time(NULL) ? (long)(when - time(NULL)) : 0;
}

static void http_headers_reset(struct http_req *r)
{
    free(r->etag);
    free(r->last_modified);
    free(r->content_type);
    r->etag = r->last_modified = r->content_type = NULL;
    r->retry_after_s = -1;
    r->total_count = -1;
}

/* Keeps the headers a caller may want; at the end of the headers of a stream, tells the owner
 * with an empty on_data call, so a watch that is connected but quiet counts as connected. */
static size_t http_header_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    static const struct {
        const char *name;
        size_t len;
    } keep[] = {{"etag:", 5},         {"last-modified:", 14}, {"content-type:", 13},
                {"retry-after:", 12}, {"x-total-count:", 14}};
    struct http_req *r = userp;
    size_t n = size * nmemb;

    r->last_byte_ms = loop_now_ms();
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        http_headers_reset(r); /* a new response (after a 100 Continue) */
        return n;
    }
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        char *v;

        if (n <= keep[i].len || strncasecmp(data, keep[i].name, keep[i].len) != 0) {
            continue;
        }
        v = http_header_value(data, n, keep[i].len);
        switch (i) {
        case 0:
            free(r->etag);
            r->etag = v;
            break;
        case 1:
            free(r->last_modified);
            r->last_modified = v;
            break;
        case 2:
            free(r->content_type);
            r->content_type = v;
            break;
        case 3:
            r->retry_after_s = http_parse_retry_after(v);
            free(v);
            break;
        default: {
            char *end;
            long long count = strtoll(v, &end, 10);

            r->total_count = end != v && *end == '\0' && count >= 0 ? count : -1;
            free(v);
            break;
        }
        }
        return n;
    }
    if ((n == 2 || n == 1) && (data[0] == '\r' || data[0] == '\n')) {
        long status = 0;

        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200) {
            return n; /* a 100 Continue */
        }
        r->status = status;
        if (!r->headers_done && r->stats != NULL) {
            struct http_stats *st = r->stats;

            st->latency_ms[st->nlatency++ % HTTP_LATENCY_SAMPLES] =
                (double)(loop_now_ms() - r->started_ms);
        }
        r->headers_done = true;
        if (r->stream && !r->on_data(r, data, 0, r->arg)) {
            r->aborted_by_cb = true;
            return 0;
        }
    }
    return n;
}

static size_t http_write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_req *r = userp;
    size_t n = size * nmemb;

    r->last_byte_ms = loop_now_ms();
    if (r->stats != NULL) {
        r->stats->bytes += n;
    }
    if (r->status == 0) {
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
    }
    if (r->stream) {
        if (!r->on_data(r, data, n, r->arg)) {
            r->aborted_by_cb = true;
            return 0;
        }
        return n;
    }
    if (r->len + n > r->max_body) {
        r->too_big = true;
        return 0;
    }
    if (r->len + n + 1 > r->cap) {
        curl_off_t whole = -1;

        /* A body of known length gets its buffer at once: a 20 MB metrics list grown by
         * doubling was copied and its pages touched about twice over. */
        if (r->cap == 0 &&
            curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &whole) == CURLE_OK &&
            whole > 0 && (uint64_t)whole >= n && (uint64_t)whole < r->max_body) {
            r->cap = (size_t)whole + 1;
        }
        r->cap = r->cap ? r->cap : 16384;
        while (r->cap < r->len + n + 1) {
            r->cap *= 2;
        }
        r->buf = xrealloc(r->buf, r->cap);
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
    r->buf[r->len] = '\0';
    return n;
}

static void http_req_free(struct http_req *r)
{
    struct http *h = r->h;

    if (r->prev != NULL) {
        r->prev->next = r->next;
    } else {
        h->reqs = r->next;
    }
    if (r->next != NULL) {
        r->next->prev = r->prev;
    }
    curl_multi_remove_handle(h->multi, r->easy);
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    loop_timer_cancel(h->loop, r->stall);
    loop_timer_cancel(h->loop, r->connecting);
    free(r->refused);
    http_headers_reset(r);
    free(r->buf);
    free(r);
    h->active--;
}

/* Delivers a request's end to its owner, then frees it. */
static void http_finish(struct http_req *r, struct http_result *res)
{
    res->retry_after_s = r->retry_after_s;
    res->total_count = r->total_count;
    res->etag = r->etag;
    res->last_modified = r->last_modified;
    res->content_type = r->content_type;
    if (r->stats != NULL && (res->error != NULL || res->status >= 400 || res->status == 0)) {
        r->stats->failures++;
    }
    r->on_done(r, res, r->arg);
    free(res->body);
    http_req_free(r);
}

static enum http_failure http_failure_of(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return HTTP_FAIL_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_FAIL_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return HTTP_FAIL_TLS;
    case CURLE_FILESIZE_EXCEEDED:
        return HTTP_FAIL_TOO_BIG;
    default:
        return HTTP_FAIL_OTHER;
    }
}

/* Delivers finished transfers. */
static void http_check_done(struct http *h)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        struct http_req *r = NULL;
        struct http_result res;
        char msg[CURL_ERROR_SIZE + 64];
        double secs = 0;

        if (m->msg != CURLMSG_DONE) {
            continue;
        }
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
        curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &secs);
        memset(&res, 0, sizeof res);
        res.status = r->status;
        res.seconds = secs;
        if (m->data.result != CURLE_OK) {
            res.failure = http_failure_of(m->data.result);
            if (r->aborted_by_cb) {
                res.error = "cancelled";
                res.failure = HTTP_FAIL_OTHER;
            } else if (r->too_big) {
                res.error = "response too large";
                res.failure = HTTP_FAIL_TOO_BIG;
            } else {
                snprintf(msg, sizeof msg, "%s", r->errbuf[0] ? r->errbuf
                                                             : curl_easy_strerror(m->data.result));
                res.error = msg;
            }
        }
        if (!r->stream) {
            res.body = r->buf != NULL ? r->buf : xstrdup("");
            res.body_len = r->len;
            r->buf = NULL;
        }
        http_finish(r, &res);
    }
}

/* The stall timer: no byte for idle_ms ends the request; a byte since re-arms it for the rest
 * of the interval counted from that byte (never touched on the data path itself). */
static void http_stall_fire(void *arg)
{
    struct http_req *r = arg;
    int64_t quiet = loop_now_ms() - r->last_byte_ms;
    struct http_result res;
    char msg[96];

    r->stall = NULL;
    if (quiet < r->idle_ms) {
        r->stall = loop_timer_add(r->h->loop, r->idle_ms - quiet, http_stall_fire, r);
        return;
    }
    memset(&res, 0, sizeof res);
    res.status = r->status;
    snprintf(msg, sizeof msg, "stalled: no data for %ld s", (r->idle_ms + 999) / 1000);
    res.error = msg;
    res.failure = HTTP_FAIL_TIMEOUT;
    if (!r->stream) {
        res.body = r->buf != NULL ? r->buf : xstrdup("");
        res.body_len = r->len;
        r->buf = NULL;
    }
    http_finish(r, &res);
}

/* A request refused before it was sent: it ends at once, with why. */
static void http_refused_fire(void *arg)
{
    struct http_req *r = arg;
    struct http_result res;

    r->connecting = NULL;
    memset(&res, 0, sizeof res);
    res.error = r->refused;
    res.failure = HTTP_FAIL_OTHER;
    if (!r->stream) {
        res.body = xstrdup("");
    }
    http_finish(r, &res);
}

/* Would credentials cross the network in clear to `url`? http:// to a host that is not on
 * loopback. Sets *host (caller frees) when so. */
static bool http_plain_beyond_loopback(const char *url, char **host)
{
    const char *h, *end;

    if (strncasecmp(url, "http://", 7) != 0) {
        return false;
    }
    h = url + 7;
    end = *h == '[' ? strchr(h, ']') : h + strcspn(h, ":/?#");
    if (end == NULL) {
        end = h + strlen(h);
    } else if (*h == '[') {
        end++;
    }
    *host = xstrndup(h, (size_t)(end - h));
    if (strcasecmp(*host, "localhost") == 0 || strncmp(*host, "127.", 4) == 0 ||
        strcmp(*host, "[::1]") == 0) {
        free(*host);
        *host = NULL;
        return false;
    }
    return true;
}

/* No connection within connect_ms: the request ends as unreachable. */
static void http_connect_fire(void *arg)
{
    struct http_req *r = arg;
    struct http_result res;
    char msg[96];

    r->connecting = NULL;
    memset(&res, 0, sizeof res);
    snprintf(msg, sizeof msg, "Connection timed out after %ld ms", r->connect_ms);
    res.error = msg;
    res.failure = HTTP_FAIL_CONNECT;
    if (!r->stream) {
        res.body = xstrdup("");
    }
    http_finish(r, &res);
}

/* CURLOPT_PREREQFUNCTION: connected (TLS included), the request goes out now. */
static int http_prereq_cb(void *userp, char *conn_primary_ip, char *conn_local_ip,
                          int conn_primary_port, int conn_local_port)
{
    struct http_req *r = userp;

    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    loop_timer_cancel(r->h->loop, r->connecting);
    r->connecting = NULL;
    return CURL_PREREQFUNC_OK;
}

double http_stats_median_ms(const struct http_stats *s)
{
    size_t n = s->nlatency < HTTP_LATENCY_SAMPLES ? s->nlatency : HTTP_LATENCY_SAMPLES;
    double v[HTTP_LATENCY_SAMPLES];

    if (n == 0) {
        return -1;
    }
    memcpy(v, s->latency_ms, n * sizeof v[0]);
    for (size_t i = 1; i < n; i++) { /* insertion sort: at most 64 */
        double x = v[i];
        size_t j = i;

        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct http *http_new(struct loop *l)
{
    struct http *h = xcalloc(1, sizeof *h);
    static bool global_done;

    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = true;
    }
    h->loop = l;
    h->multi = curl_multi_init();
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    return h;
}

void http_free(struct http *h)
{
    if (h == NULL) {
        return;
    }
    while (h->reqs != NULL) {
        http_req_free(h->reqs);
    }
    loop_timer_cancel(h->loop, h->timer);
    curl_multi_cleanup(h->multi);
    free(h);
}

static void http_set_blob(CURL *e, CURLoption opt, const char *pem)
{
    struct curl_blob blob = {(void *)pem, strlen(pem), CURL_BLOB_COPY};

    curl_easy_setopt(e, opt, &blob);
}

struct http_req *http_start(struct http *h, const struct http_opts *o, http_data_cb on_data,
                            http_done_cb on_done, void *arg)
{
    struct http_req *r = xcalloc(1, sizeof *r);
    CURL *e = curl_easy_init();
    char *hdr;

    r->h = h;
    r->easy = e;
    r->on_data = on_data;
    r->on_done = on_done;
    r->arg = arg;
    r->stream = o->stream;
    r->max_body = o->max_body ? o->max_body : HTTP_DEFAULT_MAX_BODY;
    r->retry_after_s = -1;
    r->total_count = -1;
    r->started_ms = r->last_byte_ms = loop_now_ms();
    r->idle_ms = o->idle_timeout_ms;
    r->stats = o->stats;
    if (r->stats != NULL) {
        r->stats->requests++;
    }

    curl_easy_setopt(e, CURLOPT_URL, o->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 10L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "govconsole/" GC_VERSION);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, http_prereq_cb);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, r);
    r->connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000L;
    if (o->timeout_ms > 0) {
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    }
    if (o->method != NULL && strcmp(o->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
    }
    if (o->body != NULL) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(o->body));
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body);
    }
    hdr = xasprintf("Accept: %s", o->accept ? o->accept : "application/json");
    r->headers = curl_slist_append(r->headers, hdr);
    free(hdr);
    if (o->content_type != NULL) {
        hdr = xasprintf("Content-Type: %s", o->content_type);
        r->headers = curl_slist_append(r->headers, hdr);
        free(hdr);
    }
    if (o->if_none_match != NULL) {
        hdr = xasprintf("If-None-Match: %s", o->if_none_match);
        r->headers = curl_slist_append(r->headers, hdr);
        free(hdr);
    }
    if (o->if_modified_since != NULL) {
        hdr = xasprintf("If-Modified-Since: %s", o->if_modified_since);
        r->headers = curl_slist_append(r->headers, hdr);
        free(hdr);
    }
    if (o->bearer != NULL) {
        hdr = xasprintf("Authorization: Bearer %s", o->bearer);
        r->headers = curl_slist_append(r->headers, hdr);
        memset(hdr, 0, strlen(hdr));
        free(hdr);
    } else if (o->username != NULL) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, o->username);
        curl_easy_setopt(e, CURLOPT_PASSWORD, o->password ? o->password : "");
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    if (o->cookie != NULL) {
        curl_easy_setopt(e, CURLOPT_COOKIE, o->cookie);
    }
    if (o->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (o->ca_file != NULL) {
        curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
    }
    if (o->ca_pem != NULL) {
        http_set_blob(e, CURLOPT_CAINFO_BLOB, o->ca_pem);
    }
    if (o->client_cert != NULL) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, o->client_cert);
    }
    if (o->client_key != NULL) {
        curl_easy_setopt(e, CURLOPT_SSLKEY, o->client_key);
    }
    if (o->client_cert_pem != NULL) {
        curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
        http_set_blob(e, CURLOPT_SSLCERT_BLOB, o->client_cert_pem);
    }
    if (o->client_key_pem != NULL) {
        curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
        http_set_blob(e, CURLOPT_SSLKEY_BLOB, o->client_key_pem);
    }

    r->next = h->reqs;
    if (h->reqs != NULL) {
        h->reqs->prev = r;
    }
    h->reqs = r;
    h->active++;
    {
        char *host = NULL;

        if ((o->bearer != NULL || o->username != NULL) && !o->allow_plain &&
            http_plain_beyond_loopback(o->url, &host)) {
            r->refused = xasprintf("refused: credentials would go in clear over http:// to %s "
                                   "(use https, or allow_plain_http in the section)",
                                   host);
            free(host);
            r->connecting = loop_timer_add(h->loop, 0, http_refused_fire, r);
            return r; /* never handed to libcurl */
        }
    }
    if (r->idle_ms > 0) {
        r->stall = loop_timer_add(h->loop, r->idle_ms, http_stall_fire, r);
    }
    r->connecting = loop_timer_add(h->loop, r->connect_ms, http_connect_fire, r);
    curl_multi_add_handle(h->multi, e);
    return r;
}

long http_req_status(const struct http_req *r)
{
    return r->status;
}

void http_cancel(struct http *h, struct http_req *r)
{
    (void)h;
    if (r != NULL) {
        http_req_free(r);
    }
}

char *http_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            *o++ = (char)ch;
        } else {
            *o++ = '%';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o = '\0';
    return out;
}

size_t http_active(const struct http *h)
{
    return h->active;
}
