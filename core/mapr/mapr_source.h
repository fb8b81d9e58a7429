/* What the MapR source offers its views beside its rows (core/mapr/mapr_model.h). */
#ifndef GC_CORE_MAPR_MAPR_SOURCE_H
#define GC_CORE_MAPR_MAPR_SOURCE_H

#include "core/source.h"

/* `d` on a volume (its name), a stream (its path) or a topic ("PATH:TOPIC"): every field the
 * API returns for it (/rest/volume/info, /rest/stream/info, /rest/stream/topic/info), as
 * JSON; `tenant` as the row's tenancy resolved it. NULL for another kind. Caller frees. */
struct source_request *mapr_request_detail(enum store_kind kind, const char *key,
                                           const char *tenant);

#endif
