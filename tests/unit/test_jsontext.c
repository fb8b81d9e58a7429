/* jsontext: skipping and pruning JSON text. The pruner's output is compared byte for byte
 * with what the rules should leave; malformed text is refused; and for every Kubernetes
 * object in ../shared/fixtures/k8s (lists and watch lines, wrapped as the informers wrap
 * them) and a few written here, the row parsed from the pruned text is the row parsed from
 * the whole text, field by field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jsontext.h"
#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"

/* ---- skipping ---- */

static void test_skip_string(void **state)
{
    static const struct {
        const char *text;
        int len; /* of the string token; -1 when it does not end */
    } cases[] = {
        {"\"abc\",", 5},       {"\"a\\\"b\"x", 6},    {"\"a\\\\\"x", 5},
        {"\"a\\\\\\\"b\"x", 8}, {"\"\\\\\\\\\"", 6},   {"\"abc", -1},
        {"\"a\\\"", -1},       {"\"\"", 2},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        const char *q = jsontext_skip_string(t, t + strlen(t));

        if (cases[i].len < 0) {
            assert_null(q);
        } else {
            assert_non_null(q);
            assert_int_equal(q - t, cases[i].len);
        }
    }
}

static void test_skip_value(void **state)
{
    static const struct {
        const char *text;
        int len; /* bytes skipped; -1 when the text ends first */
    } cases[] = {
        {"{\"a\":[1,{\"b\":\"}\"}]},x", 19},
        {"[\"]\",[]] ", 8},
        {"12.5e3,", 6},
        {"true}", 4},
        {"\"s\" ,", 3},
        {",", 0},
        {"{\"a\":1", -1},
        {"[[]", -1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        const char *q = jsontext_skip_value(t, t + strlen(t));

        if (cases[i].len < 0) {
            assert_null(q);
        } else {
            assert_non_null(q);
            assert_int_equal(q - t, cases[i].len);
        }
    }
}

/* ---- pruning ---- */

static const struct jsonprune_member keep_name_members[] = {{"name", NULL}, {NULL, NULL}};
static const struct jsonprune keep_name = {false, keep_name_members, NULL};
static const struct jsonprune_member drop_members[] = {
    {"managed", NULL}, {"list", &keep_name}, {"one", &keep_name}, {NULL, NULL}};
static const struct jsonprune drop_rules = {true, drop_members, NULL};

static void expect_pruned(const char *in, const struct jsonprune *rules, const char *want)
{
    struct jsontext_buf out = {0};

    assert_true(jsontext_prune(in, strlen(in), rules, &out));
    assert_string_equal(out.buf, want);
    assert_int_equal(out.len, strlen(want));
    free(out.buf);
}

static void test_prune_rules(void **state)
{
    (void)state;
    /* Deny list: the listed member goes, wherever it stands, and so do its commas. */
    expect_pruned("{\"managed\":{\"a\":[1,2]},\"x\":1}", &drop_rules, "{\"x\":1}");
    expect_pruned("{\"x\":1,\"managed\":[{}]}", &drop_rules, "{\"x\":1}");
    expect_pruned("{\"x\":1,\"managed\":null,\"y\":\"s\"}", &drop_rules, "{\"x\":1,\"y\":\"s\"}");
    expect_pruned("{\"managed\":1}", &drop_rules, "{}");
    expect_pruned("{}", &drop_rules, "{}");
    /* Whitespace between tokens goes; inside kept values it stays as written. */
    expect_pruned(" { \"x\" : [ 1, 2 ] ,\n \"managed\" : true , \"y\" : 3 \n} \n", &drop_rules,
                  "{\"x\":[ 1, 2 ],\"y\":3}");
    /* Allow list under a member, element by element in an array; non-objects kept. */
    expect_pruned("{\"list\":[{\"name\":\"a\",\"env\":[1]},{\"env\":{}},7,[1],{\"name\":\"b\"}]}",
                  &drop_rules, "{\"list\":[{\"name\":\"a\"},{},7,[1],{\"name\":\"b\"}]}");
    expect_pruned("{\"list\":[]}", &drop_rules, "{\"list\":[]}");
    expect_pruned("{\"one\":{\"image\":\"x\",\"name\":\"n\",\"z\":{}}}", &drop_rules,
                  "{\"one\":{\"name\":\"n\"}}");
    expect_pruned("{\"one\":\"scalar\"}", &drop_rules, "{\"one\":\"scalar\"}");
    /* A key written with escapes is never dropped: it may be the name a parser reads. */
    expect_pruned("{\"one\":{\"na\\u006de\":1,\"other\":2},\"manag\\u0065d\":3}", &drop_rules,
                  "{\"one\":{\"na\\u006de\":1},\"manag\\u0065d\":3}");
    /* Strings with quotes, brackets and backslashes inside are skipped whole. */
    expect_pruned("{\"managed\":\"a\\\"}],\\\\\",\"x\":\"{\\\"\"}", &drop_rules,
                  "{\"x\":\"{\\\"\"}");
    /* Duplicates stay as they were, so that the parser sees the same last one. */
    expect_pruned("{\"x\":1,\"x\":2}", &drop_rules, "{\"x\":1,\"x\":2}");
    /* A top-level array: its objects pruned. */
    expect_pruned("[{\"managed\":1,\"a\":2},{\"a\":3}]", &drop_rules, "[{\"a\":2},{\"a\":3}]");
}

/* Objects keyed by name: every member no rule names pruned by `each`; a named one by its rule. */
static void test_prune_each(void **state)
{
    static const struct jsonprune_member none[] = {{NULL, NULL}};
    static const struct jsonprune by_name = {false, none, &keep_name};
    static const struct jsonprune_member fixed[] = {{"count", NULL}, {NULL, NULL}};
    static const struct jsonprune by_name_count = {false, fixed, &keep_name};
    static const struct jsonprune nested = {false, none, &by_name};

    (void)state;
    expect_pruned("{\"web1\":{\"name\":\"a\",\"perf\":\"x\"},\"db\":{\"perf\":1}}", &by_name,
                  "{\"web1\":{\"name\":\"a\"},\"db\":{}}");
    /* a member a rule names follows its rule, not `each` */
    expect_pruned("{\"count\":{\"perf\":1},\"web1\":{\"name\":\"a\",\"x\":2}}", &by_name_count,
                  "{\"count\":{\"perf\":1},\"web1\":{\"name\":\"a\"}}");
    /* two levels of names (hosts, then their services); scalars kept as they are */
    expect_pruned("{\"h\":{\"ping\":{\"name\":\"p\",\"long\":\"...\"},\"n\":3}}", &nested,
                  "{\"h\":{\"ping\":{\"name\":\"p\"},\"n\":3}}");
    /* a name written with escapes is kept whole */
    expect_pruned("{\"w\\u0065b\":{\"name\":\"a\",\"perf\":1}}", &by_name,
                  "{\"w\\u0065b\":{\"name\":\"a\",\"perf\":1}}");
}

static void test_prune_refuses_malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "   ",
        "{",
        "{\"x\":1",
        "{\"x\":1,}",
        "{\"x\" 1}",
        "{x:1}",
        "{\"x\":}",
        "{\"managed\":}",
        "{\"managed\":[1,2}",
        "{\"x\":1}{}",
        "{\"x\":1} x",
        "[1,]",
        "[,1]",
        "{\"list\":[{\"name\":1]}",
        "{\"x\":\"unterminated}",
        "7",
    };
    struct jsontext_buf out = {0};

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (jsontext_prune(bad[i], strlen(bad[i]), &drop_rules, &out)) {
            fail_msg("accepted: %s -> %s", bad[i], out.buf);
        }
    }
    free(out.buf);
}

