/* ServiceNow's Table API (/api/now/table/TABLE and /api/now/v2/table/TABLE): here the
 * sys_user table, the other tables in sn_table.c (incidents, changes, journal, groups,
 * companies, service CIs). sys_user holds the instance's admin, the --basic-auth user (an integration account) and
 * two people of each tenant, derived from the world and its seed. Records are what the Table
 * API returns without sysparm_display_value: every value a string, references
 * {"link","value"}. Errors have ServiceNow's shape {"error":{"message","detail"},
 * "status":"failure"}, with the HTTP status as the only code. */
#include "sim/router.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/servicenow/sn_table.h"
#include "sim/sim_util.h"

#define SN_PREFIX "/api/now/"
#define SN_REALM "Basic realm=\"Service-now\""
#define SN_JSON "application/json;charset=UTF-8"
/* ServiceNow's date-time, in UTC. */
#define SN_TIME "%Y-%m-%d %H:%M:%S"

/* A person's name as shown, and as it goes into a user name. */
struct sn_name {
    const char *shown;
    const char *plain;
};

static const struct sn_name first_names[] = {
    {"Anne", "anne"},         {"Lars", "lars"},     {"Mette", "mette"},   {"Søren", "soren"},
    {"Camilla", "camilla"},   {"Jens", "jens"},     {"Louise", "louise"}, {"Henrik", "henrik"},
    {"Sofie", "sofie"},       {"Mads", "mads"},     {"Ida", "ida"},       {"Rasmus", "rasmus"},
    {"Birgitte", "birgitte"}, {"Jørgen", "jorgen"}, {"Freja", "freja"},   {"Niels", "niels"},
};
static const struct sn_name last_names[] = {
    {"Nielsen", "nielsen"},       {"Jensen", "jensen"},
    {"Hansen", "hansen"},         {"Pedersen", "pedersen"},
    {"Andersen", "andersen"},     {"Christensen", "christensen"},
    {"Larsen", "larsen"},         {"Sørensen", "sorensen"},
    {"Rasmussen", "rasmussen"},   {"Jørgensen", "jorgensen"},
    {"Petersen", "petersen"},     {"Madsen", "madsen"},
    {"Kristensen", "kristensen"}, {"Olsen", "olsen"},
    {"Thomsen", "thomsen"},       {"Christiansen", "christiansen"},
};

#define N_FIRST (sizeof(first_names) / sizeof(first_names[0]))
#define N_LAST (sizeof(last_names) / sizeof(last_names[0]))

/* One sys_user record, before it is written out. */
struct sn_user {
    char sys_id[33];
    char user_name[64];
    char first[32];
    char last[32];
    char email[96];
    char title[48];
    char company_id[33]; /* core_company sys_id, "" = none */
    char department_id[33];
    char employee_number[16];
    int64_t created;
    bool integration; /* web_service_access_only */
};

/* A sys_id: 32 hex digits derived from a key. */
static void sys_id_of(const char *key, uint64_t salt, char out[33])
{
    uint64_t a = sim_hash64(key, strlen(key), salt);
    uint64_t b = sim_hash64(key, strlen(key), salt ^ 0x5bd1e995u);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

/* True when some user before index n already has this user_name. */
static bool name_taken(const struct sn_user *users, size_t n, const char *user_name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(users[i].user_name, user_name) == 0) {
            return true;
        }
    }
    return false;
}

