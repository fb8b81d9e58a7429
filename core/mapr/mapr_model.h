/* MapR (HPE Data Fabric) REST answers as rows: volumes (/rest/volume/list), streams
 * (/rest/stream/info), their topics (/rest/stream/topic/list, /rest/stream/topic/info),
 * alarms (/rest/alarm/list), the newest snapshot of each volume (/rest/volume/snapshot/list)
 * and HttpFS GETFILESTATUS. Every answer is the maprcli envelope {"status": "OK", "total",
 * "data": [...]} or {"status": "ERROR", "errors": [{"id", "desc"}]}, whatever the HTTP status
 * says. The parsers touch nothing shared: they run on the worker pool. Every string is
 * sanitized. Sizes are in MB as the API gives them; times in epoch milliseconds, -1 when
 * unknown. */
#ifndef GC_CORE_MAPR_MAPR_MODEL_H
#define GC_CORE_MAPR_MAPR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

/* Where a dataset's newest-data time came from. */
enum mapr_newest_from {
    MAPR_NEWEST_NONE,     /* not known */
    MAPR_NEWEST_TOPICS,   /* a stream's topics' maxtimestamp */
    MAPR_NEWEST_HTTPFS,   /* the mount path's modificationTime (HttpFS) */
    MAPR_NEWEST_SNAPSHOT, /* the volume's newest snapshot */
};

/* Filled on the loop thread by the source when a row is stored: its tenant and what the
 * configuration expects of it. */
struct mapr_expect {
    const char *tenant; /* interned by the tenancy, NULL: none */
    int64_t cadence_ms; /* [dataset NAME] cadence, 0: no expectation */
    const char *owner;  /* [dataset NAME] owner (borrowed from the configuration), or NULL */
};

/* STORE_MAPR_VOLUME, uid = the volume name; a MapR-DB table's row too (mapr_parse_tables()),
 * uid = its path. */
struct mapr_volume {
    struct store_row row;
    char *name;
    char *mount;         /* mountdir; NULL when not mounted */
    char *type;          /* "volume", "mirror" for a mirror volume, "table" for a table */
    int64_t used_mb;     /* used (data, without snapshots) */
    int64_t quota_mb;    /* 0: none */
    int64_t advisory_mb; /* 0: none */
    int repl_desired;    /* numreplicas, -1 unknown */
    int repl_actual;     /* copies every byte has (actualreplication), -1 unknown */
    int64_t snapshots;   /* snapshotcount, -1 unknown */
    int64_t snap_newest_ms;
    int mirror_pct;         /* mirror-percent-complete of a mirror volume, -1: not a mirror */
    int64_t mirror_last_ms; /* lastSuccessfulMirrorTime */
    int64_t newest_ms;
    enum mapr_newest_from newest_from;
    struct mapr_expect x;
};

/* STORE_MAPR_STREAM, uid = the stream path. */
struct mapr_stream {
    struct store_row row;
    char *path;
    int64_t physical_b, logical_b; /* physicalsize, logicalsize (bytes), -1 unknown */
    int64_t ttl_s;                 /* -1 unknown */
    int ntopics, partitions;       /* -1 unknown */
    int64_t maxlag;                /* the largest consumer lag of its topics, -1 unknown */
    int64_t newest_ms;             /* the newest message of its topics */
    char *error;                   /* why its last poll failed, NULL when it did not */
    struct mapr_expect x;
};

/* STORE_MAPR_TOPIC, uid = "PATH:TOPIC". */
struct mapr_topic {
    struct store_row row;
    char *stream;
    char *name;
    int partitions, consumers;
    int64_t physical_b, logical_b;
    int64_t maxlag;
    int64_t maxoffset; /* the largest of its partitions, -1 unknown */
    int64_t newest_ms; /* maxtimestamp over its partitions (topic info), -1 unknown */
    const char *tenant;
};

/* STORE_MAPR_ALARM, uid = "ENTITY ALARM NAME". */
struct mapr_alarm {
    struct store_row row;
    char *entity; /* a volume name, a node ... */
    char *name;   /* "VOLUME_ALARM_QUOTA_EXCEEDED" */
    char *desc;
    int64_t since_ms;
    const char *tenant;
};

/* A snapshot list summarised per volume. */
struct mapr_snapshot_sum {
    char *volume;
    int64_t count;
    int64_t newest_ms;
};

/* Reads the envelope of `body`: its data array (a new reference, caller json_decref()s), or
 * NULL with *err (caller frees): "an HTML page, not the MapR REST API", "MapR: <desc>", "not
 * a MapR REST answer". The array is returned as a void * so that callers need not include
 * jansson. */
void *mapr_envelope(const char *body, size_t len, char **err);

/* The size of such an array, its JSON text (caller frees), and its release. */
size_t mapr_array_size(void *data);
char *mapr_array_text(void *data);
void mapr_array_free(void *data);