/* A raw NUL inside a key (found by fuzzing): compared by length, never as a C string, so
 * "managed\0x" is not "managed", and "a\0..." is not read past the rule's "a". */
static void test_prune_nul_in_key(void **state)
{
    static const char in[] = "{\"managed\0x\":1,\"one\0\0\0\0\0\0\0\0\":{\"z\":2},\"managed\":3}";
    static const char want[] = "{\"managed\0x\":1,\"one\0\0\0\0\0\0\0\0\":{\"z\":2}}";
    struct jsontext_buf out = {0};

    (void)state;
    assert_true(jsontext_prune(in, sizeof in - 1, &drop_rules, &out));
    assert_int_equal(out.len, sizeof want - 1);
    assert_memory_equal(out.buf, want, sizeof want - 1);
    free(out.buf);
}

/* The buffer is reused, and a smaller text after a larger one leaves nothing behind. */
static void test_prune_reuses_buffer(void **state)
{
    struct jsontext_buf out = {0};
    const char *big = "{\"a\":\"0123456789012345678901234567890123456789\"}";

    (void)state;
    assert_true(jsontext_prune(big, strlen(big), &drop_rules, &out));
    assert_true(jsontext_prune("{\"b\":1}", 7, &drop_rules, &out));
    assert_string_equal(out.buf, "{\"b\":1}");
    assert_int_equal(out.len, 7);
    free(out.buf);
}