/* The sys_user table as the world makes it. Caller frees; *n receives the count. */
static struct sn_user *sn_users(const struct router_request *req, size_t *n)
{
    struct world *w = req->world;
    world_lock(w);
    size_t pos = 0;
    size_t tenants = 0;
    while (world_tenant_next(w, &pos)) {
        tenants++;
    }
    struct sn_user *u = sim_xcalloc(2 + 2 * tenants, sizeof(*u));
    size_t k = 0;
    int64_t epoch = w->start_time - 400 * 86400;
    /* The instance's own administrator. */
    snprintf(u[k].user_name, sizeof(u[k].user_name), "admin");
    snprintf(u[k].first, sizeof(u[k].first), "System");
    snprintf(u[k].last, sizeof(u[k].last), "Administrator");
    snprintf(u[k].email, sizeof(u[k].email), "admin@govcloud.sit.dk");
    u[k].created = epoch;
    k++;
    const char *auth = req->cfg->basic_auth;
    if (auth && strncmp(auth, "admin:", 6) != 0) {
        snprintf(u[k].user_name, sizeof(u[k].user_name), "%.*s", (int)(strchr(auth, ':') - auth),
                 auth);
        snprintf(u[k].first, sizeof(u[k].first), "GovConsole");
        snprintf(u[k].last, sizeof(u[k].last), "Integration");
        snprintf(u[k].title, sizeof(u[k].title), "Integration account");
        snprintf(u[k].email, sizeof(u[k].email), "%s@govcloud.sit.dk", u[k].user_name);
        u[k].created = epoch + 86400;
        u[k].integration = true;
        k++;
    }
    static const char *const titles[] = {"Service owner", "Developer"};
    pos = 0;
    const struct world_ns *t;
    while ((t = world_tenant_next(w, &pos))) {
        char key[96];
        snprintf(key, sizeof(key), "core_company/%s", t->tenant);
        char company[33];
        sys_id_of(key, w->cfg.seed, company);
        snprintf(key, sizeof(key), "cmn_department/%s", t->tenant);
        char department[33];
        sys_id_of(key, w->cfg.seed, department);
        for (int p = 0; p < 2; p++) {
            uint64_t h = sim_hash64(t->tenant, strlen(t->tenant), w->cfg.seed * 2 + (uint64_t)p);
            const struct sn_name *f = &first_names[h % N_FIRST];
            const struct sn_name *l = &last_names[(h >> 16) % N_LAST];
            struct sn_user *x = &u[k];
            snprintf(x->user_name, sizeof(x->user_name), "%s.%s", f->plain, l->plain);
            for (int suffix = 2; name_taken(u, k, x->user_name); suffix++) {
                snprintf(x->user_name, sizeof(x->user_name), "%s.%s%d", f->plain, l->plain, suffix);
            }
            snprintf(x->first, sizeof(x->first), "%s", f->shown);
            snprintf(x->last, sizeof(x->last), "%s", l->shown);
            snprintf(x->email, sizeof(x->email), "%s@%s.dk", x->user_name, t->tenant);
            snprintf(x->title, sizeof(x->title), "%s", titles[p]);
            memcpy(x->company_id, company, sizeof(company));
            memcpy(x->department_id, department, sizeof(department));
            snprintf(x->employee_number, sizeof(x->employee_number), "%06u",
                     (unsigned)((h >> 32) % 1000000));
            x->created = epoch + (int64_t)((h >> 8) % (300 * 86400));
            k++;
        }
    }
    world_unlock(w);
    for (size_t i = 0; i < k; i++) {
        char key[96];
        snprintf(key, sizeof(key), "sys_user/%s", u[i].user_name);
        sys_id_of(key, w->cfg.seed, u[i].sys_id);
    }
    *n = k;
    return u;
}

/* A reference field {"link","value"}, or "" when there is none. */
static json_t *reference(const struct router_request *req, const char *table, const char *id)
{
    if (!id[0]) {
        return json_string("");
    }
    char link[160];
    snprintf(link, sizeof(link), "http://127.0.0.1:%u/api/now/table/%s/%s",
             router_port(req->router), table, id);
    return json_pack("{s:s,s:s}", "link", link, "value", id);
}

