/* The alerts view's requests to Nagios: describe, acknowledge, downtime. */
#include "core/nagios/nagios_request.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/http.h"
#include "core/nagios/nagios_status.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

static void nagios_req_free(void *priv)
{
    struct nagios_req *q = priv;

    if (q == NULL) {
        return;
    }
    free(q->host);
    free(q->service);
    free(q->uid);
    free(q->comment);
    free(q);
}

/* "host" or "host/service". */
static char *row_target(const struct nagios_row *r)
{
    return r->service != NULL ? xasprintf("%s/%s", r->host, r->service) : xstrdup(r->host);
}

static struct source_request *request_new(const struct nagios_row *r, const char *tenant,
                                          enum source_op op, enum access_verb verb,
                                          const char *action, enum nagios_req_what what,
                                          const struct source_request_ops *ops)
{
    struct source_request *req = source_request_new("nagios", op, verb, action);
    struct nagios_req *q = xcalloc(1, sizeof *q);

    q->what = what;
    q->host = xstrdup(r->host);
    q->service = r->service != NULL ? xstrdup(r->service) : NULL;
    q->uid = xstrdup(r->row.uid);
    req->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    req->target = row_target(r);
    req->ops = ops;
    req->priv = q;
    return req;
}

static const struct source_request_ops detail_ops = {.free = nagios_req_free};

struct source_request *nagios_request_detail(const struct nagios_row *r, const char *tenant)
{
    struct source_request *req = request_new(r, tenant, SOURCE_OP_DETAIL, ACCESS_VIEW,
                                             "describe", NAGIOS_REQ_DETAIL, &detail_ops);

    req->title = xasprintf("describe %s", req->target);
    req->detail = SOURCE_DETAIL_TEXT;
    return req;
}

/* A comment is one line the CGI takes as it is: no ';' (the external command's separator,
 * which cmd.cgi turns into a space anyway) and not empty. */
static int comment_check(const char *text, char **err)
{
    const char *p = text;

    while (*p == ' ') {
        p++;
    }
    if (*p == '\0') {
        *err = xstrdup("a comment is required");
        return -1;
    }
    return 0;
}

static int ack_input(struct source_request *r, const char *text, char **err)
{
    struct nagios_req *q = r->priv;

    if (comment_check(text, err) != 0) {
        return -1;
    }
    free(q->comment);
    q->comment = sanitize_dup(text);
    free(r->question);
    r->question = xasprintf("Acknowledge the problem of %s (sticky, notifying its contacts) "
                            "with the comment \"%s\"?",
                            r->target, q->comment);
    return 0;
}

static const struct source_request_ops ack_ops = {.input = ack_input, .free = nagios_req_free};

struct source_request *nagios_request_ack(const struct nagios_row *r, const char *tenant,
                                          char **err)
{
    struct source_request *req;

    if (!nagios_state_problem(r->state)) {
        *err = xasprintf("%s is %s: nothing to acknowledge", r->service != NULL ? r->service
                                                                                 : r->host,
                         nagios_state_name(r->state));
        return NULL;
    }
    if (r->acked) {
        *err = xstrdup("already acknowledged");
        return NULL;
    }
    req = request_new(r, tenant, SOURCE_OP_CHANGE, ACCESS_ACKNOWLEDGE, "acknowledge",
                      NAGIOS_REQ_ACK, &ack_ops);
    req->done = "acknowledged; waiting for the next poll to show it:";
    req->title = xstrdup("Acknowledge");
    req->confirm = xstrdup("Acknowledge");
    req->input_label = xstrdup("Comment");
    return req;
}

int nagios_parse_start(const char *text, int64_t now, int64_t *out, char **err)
{
    int y, mo, d, h, mi, n = 0;
    time_t t = (time_t)now;
    struct tm tm;

    while (*text == ' ') {
        text++;
    }
    if (*text == '\0' || strcmp(text, "now") == 0) {
        *out = 0;
        return 0;
    }
    localtime_r(&t, &tm);
    if (sscanf(text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &n) == 5 &&
        text[n] == '\0') {
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
    } else if (sscanf(text, "%2d:%2d%n", &h, &mi, &n) == 2 && text[n] == '\0') {
        /* today */
    } else {
        *err = xstrdup("start: now, HH:MM or YYYY-MM-DD HH:MM");
        return -1;
    }
    if (h < 0 || h > 23 || mi < 0 || mi > 59) {
        *err = xstrdup("start: not a time of day");
        return -1;
    }
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    if (t == (time_t)-1) {
        *err = xstrdup("start: not a date");
        return -1;
    }
    if ((int64_t)t < now - 60) {
        *err = xstrdup("start: that time has passed");
        return -1;
    }
    *out = (int64_t)t;
    return 0;
}

