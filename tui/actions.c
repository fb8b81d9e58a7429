/* A view's action as a request to its source (core/source.h): the view builds it, the console
 * asks for a value if it needs one, checks access with the tenant the source resolved,
 * confirms, runs it, shows the reply and writes the audit log. A detail's reply lands where it
 * was asked (the same frame, row and no window opened since), else it becomes a flash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/sources.h"
#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/dialog.h"
#include "tui/form.h"
#include "tui/keymap.h"
#include "tui/screen.h"

/* A request in flight. */
struct app_call {
    struct app_call *next;
    struct app *a;
    struct source *src;
    struct source_call *call;
    struct source_request *req;
    char id[17]; /* a change's: its attempt and outcome lines share it */
    /* Where it was asked: the frame, its selected row, how many modes were open. */
    uint64_t frame_serial;
    char *row_key;
    int nmodes;
};

/* One audit line for a change: its tenant is the object's (as its source resolved it), the
 * session's scope beside it, where it went. An object that left a scoped session's scope (its
 * refusal) is written with the tenant AUDIT_OUTSIDE_SCOPE: the audit log is the user's own file,
 * and another tenant's name must not reach it (issue 16). 0, or -1 when the line could not be
 * written: then this and every later change is refused, with the reason on the status line. */
static int actions_audit(struct app *a, struct source *src, const struct source_request *r,
                         const char *id, const char *result)
{
    struct access *acc = a->opts.access;
    struct audit_entry e = {
        .user = access_user(acc),
        .role = access_role_name(access_role(acc)),
        .tenant = r->tenant == NULL || access_tenant_visible(acc, r->tenant) ? r->tenant
                                                                              : AUDIT_OUTSIDE_SCOPE,
        .scope = access_all_tenants(acc) ? NULL : access_scope_text(acc),
        .action = r->action,
        .target = r->target,
        .result = result,
        .id = id,
    };
    char *err = NULL;

    if (src != NULL && src->ops->where != NULL) {
        src->ops->where(src->state, &e.context, &e.server);
    }
    if (audit_append(a->opts.audit_path, &e, &err) != 0) {
        free(a->audit_broken);
        a->audit_broken = err;
        app_flash(a, true, "%s: changes are refused until it can be written", err);
        return -1;
    }
    return 0;
}

/* No audit, no action: true (and why, on the status line) while the log cannot be written. */
static bool actions_audit_broken(struct app *a)
{
    if (a->audit_broken == NULL) {
        return false;
    }
    app_flash(a, true, "%s: changes are refused until it can be written", a->audit_broken);
    return true;
}

static void actions_call_free(struct app_call *c)
{
    source_request_free(c->req);
    free(c->row_key);
    free(c);
}

static void actions_unlink(struct app *a, struct app_call *c)
{
    for (struct app_call **pp = &a->calls; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            return;
        }
    }
}

/* Is the user still where the detail was asked: same frame, same row, no window since? */
static bool actions_still_there(struct app *a, const struct app_call *c)
{
    const char *key = app_selected_key(a);

    return app_top(a)->serial == c->frame_serial && a->nmodes == c->nmodes && key != NULL &&
           c->row_key != NULL && strcmp(key, c->row_key) == 0;
}

static void actions_detail_reply(struct source_reply *reply, void *arg)
{
    struct app_call *c = arg;
    struct app *a = c->a;
    const struct source_request *r = c->req;

    actions_unlink(a, c);
    if (!reply->ok) {
        app_flash(a, true, "%s: %s", r->target,
                  access_redact(a->opts.access, reply->error != NULL ? reply->error : "failed"));
    } else if (!actions_still_there(a, c)) {
        app_flash(a, false, "%s of %s came after you moved on: ask again where you are",
                  r->action, r->target);
    } else {
        detail_open(a, r->title, reply->text, r->detail == SOURCE_DETAIL_JSON, r->folded);
        reply->text = NULL;
    }
    actions_call_free(c);
}

static void actions_change_reply(struct source_reply *reply, void *arg)
{
    struct app_call *c = arg;
    struct app *a = c->a;
    const struct source_request *r = c->req;

    actions_unlink(a, c);
    if (reply->ok) {
        /* a reply's text says what came of it ("INC0010023") */
        app_flash(a, false, "%s %s%s%s", r->done != NULL ? r->done : "done:", r->target,
                  reply->text != NULL ? ": " : "",
                  reply->text != NULL ? access_redact(a->opts.access, reply->text) : "");
        actions_audit(a, c->src, r, c->id, "ok");
    } else {
        const char *msg = reply->error != NULL ? reply->error : "failed";

        app_flash(a, true, "%s %s: %s", r->action, r->target,
                  access_redact(a->opts.access, msg));
        actions_audit(a, c->src, r, c->id, msg);
    }
    actions_call_free(c);
}