/* The record as the Table API returns it (field order as ServiceNow's: alphabetical). */
static json_t *user_record(const struct router_request *req, const struct sn_user *u)
{
    char name[72];
    snprintf(name, sizeof(name), "%s %s", u->first, u->last);
    char created[20];
    sim_format_utc(u->created, SN_TIME, created, sizeof(created));
    json_t *r = json_object();
    json_object_set_new(r, "active", json_string("true"));
    json_object_set_new(r, "company", reference(req, "core_company", u->company_id));
    json_object_set_new(r, "department", reference(req, "cmn_department", u->department_id));
    json_object_set_new(r, "email", json_string(u->email));
    json_object_set_new(r, "employee_number", json_string(u->employee_number));
    json_object_set_new(r, "first_name", json_string(u->first));
    json_object_set_new(r, "last_login_time", json_string(""));
    json_object_set_new(r, "last_name", json_string(u->last));
    json_object_set_new(r, "locked_out", json_string("false"));
    json_object_set_new(r, "manager", json_string(""));
    json_object_set_new(r, "mobile_phone", json_string(""));
    json_object_set_new(r, "name", json_string(name));
    json_object_set_new(r, "notification", json_string("2"));
    json_object_set_new(r, "phone", json_string(""));
    json_object_set_new(r, "preferred_language", json_string("en"));
    json_object_set_new(r, "sys_class_name", json_string("sys_user"));
    json_object_set_new(r, "sys_created_by", json_string("admin"));
    json_object_set_new(r, "sys_created_on", json_string(created));
    json_object_set_new(r, "sys_id", json_string(u->sys_id));
    json_object_set_new(r, "sys_mod_count", json_string("0"));
    json_object_set_new(r, "sys_updated_by", json_string("admin"));
    json_object_set_new(r, "sys_updated_on", json_string(created));
    json_object_set_new(r, "time_zone", json_string("Europe/Copenhagen"));
    json_object_set_new(r, "title", json_string(u->title));
    json_object_set_new(r, "user_name", json_string(u->user_name));
    json_object_set_new(r, "vip", json_string("false"));
    json_object_set_new(r, "web_service_access_only",
                        json_string(u->integration ? "true" : "false"));
    return r;
}

/* A value to compare a query with: a plain string field, or a reference's sys_id. */
static const char *field_text(json_t *record, const char *field)
{
    json_t *v = json_object_get(record, field);
    if (json_is_object(v)) {
        v = json_object_get(v, "value");
    }
    return json_string_value(v);
}

/* True when the record matches every field=value of an encoded query ("a=1^b=2") and every
 * field=value query parameter naming one of its fields. */
static bool record_matches(struct MHD_Connection *conn, json_t *record)
{
    const char *key;
    json_t *value;
    json_object_foreach (record, key, value) {
        const char *want = router_arg(conn, key);
        const char *have = field_text(record, key);
        if (want && (!have || strcmp(want, have) != 0)) {
            return false;
        }
    }
    const char *query = router_arg(conn, "sysparm_query");
    if (!query || !*query) {
        return true;
    }
    char *copy = sim_xstrdup(query);
    bool ok = true;
    char *save = NULL;
    for (char *term = strtok_r(copy, "^", &save); term && ok; term = strtok_r(NULL, "^", &save)) {
        char *eq = strchr(term, '=');
        if (!eq) {
            continue; /* an ordering or an operator govsim does not filter by */
        }
        *eq = '\0';
        const char *have = field_text(record, term);
        ok = have && strcmp(have, eq + 1) == 0;
    }
    free(copy);
    return ok;
}

/* Keeps only the fields named in sysparm_fields (when given). */
static void keep_fields(struct MHD_Connection *conn, json_t *record)
{
    const char *fields = router_arg(conn, "sysparm_fields");
    if (!fields || !*fields) {
        return;
    }
    json_t *keep = json_object();
    char *copy = sim_xstrdup(fields);
    char *save = NULL;
    for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        json_t *v = json_object_get(record, f);
        if (v) {
            json_object_set(keep, f, v);
        }
    }
    free(copy);
    json_object_clear(record);
    json_object_update(record, keep);
    json_decref(keep);
}

static enum MHD_Result sn_error(const struct router_request *req, unsigned status,
                                const char *message, const char *detail, const char *const *headers)
{
    json_t *doc = json_pack("{s:{s:s,s:s?},s:s}", "error", "message", message, "detail", detail,
                            "status", "failure");
    return router_queue_json_as(req->conn, status, SN_JSON, doc, JSON_COMPACT, headers);
}

/* A non-negative integer parameter, or def when absent; -1 when it is not one. */
static long long count_arg(struct MHD_Connection *conn, const char *key, long long def)
{
    const char *v = router_arg(conn, key);
    if (!v || !*v) {
        return def;
    }
    char *end;
    long long n = strtoll(v, &end, 10);
    return *end || n < 0 ? -1 : n;
}

