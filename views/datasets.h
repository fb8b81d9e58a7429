/* What the datasets view tells other views (the tenants view's DATASETS column). */
#ifndef GC_VIEWS_DATASETS_H
#define GC_VIEWS_DATASETS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mapr/mapr_model.h"
#include "core/store.h"

/* The freshness verdict on a row of STORE_MAPR_VOLUME or STORE_MAPR_STREAM at `now` (epoch
 * seconds). */
enum mapr_fresh datasets_verdict(enum store_kind kind, const struct store_row *row, int64_t now);

/* When (epoch seconds) the row turns overdue by time alone, its newest data staying as it is;
 * -1 when it has no cadence, no time of newest data, or is overdue already at `now`. */
int64_t datasets_overdue_at(enum store_kind kind, const struct store_row *row, int64_t now);

/* Whether the dataset's own polls fail (a stream MapR answers an error for). */
bool datasets_failing(enum store_kind kind, const struct store_row *row);

#endif