int nagios_parse_duration(const char *text, int64_t *minutes, char **err)
{
    int64_t total = 0;
    const char *p = text;
    bool any = false;

    while (*p == ' ') {
        p++;
    }
    while (*p != '\0') {
        int64_t n = 0;
        bool digits = false;

        while (isdigit((unsigned char)*p) && n < 1000000) {
            n = n * 10 + (*p++ - '0');
            digits = true;
        }
        if (!digits) {
            break;
        }
        any = true;
        if (*p == 'd') {
            total += n * 1440;
            p++;
        } else if (*p == 'h') {
            total += n * 60;
            p++;
        } else if (*p == 'm') {
            total += n;
            p++;
        } else if (*p == '\0') {
            total += n;
        } else {
            break;
        }
    }
    while (*p == ' ') {
        p++;
    }
    if (!any || *p != '\0' || total < 1 || total > 366 * 1440) {
        *err = xstrdup("duration: 2h, 30m, 1h30m, 1d or minutes (at most 366 days)");
        return -1;
    }
    *minutes = total;
    return 0;
}

static int downtime_input(struct source_request *r, const char *text, char **err)
{
    struct nagios_req *q = r->priv;
    int64_t now = (int64_t)time(NULL);

    switch (q->step) {
    case 0:
        if (nagios_parse_start(text, now, &q->start, err) != 0) {
            return -1;
        }
        free(r->input_label);
        free(r->input_value);
        r->input_label = xstrdup("Duration (2h, 30m, 1h30m)");
        r->input_value = xstrdup("1h");
        q->step = 1;
        return 1;
    case 1:
        if (nagios_parse_duration(text, &q->minutes, err) != 0) {
            return -1;
        }
        free(r->input_label);
        free(r->input_value);
        r->input_label = xstrdup("Comment");
        r->input_value = NULL;
        q->step = 2;
        return 1;
    default:
        break;
    }
    if (comment_check(text, err) != 0) {
        return -1;
    }
    free(q->comment);
    q->comment = sanitize_dup(text);
    free(r->question);
    {
        char when[32];
        time_t t = (time_t)q->start;
        struct tm tm;

        if (q->start == 0) {
            snprintf(when, sizeof when, "now");
        } else {
            localtime_r(&t, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        }
        r->question = xasprintf("Schedule downtime of %s from %s for %lldh%02lldm with the "
                                "comment \"%s\"?",
                                r->target, when, (long long)(q->minutes / 60),
                                (long long)(q->minutes % 60), q->comment);
    }
    return 0;
}

static const struct source_request_ops downtime_ops = {.input = downtime_input,
                                                       .free = nagios_req_free};

struct source_request *nagios_request_downtime(const struct nagios_row *r, const char *tenant)
{
    struct source_request *req = request_new(r, tenant, SOURCE_OP_CHANGE, ACCESS_DOWNTIME,
                                             "downtime", NAGIOS_REQ_DOWNTIME, &downtime_ops);

    req->done = "downtime scheduled; waiting for the next poll to show it:";
    req->title = xstrdup("Schedule downtime");
    req->confirm = xstrdup("Schedule");
    req->input_label = xstrdup("Start (now, HH:MM, YYYY-MM-DD HH:MM)");
    req->input_value = xstrdup("now");
    return req;
}

/* cgi.cfg's default date_format (us): MM-DD-YYYY HH:MM:SS, local time. */
static void us_time(int64_t when, char *buf, size_t size)
{
    time_t t = (time_t)when;
    struct tm tm;

    localtime_r(&t, &tm);
    strftime(buf, size, "%m-%d-%Y %H:%M:%S", &tm);
}

static int cmd_type(const struct nagios_req *q)
{
    if (q->what == NAGIOS_REQ_ACK) {
        return q->service != NULL ? 34 : 33;
    }
    return q->service != NULL ? 56 : 55;
}

char *nagios_cmd_form_query(const struct nagios_req *q)
{
    char *host = http_escape(q->host);
    char *svc = q->service != NULL ? http_escape(q->service) : NULL;
    char *out = xasprintf("cmd_typ=%d&host=%s%s%s", cmd_type(q), host, svc != NULL ? "&service=" : "",
                          svc != NULL ? svc : "");

    free(host);
    free(svc);
    return out;
}

char *nagios_cmd_form_id(const char *html, size_t len)
{
    static const char key[] = "name='nagformid' value='";
    size_t klen = sizeof key - 1;

    for (size_t i = 0; i + klen <= len; i++) {
        if (strncasecmp(html + i, key, klen) == 0) {
            size_t start = i + klen, end = start;

            while (end < len && end - start < 128 &&
                   (isalnum((unsigned char)html[end]) || html[end] == '-' || html[end] == '_')) {
                end++;
            }
            return end > start && end < len && html[end] == '\'' ? xasprintf("%.*s",
                                                                             (int)(end - start),
                                                                             html + start)
                                                                  : NULL;
        }
    }
    return NULL;
}

char *nagios_cmd_body(const struct nagios_req *q, const char *author, int64_t now,
                      const char *form_id)
{
    char *host = http_escape(q->host);
    char *svc = q->service != NULL ? http_escape(q->service) : NULL;
    char *who = http_escape(author != NULL ? author : "govconsole");
    char *com = http_escape(q->comment != NULL ? q->comment : "");
    char *svcpart = svc != NULL ? xasprintf("&service=%s", svc) : xstrdup("");
    char *fid = form_id != NULL ? http_escape(form_id) : NULL;
    char *idpart = fid != NULL ? xasprintf("&nagFormId=%s", fid) : xstrdup("");
    char *body;

    if (q->what == NAGIOS_REQ_ACK) {
        body = xasprintf("cmd_typ=%d&cmd_mod=2%s&host=%s%s&sticky_ack=on"
                         "&send_notification=on&com_author=%s&com_data=%s&btnSubmit=Commit",
                         cmd_type(q), idpart, host, svcpart, who, com);
    } else {
        int64_t start = q->start > 0 ? q->start : now;
        char from[32], to[32], *efrom, *eto;

        us_time(start, from, sizeof from);
        us_time(start + q->minutes * 60, to, sizeof to);
        efrom = http_escape(from);
        eto = http_escape(to);
        body = xasprintf("cmd_typ=%d&cmd_mod=2%s&host=%s%s&com_author=%s&com_data=%s&trigger=0"
                         "&start_time=%s&end_time=%s&fixed=1&hours=%lld&minutes=%lld%s"
                         "&btnSubmit=Commit",
                         cmd_type(q), idpart, host, svcpart, who, com, efrom, eto,
                         (long long)(q->minutes / 60), (long long)(q->minutes % 60),
                         svc != NULL ? "" : "&childoptions=0");
        free(efrom);
        free(eto);
    }
    free(host);
    free(svc);
    free(who);
    free(com);
    free(svcpart);
    free(fid);
    free(idpart);
    return body;
}

/* The text of the first element whose opening tag holds `cls` (class='errorMessage'), tags
 * dropped, or NULL. */
static char *html_text_of(const char *html, size_t len, const char *cls)
{
    char *copy = xmalloc(len + 1), *at, *start, *out;
    size_t n = 0;
    int depth = 0;

    memcpy(copy, html, len);
    copy[len] = '\0';
    at = strstr(copy, cls);
    start = at != NULL ? strchr(at, '>') : NULL;
    if (start == NULL) {
        free(copy);
        return NULL;
    }
    out = xmalloc(strlen(start) + 1);
    for (const char *p = start + 1; *p != '\0'; p++) {
        if (*p == '<') {
            if (strncasecmp(p, "</div", 5) == 0 && depth == 0) {
                break;
            }
            depth += strncasecmp(p, "<div", 4) == 0;
            depth -= strncasecmp(p, "</div", 5) == 0;
            while (*p != '\0' && *p != '>') {
                p++;
            }
            if (*p == '\0') {
                break;
            }
            if (n > 0 && out[n - 1] != ' ') {
                out[n++] = ' ';
            }
            continue;
        }
        if (*p == '\n' || *p == '\r' || *p == '\t') {
            if (n > 0 && out[n - 1] != ' ') {
                out[n++] = ' ';
            }
            continue;
        }
        out[n++] = *p;
    }
    while (n > 0 && out[n - 1] == ' ') {
        n--;
    }
    out[n] = '\0';
    free(copy);
    if (n == 0) {
        free(out);
        return NULL;
    }
    {
        char *clean = sanitize_dup(out + (out[0] == ' '));

        free(out);
        return clean;
    }
}

int nagios_cmd_result(const char *html, size_t len, char **err)
{
    static const char ok[] = "successfully submitted";
    char *copy = xmalloc(len + 1), *msg;
    bool done;

    memcpy(copy, html, len);
    copy[len] = '\0';
    done = strstr(copy, ok) != NULL;
    free(copy);
    if (done) {
        return 0;
    }
    msg = html_text_of(html, len, "errorMessage");
    if (msg == NULL) {
        msg = html_text_of(html, len, "errorBox");
    }
    *err = msg != NULL ? xasprintf("Nagios: %s", msg)
                       : xstrdup("Nagios did not confirm the command (no success message)");
    free(msg);
    return -1;
}