/* ---- rows: pruned and whole agree ---- */

static void put_str(FILE *f, const char *name, const char *v)
{
    if (v != NULL) {
        fprintf(f, "%s='%s';", name, v);
    } else {
        fprintf(f, "%s=NULL;", name);
    }
}

/* Every field of a row, as text. */
static char *row_text(enum store_kind kind, const struct store_row *row)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    put_str(f, "uid", row->uid);
    switch (kind) {
    case STORE_POD: {
        const struct k8s_pod *p = (const struct k8s_pod *)row;

        put_str(f, "ns", p->ns);
        put_str(f, "name", p->name);
        put_str(f, "status", p->status);
        put_str(f, "node", p->node);
        put_str(f, "ip", p->ip);
        put_str(f, "app", p->app);
        put_str(f, "version", p->version);
        put_str(f, "containers", p->containers);
        put_str(f, "last_reason", p->last_reason);
        put_str(f, "owner", p->owner);
        fprintf(f, "ready=%u total=%u restarts=%" PRId32 " last=%" PRId64 " created=%" PRId64
                   " deleted=%" PRId64,
                p->ready, p->total, p->restarts, p->last_restart, p->created, p->deleted);
        break;
    }
    case STORE_DEPLOYMENT:
    case STORE_STATEFULSET: {
        const struct k8s_workload *w = (const struct k8s_workload *)row;

        put_str(f, "ns", w->ns);
        put_str(f, "name", w->name);
        put_str(f, "app", w->app);
        put_str(f, "version", w->version);
        put_str(f, "image_tag", w->image_tag);
        put_str(f, "stall", w->stall_reason);
        fprintf(f, "kind=%d rollout=%d desired=%" PRId32 " ready=%" PRId32 " updated=%" PRId32
                   " available=%" PRId32 " created=%" PRId64,
                (int)w->kind, (int)w->rollout, w->desired, w->ready, w->updated, w->available,
                w->created);
        break;
    }
    case STORE_REPLICASET: {
        const struct k8s_replicaset *r = (const struct k8s_replicaset *)row;

        put_str(f, "ns", r->ns);
        put_str(f, "name", r->name);
        put_str(f, "owner", r->owner_uid);
        put_str(f, "app", r->app);
        put_str(f, "version", r->version);
        fprintf(f, "revision=%" PRId64 " desired=%" PRId32 " current=%" PRId32
                   " ready=%" PRId32 " available=%" PRId32 " created=%" PRId64,
                r->revision, r->desired, r->current, r->ready, r->available, r->created);
        break;
    }
    case STORE_NAMESPACE: {
        const struct k8s_namespace *n = (const struct k8s_namespace *)row;

        put_str(f, "name", n->name);
        put_str(f, "tenant", n->tenant);
        put_str(f, "display", n->display);
        put_str(f, "phase", n->phase);
        put_str(f, "labels", n->labels);
        fprintf(f, "created=%" PRId64, n->created);
        break;
    }
    case STORE_EVENT: {
        const struct k8s_event *e = (const struct k8s_event *)row;

        put_str(f, "ns", e->ns);
        put_str(f, "obj_kind", e->obj_kind);
        put_str(f, "obj_name", e->obj_name);
        put_str(f, "obj_uid", e->obj_uid);
        put_str(f, "reason", e->reason);
        put_str(f, "message", e->message);
        put_str(f, "source", e->source);
        fprintf(f, "type=%d count=%" PRId32 " first=%" PRId64 " last=%" PRId64, (int)e->type,
                e->count, e->first, e->last);
        break;
    }
    case STORE_QUOTA: {
        const struct k8s_quota *q = (const struct k8s_quota *)row;

        put_str(f, "ns", q->ns);
        put_str(f, "name", q->name);
        put_str(f, "cpu_key", q->cpu_key);
        put_str(f, "mem_key", q->mem_key);
        fprintf(f, "cpu=%" PRId64 "/%" PRId64 " mem=%" PRId64 "/%" PRId64 " pods=%" PRId64
                   "/%" PRId64 " created=%" PRId64,
                q->cpu_used, q->cpu_hard, q->mem_used, q->mem_hard, q->pods_used, q->pods_hard,
                q->created);
        break;
    }
    case STORE_NODE: {
        const struct k8s_node *n = (const struct k8s_node *)row;

        put_str(f, "name", n->name);
        put_str(f, "status", n->status);
        put_str(f, "roles", n->roles);
        put_str(f, "version", n->version);
        put_str(f, "taints", n->taints);
        fprintf(f, "ready=%d unschedulable=%d cpu=%" PRId64 " mem=%" PRId64 " pods=%" PRId64
                   " created=%" PRId64,
                (int)n->ready, (int)n->unschedulable, n->cpu_alloc, n->mem_alloc, n->pods_alloc,
                n->created);
        break;
    }
    default:
        fail_msg("no text for store kind %d", (int)kind);
    }
    fclose(f);
    return buf;
}

