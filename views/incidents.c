/* The incidents view: ServiceNow's active incidents in scope, most urgent first (priority,
 * then the longest open); `h` adds those resolved in the last 30 days. The tenant is what the
 * incident's company maps to (core/servicenow/). Enter (and d) shows an incident's detail:
 * its fields, description, CI and the journal as one timeline. n opens an incident (a form;
 * the tenant the view's, else the selected row's), w adds a work note, i assigns one to the
 * session's user, x resolves one (a form): confirmed, checked and audited by the console. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/servicenow/sn_model.h"
#include "core/servicenow/sn_request.h"
#include "core/xalloc.h"
#include "views/view.h"

#define INCIDENTS_DONE_DAYS 30

enum incidents_col {
    IC_NUMBER,
    IC_PRIORITY,
    IC_STATE,
    IC_TENANT,
    IC_SHORT,
    IC_GROUP,
    IC_ASSIGNED,
    IC_CI,
    IC_OPENED,
    IC_UPDATED,
    IC_SLA,
    IC_COUNT
};

static const struct view_column incidents_columns[IC_COUNT] = {
    [IC_NUMBER] = {"NUMBER", 10, 0, 'N', COL_KEEP_ALWAYS},
    [IC_PRIORITY] = {"PRI", 3, 0, 'P', COL_KEEP_ALWAYS},
    [IC_STATE] = {"STATE", 8, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [IC_TENANT] = {"TENANT", 6, 0, 'E', 8},
    [IC_SHORT] = {"SHORT DESCRIPTION", 16, COL_GROW | COL_SHRINK, 'H', 7},
    [IC_GROUP] = {"GROUP", 8, 0, 'R', 3},
    [IC_ASSIGNED] = {"ASSIGNED TO", 8, 0, 'T', 5},
    [IC_CI] = {"CI", 8, COL_MIDCUT, 'C', 4},
    [IC_OPENED] = {"OPENED", 6, COL_RIGHT, 'O', 6},
    [IC_UPDATED] = {"UPDATED", 7, COL_RIGHT, 'U', 2},
    [IC_SLA] = {"SLA", 3, 0, 'L', 5},
};

struct incident_entry {
    const struct sn_incident *in;
    const char *tenant; /* the tenancy's, borrowed; NULL when none */
    uint32_t rank;      /* position in the default order */
};

struct incidents_state {
    struct incident_entry *rows;
    size_t count;
    uint64_t gen, access_gen;
    bool built;
    bool show_done; /* also the incidents resolved in the last 30 days */
};

/* Unknown priorities (0) after the known ones. */
static int incidents_prio(const struct sn_incident *in)
{
    return in->priority > 0 ? in->priority : 99;
}

/* Most urgent first: priority, open before resolved, the longest open, the number. */
static int incidents_default_cmp(const void *pa, const void *pb)
{
    const struct incident_entry *a = pa, *b = pb;
    int c = view_int_cmp(incidents_prio(a->in), incidents_prio(b->in));

    if (c == 0) {
        c = view_int_cmp(a->in->state >= SN_STATE_RESOLVED, b->in->state >= SN_STATE_RESOLVED);
    }
    if (c == 0) {
        c = view_int_cmp(a->in->opened, b->in->opened);
    }
    return c != 0 ? c : strcmp(a->in->number, b->in->number);
}

static int incidents_cmp_col(const struct incident_entry *a, const struct incident_entry *b,
                             int col)
{
    const struct sn_incident *x = a->in, *y = b->in;

    switch ((enum incidents_col)col) {
    case IC_NUMBER:
        return strcmp(x->number, y->number);
    case IC_PRIORITY:
        return view_int_cmp(incidents_prio(x), incidents_prio(y));
    case IC_STATE:
        return view_int_cmp(x->state, y->state);
    case IC_TENANT:
        return view_str_cmp(a->tenant, b->tenant);
    case IC_SHORT:
        return view_str_cmp(x->short_description, y->short_description);
    case IC_GROUP:
        return view_str_cmp(x->assignment_group, y->assignment_group);
    case IC_ASSIGNED:
        return view_str_cmp(x->assigned_to, y->assigned_to);
    case IC_CI:
        return view_str_cmp(x->cmdb_ci, y->cmdb_ci);
    case IC_OPENED: /* youngest first, as ages read */
        return view_int_cmp(y->opened, x->opened);
    case IC_UPDATED:
        return view_int_cmp(y->updated, x->updated);
    case IC_SLA:
        return view_int_cmp(x->made_sla, y->made_sla);
    case IC_COUNT:
        break;
    }
    return 0;
}

