/* What sim/mapr/'s files share: maprcli's envelope (as a tree, or written as text for the long
 * lists) and its error. */
#ifndef GC_SIM_MAPR_MAPR_H
#define GC_SIM_MAPR_MAPR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/jbuf.h"
#include "sim/router.h"

/* The error id maprcli reports for a command it does not know (EINVAL). */
#define MAPR_EINVAL 22
/* ... and for an object that does not exist (ENOENT). */
#define MAPR_ENOENT 2

/* {"timestamp","timeofday","status"}: the envelope's head (a new object). */
json_t *mapr_envelope(const char *status);
/* An OK envelope around data (both references taken), with total = its size. */
enum MHD_Result mapr_ok(const struct router_request *req, json_t *data);
enum MHD_Result mapr_json(const struct router_request *req, unsigned status, json_t *doc);
/* An OK answer written as text rather than built as a tree, for the long lists:
 * mapr_text_open writes the envelope's head with `total` (the number of items that follow) up
 * to the data array; per item, mapr_text_item (i counts from 0), per member mapr_text_member
 * (first: the item's first) and then its value as JSON, and mapr_text_item_end;
 * mapr_text_queue closes the envelope and sends it (b is left empty). */
void mapr_text_open(struct jbuf *b, size_t total);
void mapr_text_item(struct jbuf *b, size_t i);
void mapr_text_member(struct jbuf *b, bool first, const char *key);
void mapr_text_item_end(struct jbuf *b);
enum MHD_Result mapr_text_queue(const struct router_request *req, struct jbuf *b);
enum MHD_Result mapr_error(const struct router_request *req, unsigned status, int id,
                           const char *desc);

/* sim/mapr/datasets.c: volumes, snapshots, streams, topics and alarms of the world's
 * tenants under /rest/ (COMMAND is the path after /rest/), HttpFS under /webhdfs/v1/, and
 * the /_sim/mapr/ control endpoints. Each returns MHD_NO only when MHD should drop the
 * connection; mapr_datasets_serve sets *served false for a command it does not know. */
enum MHD_Result mapr_datasets_serve(const struct router_request *req, const char *command,
                                    bool *served);
enum MHD_Result mapr_httpfs_serve(const struct router_request *req);
enum MHD_Result mapr_control(void *state, const struct router_request *req);
/* Whether /_sim/mapr/fail set every /rest/ answer to an ERROR envelope or an HTML page: then
 * it answers so and returns true. */
bool mapr_failing(const struct router_request *req, enum MHD_Result *result);

#endif