/* Runs a detail or change request (ownership passes). */
static void actions_perform(struct app *a, struct source *src, struct source_request *req)
{
    struct app_call *c = xcalloc(1, sizeof *c);
    const char *key = app_selected_key(a);
    bool detail = req->op == SOURCE_OP_DETAIL;

    if (detail) {
        /* One detail at a time: a newer `d` replaces the one still on its way. */
        for (struct app_call *o = a->calls; o != NULL; o = o->next) {
            if (o->req->op == SOURCE_OP_DETAIL) {
                o->src->ops->cancel(o->src->state, o->call);
                actions_unlink(a, o);
                actions_call_free(o);
                break;
            }
        }
    }
    c->a = a;
    c->src = src;
    c->req = req;
    req->access = a->opts.access;
    if (!detail) {
        /* Written before it is sent: quitting or a hang-up meanwhile still leaves it. */
        audit_new_id(c->id);
        if (actions_audit_broken(a) || actions_audit(a, src, req, c->id, "attempt") != 0) {
            actions_call_free(c);
            return;
        }
    }
    c->frame_serial = app_top(a)->serial;
    c->row_key = key != NULL ? xstrdup(key) : NULL;
    c->nmodes = a->nmodes;
    c->next = a->calls;
    a->calls = c;
    c->call = src->ops->perform(src->state, req, detail ? actions_detail_reply
                                                         : actions_change_reply, c);
    if (c->call == NULL) {
        actions_unlink(a, c);
        app_flash(a, true, "%s: the source cannot do that", req->target);
        actions_call_free(c);
        return;
    }
    if (detail) {
        const char *name = strrchr(req->target, '/');

        app_flash(a, false, "fetching %s ...", name != NULL ? name + 1 : req->target);
    } else {
        app_flash(a, false, "%s %s ...", req->action, req->target);
    }
}

/* Asks access whether the session may send `req`, with the tenant its object belongs to now
 * (`again`: when the user confirms, the object may have moved to another tenant meanwhile).
 * A refusal is said and, for a change, audited. */
static bool actions_allowed(struct app *a, struct source *src, struct source_request *req,
                            bool again)
{
    char why[256], id[17];

    if (again && src->ops->tenant_of != NULL) {
        const char *now = src->ops->tenant_of(src->state, req);

        if ((now == NULL) != (req->tenant == NULL) ||
            (now != NULL && strcmp(now, req->tenant) != 0)) {
            free(req->tenant);
            req->tenant = now != NULL ? xstrdup(now) : NULL;
        }
    }
    if (access_check(a->opts.access, req->verb, req->tenant, why, sizeof why) == 0) {
        return true;
    }
    app_flash(a, true, "%s: %s refused", why, access_verb_name(req->verb));
    if (req->op == SOURCE_OP_CHANGE && !actions_audit_broken(a)) {
        char *result = xasprintf("refused: %s", why);

        actions_audit(a, src, req, audit_new_id(id), result);
        free(result);
    }
    return false;
}

/* ---- the confirmation ------------------------------------------------------------------- */

struct actions_confirm {
    struct dialog *dialog;
    struct source *src;
    struct source_request *req;
};

static void actions_confirm_close(struct app *a, void *data)
{
    struct actions_confirm *ac = data;

    (void)a;
    dialog_free(ac->dialog);
    source_request_free(ac->req);
    free(ac);
}

static void actions_confirm_key(struct app *a, void *data, int key)
{
    struct actions_confirm *ac = data;
    struct source_request *req;
    struct source *src = ac->src;

    switch (dialog_key(ac->dialog, key)) {
    case DIALOG_CONFIRM:
        req = ac->req;
        ac->req = NULL;
        app_mode_pop(a);
        if (actions_allowed(a, src, req, true)) {
            actions_perform(a, src, req);
        } else {
            source_request_free(req);
        }
        break;
    case DIALOG_CANCEL:
        app_mode_pop(a);
        app_flash(a, false, "cancelled");
        break;
    case DIALOG_NONE:
        break;
    }
}

static void actions_confirm_draw(struct app *a, void *data, int rows, int cols)
{
    struct actions_confirm *ac = data;

    (void)a;
    dialog_draw(ac->dialog, stdscr, 0, 0, rows, cols);
}

static const struct mode_ops actions_confirm_mode = {
    .name = "confirm",
    .key = actions_confirm_key,
    .draw = actions_confirm_draw,
    .close = actions_confirm_close,
};