static int incidents_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct incident_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? incidents_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void incidents_sort(struct view *v, size_t col, bool desc)
{
    struct incidents_state *st = v->state;

    (void)col;
    (void)desc; /* v->sort_col and v->sort_desc say the same */
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, incidents_sort_cmp, v);
    }
}

static bool incidents_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct incidents_state *st = v->state;

    return !st->built || st->gen != store_gen(ctx->store, STORE_INCIDENT) ||
           st->access_gen != access_gen(ctx->access);
}

/* Open, or (with show_done) resolved or closed in the last 30 days. */
static bool incidents_shown(const struct incidents_state *st, const struct sn_incident *in,
                            int64_t now)
{
    int64_t done;

    if (in->state != 0 && in->state < SN_STATE_RESOLVED) {
        return true;
    }
    if (in->state == 0) {
        return in->active;
    }
    if (!st->show_done || in->state == SN_STATE_CANCELED) {
        return false;
    }
    done = in->resolved != 0 ? in->resolved : in->updated;
    return done >= now - INCIDENTS_DONE_DAYS * 86400;
}

static void incidents_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct incidents_state *st = v->state;
    const struct view_scope *sc = ctx->scope;
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_INCIDENT) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_INCIDENT, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct sn_incident *in = (const struct sn_incident *)r;

        if ((sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) ||
            !incidents_shown(st, in, ctx->now)) {
            continue;
        }
        st->rows[st->count++] = (struct incident_entry){.in = in, .tenant = tenant};
    }
    qsort(st->rows, st->count, sizeof *st->rows, incidents_default_cmp);
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        incidents_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->gen = store_gen(ctx->store, STORE_INCIDENT);
    st->access_gen = access_gen(ctx->access);
    st->built = true;
}

static size_t incidents_count(const struct view *v)
{
    const struct incidents_state *st = v->state;

    return st->count;
}

/* A text cell: the value or "-" dimmed. */
static enum view_tone incidents_text(const char *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s", s != NULL ? s : "-");
    return s != NULL ? TONE_NORMAL : TONE_DIM;
}

static enum view_tone incidents_age(int64_t now, int64_t t, char *buf, size_t size)
{
    if (t == 0) {
        snprintf(buf, size, "-");
        return TONE_DIM;
    }
    k8s_fmt_age(now - t, buf, size);
    return TONE_NORMAL;
}