/* One line for a failed answer of the server (caller frees): the envelope's error, an HTML
 * page, or the HTTP status; sanitized by the caller. */
char *mapr_error_text(long status, const char *body, size_t len, const char *transport);

/* The rows of a list answer; *n rows (caller frees each with its kind's free and the array),
 * NULL with *err on a bad answer. An item without its key is skipped. The answers are read
 * straight from their text when it is in the plain form (core/jsonflat.h), else through
 * jansson; *fast (when not NULL) says which. */
struct mapr_volume **mapr_parse_volumes(const char *body, size_t len, size_t *n, bool *fast,
                                        char **err);
/* MapR-DB tables (/rest/table/metadata/list: path, numregions, totallogicalsize,
 * totalphysicalsize, owner) as STORE_MAPR_VOLUME rows of type "table": uid, name and mount
 * are the table's path (no volume name starts with '/'), used_mb its physical size; the
 * volume-only fields are -1. An item without a path is skipped. */
struct mapr_volume **mapr_parse_tables(const char *body, size_t len, size_t *n, bool *fast,
                                       char **err);
/* Whether a STORE_MAPR_VOLUME row is a table's. */
bool mapr_is_table(const struct mapr_volume *v);
struct mapr_alarm **mapr_parse_alarms(const char *body, size_t len, size_t *n, char **err);
/* The topics of stream `path` (topic list), without their newest times. */
struct mapr_topic **mapr_parse_topics(const char *path, const char *body, size_t len, size_t *n,
                                      char **err);
/* A topic info answer into *t: the newest maxtimestamp and the largest maxoffset over its
 * partitions. 0, or -1 with *err. */
int mapr_parse_topic_info(const char *body, size_t len, struct mapr_topic *t, char **err);
/* A stream info answer: the stream's row (no topics yet), NULL with *err. */
struct mapr_stream *mapr_parse_stream_info(const char *path, const char *body, size_t len,
                                           char **err);
/* A snapshot list summarised per volume: *n entries sorted by volume, one a volume
 * (mapr_snapshot_sums_free()). */
struct mapr_snapshot_sum *mapr_parse_snapshots(const char *body, size_t len, size_t *n, bool *fast,
                                               char **err);
/* A volume's entry in such a summary (binary search), or NULL. */
const struct mapr_snapshot_sum *mapr_snapshot_find(const struct mapr_snapshot_sum *s, size_t n,
                                                   const char *volume);
void mapr_snapshot_sums_free(struct mapr_snapshot_sum *s, size_t n);
/* HttpFS GETFILESTATUS: FileStatus.modificationTime, or -1 with *err. */
int64_t mapr_parse_filestatus(const char *body, size_t len, char **err);

/* A MapR time, "2018-03-16T01:48:46.943-0700 PM" (stream topic info: a 12-hour clock with its
 * zone and AM/PM) or epoch milliseconds as a number or string: epoch ms, or -1. */
int64_t mapr_parse_time(const char *s);

/* The tenant the source gave a row of a MapR kind when it stored it (NULL: none). */
const char *mapr_tenant_of_row(enum store_kind kind, const struct store_row *row);

/* Free a row of each kind (store_row_free_fn). */
void mapr_volume_free(struct store_row *row);
void mapr_stream_free(struct store_row *row);
void mapr_topic_free(struct store_row *row);
void mapr_alarm_free(struct store_row *row);
/* Whether two volume rows say the same (every field; their uid and store fields aside). */
bool mapr_volume_same(const struct mapr_volume *a, const struct mapr_volume *b);
bool mapr_stream_same(const struct mapr_stream *a, const struct mapr_stream *b);
bool mapr_topic_same(const struct mapr_topic *a, const struct mapr_topic *b);
/* A deep copy of a volume or stream row (to store again with a new value). */
struct mapr_volume *mapr_volume_dup(const struct mapr_volume *v);
struct mapr_stream *mapr_stream_dup(const struct mapr_stream *s);

/* ---- freshness ---------------------------------------------------------------------------- */

enum mapr_fresh {
    MAPR_FRESH_NONE,    /* no cadence configured: no verdict */
    MAPR_FRESH_UNKNOWN, /* a cadence, but no time of newest data */
    MAPR_FRESH_OK,
    MAPR_FRESH_LATE,    /* older than the cadence, within its grace */
    MAPR_FRESH_OVERDUE, /* older than the cadence and its grace */
};

/* The grace after the cadence before data is overdue: a quarter of the cadence, at least
 * 30 seconds. */
int64_t mapr_fresh_grace_ms(int64_t cadence_ms);

/* The verdict on data whose newest part is from `newest_ms` (-1 unknown), `now_ms`, against
 * `cadence_ms` (0: none). */
enum mapr_fresh mapr_fresh_verdict(int64_t cadence_ms, int64_t newest_ms, int64_t now_ms);

#endif