static enum store_kind kind_of(const char *k)
{
    static const struct {
        const char *name;
        enum store_kind kind;
    } kinds[] = {{"Pod", STORE_POD},          {"Deployment", STORE_DEPLOYMENT},
                 {"StatefulSet", STORE_STATEFULSET}, {"ReplicaSet", STORE_REPLICASET},
                 {"Namespace", STORE_NAMESPACE}, {"Event", STORE_EVENT},
                 {"ResourceQuota", STORE_QUOTA}, {"Node", STORE_NODE}};
    size_t n = k != NULL ? strlen(k) : 0;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t kl = strlen(kinds[i].name);

        /* "Pod" and "PodList" */
        if (k != NULL && strncmp(k, kinds[i].name, kl) == 0 &&
            (n == kl || strcmp(k + kl, "List") == 0)) {
            return kinds[i].kind;
        }
    }
    return STORE_KIND_COUNT;
}

/* Rows compared per kind, to show that each kind's rules met real objects; bytes before and
 * after pruning. */
static size_t compared[STORE_KIND_COUNT];
static size_t bytes_whole, bytes_pruned;

/* Parses `obj` (whole) and `pruned_obj` as `kind`, and compares the rows, or that both
 * refuse it. */
static void expect_same_row(enum store_kind kind, const json_t *obj, const json_t *pruned_obj,
                            const char *where)
{
    struct store_row *a = k8s_row_parse(kind, obj, NULL);
    struct store_row *b = k8s_row_parse(kind, pruned_obj, NULL);
    store_row_free_fn free_row = k8s_row_free_fn(kind);

    if (a == NULL || b == NULL) {
        if (a != b) {
            fail_msg("%s: parsed %s whole, %s pruned", where, a ? "ok" : "not", b ? "ok" : "not");
        }
        return;
    }
    {
        char *ta = row_text(kind, a), *tb = row_text(kind, b);

        if (strcmp(ta, tb) != 0) {
            fail_msg("%s:\n whole:  %s\n pruned: %s", where, ta, tb);
        }
        free(ta);
        free(tb);
    }
    compared[kind]++;
    free_row(a);
    free_row(b);
}

/* One list page or watch line (its kind read from the text), pruned as the informers prune
 * it: the kind's rules under "object" and "items". */