/* GET .../table/sys_user[/SYS_ID]. */
static enum MHD_Result sys_user(const struct router_request *req, const char *sys_id)
{
    size_t n;
    struct sn_user *users = sn_users(req, &n);
    if (sys_id) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(users[i].sys_id, sys_id) == 0) {
                json_t *r = user_record(req, &users[i]);
                keep_fields(req->conn, r);
                free(users);
                return router_queue_json_as(req->conn, 200, SN_JSON,
                                            json_pack("{s:o}", "result", r), JSON_COMPACT, NULL);
            }
        }
        free(users);
        return sn_error(req, 404, "No Record found",
                        "Record doesn't exist or ACL restricts the record retrieval", NULL);
    }
    long long limit = count_arg(req->conn, "sysparm_limit", 10000);
    long long offset = count_arg(req->conn, "sysparm_offset", 0);
    if (limit < 0 || offset < 0) {
        free(users);
        return sn_error(req, 400, "Invalid request",
                        "sysparm_limit and sysparm_offset must be "
                        "non-negative integers",
                        NULL);
    }
    json_t *result = json_array();
    long long total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *r = user_record(req, &users[i]);
        if (!record_matches(req->conn, r)) {
            json_decref(r);
            continue;
        }
        if (total >= offset && (long long)json_array_size(result) < limit) {
            keep_fields(req->conn, r);
            json_array_append(result, r);
        }
        json_decref(r);
        total++;
    }
    free(users);
    char count[24];
    snprintf(count, sizeof(count), "%lld", total);
    const char *const headers[] = {"X-Total-Count", count, NULL};
    return router_queue_json_as(req->conn, 200, SN_JSON, json_pack("{s:o}", "result", result),
                                JSON_COMPACT, headers);
}

static void *servicenow_start(struct router *router, const struct router_config *cfg)
{
    (void)router;
    (void)cfg;
    return sn_db_new();
}

static void servicenow_stop(void *state)
{
    sn_db_free(state);
}

static enum MHD_Result servicenow_serve(void *state, const struct router_request *req)
{
    char user[128];
    if (strcmp(req->url, "/oauth_token.do") == 0) {
        return sn_db_oauth(state, req);
    }
    const char *authz = router_header(req->conn, "Authorization");
    if (authz && strncmp(authz, "Bearer ", 7) == 0 && sn_db_token_ok(state, authz + 7)) {
        const char *pair = req->cfg->basic_auth; /* an OAuth session is that user's */
        const char *colon = pair ? strchr(pair, ':') : NULL;
        snprintf(user, sizeof(user), "%.*s", colon ? (int)(colon - pair) : 5, colon ? pair : "admin");
    } else if (!router_basic_auth(req, user, sizeof(user))) {
        static const char *const challenge[] = {"WWW-Authenticate", SN_REALM, NULL};
        return sn_error(req, 401, "User is not authenticated",
                        "Required to provide Auth information", challenge);
    }
    const char *path = req->url + strlen(SN_PREFIX);
    if (strncmp(path, "v2/", 3) == 0) {
        path += 3;
    }
    if (strncmp(path, "table/", 6) != 0 || !path[6]) {
        return sn_error(req, 400, "Requested URI does not represent any resource", NULL, NULL);
    }
    char table[80];
    snprintf(table, sizeof(table), "%s", path + 6);
    char *slash = strchr(table, '/');
    const char *sys_id = NULL;
    if (slash) {
        *slash = '\0';
        sys_id = path + 6 + (slash - table) + 1;
    }
    if (sn_db_serves(table)) {
        struct sn_db *db = state;
        if (!sn_db_seeded(db)) {
            size_t n;
            struct sn_user *users = sn_users(req, &n);
            for (size_t i = 0; i < n; i++) {
                char name[72];
                snprintf(name, sizeof(name), "%s %s", users[i].first, users[i].last);
                sn_db_add_user(db, users[i].sys_id, users[i].user_name, name);
            }
            free(users);
        }
        return sn_db_serve(db, req, table, sys_id && *sys_id ? sys_id : NULL,
                           user[0] ? user : "admin");
    }
    if (strcmp(table, "sys_user") != 0) {
        char message[128];
        snprintf(message, sizeof(message), "Invalid table %s", table);
        return sn_error(req, 400, message, NULL, NULL);
    }
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        return sn_error(req, 405, "Method not Supported", "govsim serves GET of the Table API only",
                        NULL);
    }
    return sys_user(req, sys_id && *sys_id ? sys_id : NULL);
}

static const char *const servicenow_prefixes[] = {SN_PREFIX, "/oauth_token.do", NULL};

const struct sim_api servicenow_api = {
    .name = "servicenow",
    .prefixes = servicenow_prefixes,
    .start = servicenow_start,
    .stop = servicenow_stop,
    .serve = servicenow_serve,
};