static enum view_tone incidents_cell(const struct view *v, const struct view_ctx *ctx,
                                     size_t row, size_t col, char *buf, size_t size)
{
    const struct incidents_state *st = v->state;
    const struct incident_entry *e = &st->rows[row];
    const struct sn_incident *in = e->in;
    static const enum view_tone prio_tone[] = {TONE_UNKNOWN, TONE_CRIT, TONE_WARN,
                                               TONE_PENDING, TONE_NORMAL, TONE_DIM};

    switch ((enum incidents_col)col) {
    case IC_NUMBER:
        snprintf(buf, size, "%s", in->number);
        return TONE_NORMAL;
    case IC_PRIORITY:
        if (in->priority == 0) {
            snprintf(buf, size, "-");
            return TONE_UNKNOWN;
        }
        snprintf(buf, size, "%d", in->priority);
        return prio_tone[in->priority <= 5 ? in->priority : 0];
    case IC_STATE:
        snprintf(buf, size, "%s", in->state_text != NULL ? in->state_text : "-");
        return in->state >= SN_STATE_RESOLVED ? TONE_OK
               : in->state == SN_STATE_NEW    ? TONE_WARN
                                              : TONE_NORMAL;
    case IC_TENANT:
        return incidents_text(e->tenant, buf, size);
    case IC_SHORT:
        return incidents_text(in->short_description, buf, size);
    case IC_GROUP:
        return incidents_text(in->assignment_group, buf, size);
    case IC_ASSIGNED:
        return incidents_text(in->assigned_to, buf, size);
    case IC_CI:
        return incidents_text(in->cmdb_ci, buf, size);
    case IC_OPENED:
        return incidents_age(ctx->now, in->opened, buf, size);
    case IC_UPDATED:
        return incidents_age(ctx->now, in->updated, buf, size);
    case IC_SLA:
        snprintf(buf, size, "%s", in->made_sla == 0 ? "breached" : in->made_sla > 0 ? "ok" : "-");
        return in->made_sla == 0 ? TONE_CRIT : TONE_DIM;
    case IC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *incidents_row_key(const struct view *v, size_t row)
{
    const struct incidents_state *st = v->state;

    return row < st->count ? st->rows[row].in->row.uid : NULL;
}

static const struct store_row *incidents_row_source(const struct view *v, size_t row,
                                                    uint64_t *extra)
{
    const struct incidents_state *st = v->state;

    *extra = view_mix_str(0, st->rows[row].tenant);
    return &st->rows[row].in->row;
}

static int64_t incidents_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct incidents_state *st = v->state;
    const struct sn_incident *in = st->rows[row].in;
    int64_t a = in->opened != 0 ? k8s_age_next_change(ctx->now - in->opened) : -1;
    int64_t b = in->updated != 0 ? k8s_age_next_change(ctx->now - in->updated) : -1;

    return a < 0 ? b : b < 0 || a < b ? a : b;
}

/* TENANT when every incident is one tenant's (:incidents dmi). */
static bool incidents_redundant(const struct view *v, size_t col)
{
    const struct incidents_state *st = v->state;

    if (col != IC_TENANT || st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        if (view_str_cmp(st->rows[i].tenant, st->rows[0].tenant) != 0) {
            return false;
        }
    }
    return true;
}

static const char *incidents_toggle(struct view *v)
{
    struct incidents_state *st = v->state;

    st->show_done = !st->show_done;
    st->built = false;
    return st->show_done ? "showing the open incidents and those resolved in the last 30 days "
                           "(t: open only)"
                         : "showing the open incidents (t: also those resolved in the last 30 days)";
}

static struct source_request *incidents_request(const struct view *v, const struct view_ctx *ctx,
                                                size_t row, enum action act, char **err)
{
    const struct incidents_state *st = v->state;
    const struct incident_entry *e;

    if (row >= st->count && act == ACT_NEW_INCIDENT) {
        /* an empty view: the tenant it is narrowed to, else the session's only one */
        const char *const *scope = access_scope(ctx->access);

        return sn_request_create(ctx->scope->tenant[0] != '\0'           ? ctx->scope->tenant
                                 : scope != NULL && scope[0] != NULL && scope[1] == NULL ? scope[0]
                                                                                      : NULL,
                                 NULL, NULL, NULL);
    }
    if (row >= st->count) {
        *err = xstrdup("no incident here");
        return NULL;
    }
    e = &st->rows[row];
    switch (act) {
    case ACT_ENTER:
    case ACT_DESCRIBE:
        return sn_request_detail(e->in, e->tenant);
    case ACT_NEW_INCIDENT: /* the tenant where the user stands: the view's, else the row's */
        return sn_request_create(ctx->scope->tenant[0] != '\0' ? ctx->scope->tenant : e->tenant,
                                 NULL, NULL, e->in->cmdb_ci);
    case ACT_WORK_NOTE:
        return sn_request_note(e->in, e->tenant);
    case ACT_ASSIGN_ME:
        return sn_request_assign(e->in, e->tenant, access_user(ctx->access));
    case ACT_RESOLVE:
        if (e->in->state >= SN_STATE_RESOLVED) {
            *err = xasprintf("%s is %s already", e->in->number,
                             e->in->state_text != NULL ? e->in->state_text : "resolved");
            return NULL;
        }
        return sn_request_resolve(e->in, e->tenant);
    default:
        break;
    }
    *err = xasprintf("incidents have no %s", "such action");
    return NULL;
}

static bool incidents_rowless(enum action act)
{
    return act == ACT_NEW_INCIDENT;
}

static void incidents_fini(struct view *v)
{
    struct incidents_state *st = v->state;

    free(st->rows);
}

static const enum action incidents_actions[] = {
    ACT_ENTER,     ACT_DESCRIBE,  ACT_TOGGLE, ACT_NEW_INCIDENT,
    ACT_WORK_NOTE, ACT_ASSIGN_ME, ACT_RESOLVE,   ACT_NONE,
};
static const char *const incidents_aliases[] = {"incident", "inc", NULL};

const struct view_ops incidents_view = {
    .name = "incidents",
    .tenant_entry = true, /* offered by Enter on a tenant */
    .aliases = incidents_aliases,
    .title = "incidents",
    .columns = incidents_columns,
    .ncolumns = IC_COUNT,
    .state_size = sizeof(struct incidents_state),
    .source = "servicenow",
    .fini = incidents_fini,
    .stale = incidents_stale,
    .rebuild = incidents_rebuild,
    .count = incidents_count,
    .cell = incidents_cell,
    .row_key = incidents_row_key,
    .row_source = incidents_row_source,
    .next_tick = incidents_next_tick,
    .redundant = incidents_redundant,
    .sort = incidents_sort,
    .actions = incidents_actions,
    .request = incidents_request,
    .toggle = incidents_toggle,
    .rowless = incidents_rowless,
};