static void check_text(const char *text, size_t len, const char *where)
{
    json_error_t jerr;
    json_t *whole = json_loadb(text, len, 0, &jerr), *pruned, *items, *pitems;
    struct jsontext_buf out = {0};
    struct jsonprune_member wrap[3] = {{"object", NULL}, {"items", NULL}, {NULL, NULL}};
    struct jsonprune rules = {true, wrap, NULL};
    enum store_kind kind;
    bool watch;

    if (whole == NULL) {
        fail_msg("%s: %s", where, jerr.text);
    }
    watch = json_is_object(json_object_get(whole, "object"));
    kind = kind_of(json_string_value(
        json_object_get(watch ? json_object_get(whole, "object") : whole, "kind")));
    if (kind == STORE_KIND_COUNT) {
        json_decref(whole);
        return; /* a Status, metrics: not an informer's kind */
    }
    wrap[0].sub = wrap[1].sub = k8s_row_prune(kind);
    assert_non_null(wrap[0].sub);
    assert_true(jsontext_prune(text, len, &rules, &out));
    assert_true(out.len <= len);
    bytes_whole += len;
    bytes_pruned += out.len;
    pruned = json_loadb(out.buf, out.len, 0, &jerr);
    if (pruned == NULL) {
        fail_msg("%s: pruned text does not parse: %s", where, jerr.text);
    }
    if (watch) {
        assert_string_equal(json_string_value(json_object_get(whole, "type")),
                            json_string_value(json_object_get(pruned, "type")));
        expect_same_row(kind, json_object_get(whole, "object"), json_object_get(pruned, "object"),
                        where);
    } else {
        items = json_object_get(whole, "items");
        pitems = json_object_get(pruned, "items");
        assert_true(json_equal(json_object_get(whole, "metadata"),
                               json_object_get(pruned, "metadata")));
        assert_int_equal(json_array_size(items), json_array_size(pitems));
        for (size_t i = 0; i < json_array_size(items); i++) {
            expect_same_row(kind, json_array_get(items, i), json_array_get(pitems, i), where);
        }
    }
    json_decref(pruned);
    json_decref(whole);
    free(out.buf);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n;

    assert_non_null(f);
    *len = 0;
    do {
        if (*len + 65536 > cap) {
            cap = cap * 2 + 65536;
            buf = xrealloc(buf, cap);
        }
        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    return buf;
}

static void test_fixtures_agree(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *dir = xasprintf("%s/../shared/fixtures/k8s",
                          root != NULL && root[0] != '\0' ? root : ".");
    DIR *d = opendir(dir);
    struct dirent *de;

    (void)state;
    if (d == NULL) {
        printf("# shared fixtures not found at %s; fixture objects not checked\n", dir);
        free(dir);
        return;
    }
    memset(compared, 0, sizeof compared);
    bytes_whole = bytes_pruned = 0;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name), len;
        char *path, *text;

        if (!(nl > 5 && strcmp(de->d_name + nl - 5, ".json") == 0) &&
            !(nl > 7 && strcmp(de->d_name + nl - 7, ".ndjson") == 0)) {
            continue;
        }
        path = xasprintf("%s/%s", dir, de->d_name);
        text = slurp(path, &len);
        if (strcmp(de->d_name + nl - 7, ".ndjson") == 0) {
            for (size_t s = 0, i = 0; i <= len; i++) {
                if (i == len || text[i] == '\n') {
                    if (i > s) {
                        check_text(text + s, i - s, path);
                    }
                    s = i + 1;
                }
            }
        } else {
            check_text(text, len, path);
        }
        free(text);
        free(path);
    }
    closedir(d);
    free(dir);
    /* Each kind the fixtures hold was met (there are no ReplicaSets or StatefulSets there;
     * test_written_objects_agree and test_informer_sim cover those). */
    assert_true(compared[STORE_POD] >= 10);
    assert_true(compared[STORE_DEPLOYMENT] >= 2);
    assert_true(compared[STORE_EVENT] >= 3);
    assert_true(compared[STORE_NAMESPACE] >= 2);
    /* And the rules left a good part out (managedFields, specs): 0.24 of the bytes are left. */
    printf("# fixtures: %zu bytes whole, %zu pruned\n", bytes_whole, bytes_pruned);
    assert_true(bytes_pruned * 10 < bytes_whole * 8);
}

/* Objects written for the rules' edges: a sidecar's restartPolicy, spec members written with
 * escapes, a template full of members, a ReplicaSet's owner and revision. */
