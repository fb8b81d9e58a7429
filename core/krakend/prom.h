/* A reader of the Prometheus text exposition format (version 0.0.4), as KrakenD's metrics
 * endpoint serves it: one sample a line, `name{label="value",...} value [timestamp]`,
 * `# HELP name text` and `# TYPE name counter|gauge|histogram|summary|untyped`, other `#`
 * lines comments, empty lines ignored.
 *
 * - Tokens are separated by blanks and tabs; leading and trailing blanks are ignored.
 * - Label values are unescaped (\\, \" and \n); a HELP text too (\\ and \n). Any other
 *   escape, an unterminated value, a duplicate label name or a name that is not a metric
 *   or label name makes the line bad.
 * - Values are floats in the C locale whatever the process's (NaN, +Inf, -Inf, Inf);
 *   timestamps integers (milliseconds since the epoch), optional.
 * - The samples of a histogram (NAME_bucket with `le`, NAME_sum, NAME_count) and of a summary
 *   (NAME with `quantile`, NAME_sum, NAME_count) are reported with the family NAME and its
 *   TYPE, which must come before them.
 * - A bad line is skipped and counted (the first one's line number and reason are kept); it
 *   is never fatal: the rest of the text is read.
 *
 * Thread-safe: a worker may parse while the loop runs. The C locale is the calling
 * thread's for the call, the hooks included (strtod() in a hook reads "0.5" as 0.5). */
#ifndef GC_CORE_KRAKEND_PROM_H
#define GC_CORE_KRAKEND_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prom_type {
    PROM_UNTYPED,
    PROM_COUNTER,
    PROM_GAUGE,
    PROM_HISTOGRAM,
    PROM_SUMMARY,
};

struct prom_label {
    const char *name;
    const char *value; /* unescaped; not sanitized */
};

/* One sample; every pointer borrowed for the callback only. */
struct prom_sample {
    const char *name;   /* as written: "http_server_duration_bucket" */
    const char *family; /* "http_server_duration" for a histogram's or summary's samples,
                           else the name */
    enum prom_type type;/* the family's TYPE, PROM_UNTYPED without one */
    const struct prom_label *labels;
    size_t nlabels;
    double value;
    bool has_timestamp;
    int64_t timestamp_ms;
    size_t line;        /* 1-based */
};

struct prom_handler {
    /* Optional: each good sample. */
    void (*sample)(const struct prom_sample *s, void *arg);
    /* Optional: each HELP line (family and unescaped text, borrowed for the call). */
    void (*help)(const char *family, const char *text, void *arg);
    void *arg;
};

/* What a parse found. */
struct prom_result {
    size_t lines;         /* lines read (the last one without its newline too) */
    size_t samples;       /* good samples */
    size_t comments;      /* HELP, TYPE and other # lines that were good */
    size_t skipped;       /* bad lines */
    size_t first_skipped; /* line number of the first bad one; 0: none */
    char why[96];         /* why that line was bad */
};

/* Reads `len` bytes of `text` (no NUL needed), calling the handler's hooks in order. */
void prom_parse(const char *text, size_t len, const struct prom_handler *h,
                struct prom_result *res);

/* The value of label `name` of a sample, or NULL. */
const char *prom_label(const struct prom_sample *s, const char *name);

/* "counter", "gauge", ... */
const char *prom_type_name(enum prom_type t);

#endif