/* Asks before a change (ownership of req passes). */
static void actions_confirm(struct app *a, struct source *src, struct source_request *req)
{
    struct actions_confirm *ac;

    if (req->question == NULL) {
        actions_perform(a, src, req);
        return;
    }
    ac = xcalloc(1, sizeof *ac);
    ac->src = src;
    ac->req = req;
    ac->dialog = req->typed_name != NULL
                     ? dialog_confirm_typed(req->title, req->question, req->confirm,
                                            req->typed_name)
                     : dialog_confirm(req->title, req->question, req->confirm);
    app_mode_push(a, &actions_confirm_mode, ac);
}

/* ---- a value asked first ---------------------------------------------------------------- */

struct actions_input {
    struct prompt prompt;
    struct source *src;
    struct source_request *req;
};

static void actions_input_close(struct app *a, void *data)
{
    struct actions_input *ai = data;

    (void)a;
    prompt_fini(&ai->prompt);
    source_request_free(ai->req);
    free(ai);
}

static void actions_input_key(struct app *a, void *data, int key)
{
    struct actions_input *ai = data;
    enum prompt_result r = prompt_key(&ai->prompt, key);
    struct source_request *req;
    struct source *src = ai->src;
    char *err = NULL;

    if (r == PROMPT_CANCEL) {
        app_mode_pop(a);
        app_flash(a, false, "cancelled");
        return;
    }
    if (r != PROMPT_ACCEPT) {
        return;
    }
    switch (ai->req->ops->input(ai->req, prompt_text(&ai->prompt), &err)) {
    case 0:
        break;
    case 1:
        /* the next value of the same request: its label changed */
        prompt_set_text(&ai->prompt, ai->req->input_value != NULL ? ai->req->input_value : "");
        return;
    default:
        /* the entry is cleared for the next try; the message says what was wrong with it */
        prompt_set_text(&ai->prompt, "");
        prompt_set_error(&ai->prompt, err != NULL ? err : "not a valid value", 0);
        free(err);
        return;
    }
    req = ai->req;
    ai->req = NULL;
    app_mode_pop(a);
    actions_confirm(a, src, req);
}

static void actions_input_draw(struct app *a, void *data, int rows, int cols)
{
    struct actions_input *ai = data;
    char line[512];
    int lw;

    (void)a;
    snprintf(line, sizeof line, " %s (Esc cancels): ", ai->req->input_label);
    lw = screen_text_width(line);
    lw = lw < cols / 2 ? lw : cols / 2;
    screen_put(stdscr, rows - 1, 0, line, lw, false, screen_attr(THEME_STATUS_LINE));
    prompt_draw(&ai->prompt, stdscr, rows - 1, lw, 1, cols - lw);
}

static const struct mode_ops actions_input_mode = {
    .name = "input",
    .key = actions_input_key,
    .draw = actions_input_draw,
    .close = actions_input_close,
    .line = true,
};

/* ---- a form asked first (tui/form.h) --------------------------------------------------- */

struct actions_form {
    struct form *form;
    struct source *src;
    struct source_request *req;
};

static void actions_form_close(struct app *a, void *data)
{
    struct actions_form *af = data;

    (void)a;
    form_free(af->form);
    source_request_free(af->req);
    free(af);
}

static void actions_form_key(struct app *a, void *data, int key)
{
    struct actions_form *af = data;
    struct source_request *req;
    struct source *src = af->src;
    const char **values;
    char *err = NULL;
    int rc;

    switch (form_key(af->form, key)) {
    case FORM_CANCEL:
        app_mode_pop(a);
        app_flash(a, false, "cancelled");
        return;
    case FORM_NONE:
        return;
    case FORM_SUBMIT:
        break;
    }
    values = xcalloc(form_count(af->form) + 1, sizeof *values);
    for (size_t i = 0; i < form_count(af->form); i++) {
        values[i] = form_value(af->form, i);
    }
    rc = af->req->ops->form(af->req, values, &err);
    free(values);
    if (rc != 0) {
        form_set_error(af->form, err != NULL ? err : "not valid", SIZE_MAX);
        free(err);
        return;
    }
    req = af->req;
    af->req = NULL;
    app_mode_pop(a);
    actions_confirm(a, src, req);
}

static void actions_form_draw(struct app *a, void *data, int rows, int cols)
{
    struct actions_form *af = data;

    (void)a;
    form_draw(af->form, stdscr, 0, 0, rows, cols);
}

static const struct mode_ops actions_form_mode = {
    .name = "form",
    .key = actions_form_key,
    .draw = actions_form_draw,
    .close = actions_form_close,
};