static void test_written_objects_agree(void **state)
{
    static const char *const lines[] = {
        "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
        "\"namespace\":\"dmi\",\"uid\":\"u1\",\"labels\":{\"app.kubernetes.io/name\":\"a\"},"
        "\"annotations\":{\"x\":\"y\"},\"managedFields\":[{\"f\":{}}]},\"spec\":{\"node\\u004eame\":"
        "\"n1\",\"initContainers\":[{\"name\":\"side\",\"restartPolicy\":\"Always\",\"image\":"
        "\"i\"}],\"containers\":[{\"name\":\"c\",\"env\":[{\"name\":\"E\"}],\"image\":\"i\"},{}],"
        "\"volumes\":[{\"name\":\"v\"}]},\"status\":{\"phase\":\"Running\",\"conditions\":[{"
        "\"type\":\"Initialized\",\"status\":\"True\"}],\"initContainerStatuses\":[{\"name\":"
        "\"side\",\"started\":true,\"ready\":true,\"restartCount\":2,\"state\":{\"running\":{}}}],"
        "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":1,\"state\":{"
        "\"running\":{}},\"lastState\":{\"terminated\":{\"reason\":\"OOMKilled\",\"finishedAt\":"
        "\"2026-11-01T00:00:00Z\"}}}]}}}",
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\","
        "\"namespace\":\"dmi\",\"uid\":\"u2\",\"generation\":3,\"managedFields\":[]},\"spec\":{"
        "\"replicas\":3,\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{"
        "\"containers\":[{\"name\":\"c\",\"image\":\"reg/x:1.5\",\"env\":[]}],\"volumes\":[]}}},"
        "\"status\":{\"observedGeneration\":3,\"replicas\":3,\"updatedReplicas\":3,"
        "\"readyReplicas\":3,\"availableReplicas\":3,\"conditions\":[{\"type\":\"Progressing\","
        "\"status\":\"True\",\"reason\":\"NewReplicaSetAvailable\"}]}}}",
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"s\","
        "\"namespace\":\"dmi\",\"uid\":\"u3\",\"generation\":2},\"spec\":{\"replicas\":2,"
        "\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":1}},"
        "\"template\":{\"spec\":{\"containers\":[{\"image\":\"db:14\"}]}}},\"status\":{"
        "\"observedGeneration\":2,\"readyReplicas\":2,\"updatedReplicas\":1,\"updateRevision\":"
        "\"r2\",\"currentRevision\":\"r1\"}}}",
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"r\","
        "\"namespace\":\"dmi\",\"uid\":\"u4\",\"annotations\":{"
        "\"deployment.kubernetes.io/revision\":\"7\"},\"ownerReferences\":[{\"kind\":"
        "\"Deployment\",\"uid\":\"u2\",\"controller\":true}],\"managedFields\":[{}]},\"spec\":{"
        "\"replicas\":2,\"template\":{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}},"
        "\"status\":{\"replicas\":2,\"readyReplicas\":1,\"availableReplicas\":1}}}",
        "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
        "\"namespace\":\"dmi\",\"uid\":\"u1\",\"resourceVersion\":\"9\"},\"spec\":{}}}",
    };

    (void)state;
    memset(compared, 0, sizeof compared);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        check_text(lines[i], strlen(lines[i]), lines[i]);
    }
    assert_int_equal(compared[STORE_POD], 2);
    assert_int_equal(compared[STORE_DEPLOYMENT], 1);
    assert_int_equal(compared[STORE_STATEFULSET], 1);
    assert_int_equal(compared[STORE_REPLICASET], 1);
}

/* The inputs under tests/data/k8s (nodes: a status with images, managedFields, annotations
 * the parser never reads). */
static void test_data_agree(void **state)
{
    const char *root = getenv("GC_ROOT");
    char *path = xasprintf("%s/tests/data/k8s/nodelist.json",
                           root != NULL && root[0] != '\0' ? root : ".");
    size_t len;
    char *text = slurp(path, &len);

    (void)state;
    memset(compared, 0, sizeof compared);
    bytes_whole = bytes_pruned = 0;
    check_text(text, len, path);
    assert_int_equal(compared[STORE_NODE], 3);
    assert_true(bytes_pruned < bytes_whole);
    free(text);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skip_string),
        cmocka_unit_test(test_skip_value),
        cmocka_unit_test(test_prune_rules),
        cmocka_unit_test(test_prune_each),
        cmocka_unit_test(test_prune_refuses_malformed),
        cmocka_unit_test(test_prune_nul_in_key),
        cmocka_unit_test(test_prune_reuses_buffer),
        cmocka_unit_test(test_fixtures_agree),
        cmocka_unit_test(test_written_objects_agree),
        cmocka_unit_test(test_data_agree),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