/* Opens the request's form (ownership of req passes). */
static void actions_form_open(struct app *a, struct source *src, struct source_request *req)
{
    struct actions_form *af = xcalloc(1, sizeof *af);
    struct form_field *fields = xcalloc(req->nfields, sizeof *fields);

    for (size_t i = 0; i < req->nfields; i++) {
        fields[i] = (struct form_field){.label = req->fields[i].label,
                                        .value = req->fields[i].value,
                                        .choices = req->fields[i].choices,
                                        .required = req->fields[i].required,
                                        .multiline = req->fields[i].multiline};
    }
    af->src = src;
    af->req = req;
    af->form = form_new(req->title != NULL ? req->title : req->action, fields, req->nfields,
                        req->confirm != NULL ? req->confirm : req->action);
    free(fields);
    app_mode_push(a, &actions_form_mode, af);
}

/* ---- a view's own detail --------------------------------------------------------------- */

/* d or y on a row the view describes itself (a tenant): nothing to ask a source. */
static void actions_describe(struct app *a, const struct view *v, const struct view_ctx *ctx,
                             size_t row, bool raw)
{
    char *err = NULL, *text = v->ops->describe(v, ctx, row, raw, &err), *title;
    const char *key = v->ops->row_key(v, row);

    if (text == NULL) {
        app_flash(a, true, "%s", err != NULL ? err : "nothing to describe");
        free(err);
        return;
    }
    title = raw ? xstrdup(key != NULL ? key : "") : xasprintf("describe %s", key != NULL ? key : "");
    detail_open(a, title, text, raw, NULL);
    free(title);
}

/* ---- the way in ------------------------------------------------------------------------- */

void actions_run(struct app *a, enum action act)
{
    struct frame *f = app_top(a);
    const struct view *v = f->view;
    struct view_ctx ctx = app_ctx(a, f);
    struct source_request *req;
    struct source *src;
    char *err = NULL, role_why[160] = "";

    if (!keymap_view_has(v->ops, act)) {
        app_flash(a, true, "the %s view has no %s", v->ops->name, action_name(act));
        return;
    }
    /* A key help does not offer this session (no role of it has the verb) says why wherever
     * it stops; with an object, the request is refused below like any other, and audited. */
    if (!access_verb_granted(a->opts.access, action_verb(act))) {
        access_verb_check(a->opts.access, action_verb(act), role_why, sizeof role_why);
    }
    if (table_count(&f->table, v) == 0 && (v->ops->rowless == NULL || !v->ops->rowless(act))) {
        if (role_why[0] != '\0') {
            app_flash(a, true, "%s", role_why);
        } else {
            app_flash(a, true, "nothing here to %s", action_name(act));
        }
        return;
    }
    if ((act == ACT_DESCRIBE || act == ACT_RAW || act == ACT_ENTER) && v->ops->describe != NULL) {
        /* Enter on a view that leads nowhere but describes its rows: the describe */
        actions_describe(a, v, &ctx, table_row(&f->table, f->table.sel), act == ACT_RAW);
        return;
    }
    req = v->ops->request(v, &ctx,
                          table_count(&f->table, v) > 0 ? table_row(&f->table, f->table.sel)
                                                        : SIZE_MAX,
                          act, &err);
    if (req == NULL) {
        app_flash(a, true, "%s", role_why[0] != '\0' ? role_why : err != NULL ? err : "not here");
        free(err);
        return;
    }
    src = sources_find(a->sources, req->source);
    if (src == NULL || (req->op == SOURCE_OP_STREAM ? src->ops->stream == NULL
                                                     : src->ops->perform == NULL)) {
        app_flash(a, true, "%s: no source to ask (%s)", req->target, req->source);
        source_request_free(req);
        return;
    }
    if (!actions_allowed(a, src, req, false)) {
        source_request_free(req);
        return;
    }
    if (req->op == SOURCE_OP_CHANGE && actions_audit_broken(a)) {
        source_request_free(req);
        return;
    }
    if (req->op == SOURCE_OP_STREAM) {
        logs_open(a, src, req);
    } else if (req->op == SOURCE_OP_DETAIL) {
        actions_perform(a, src, req);
    } else if (req->nfields > 0 && req->ops != NULL && req->ops->form != NULL) {
        actions_form_open(a, src, req);
    } else if (req->input_label != NULL && req->ops != NULL && req->ops->input != NULL) {
        struct actions_input *ai = xcalloc(1, sizeof *ai);

        ai->src = src;
        ai->req = req;
        prompt_init(&ai->prompt, 0, NULL);
        prompt_set_text(&ai->prompt, req->input_value != NULL ? req->input_value : "");
        app_mode_push(a, &actions_input_mode, ai);
    } else {
        actions_confirm(a, src, req);
    }
}

void actions_cancel_all(struct app *a)
{
    while (a->calls != NULL) {
        struct app_call *c = a->calls;

        a->calls = c->next;
        c->src->ops->cancel(c->src->state, c->call);
        if (c->req->op == SOURCE_OP_CHANGE) {
            actions_audit(a, c->src, c->req, c->id,
                          "abandoned: the console stopped before the answer");
        }
        actions_call_free(c);
    }
}
