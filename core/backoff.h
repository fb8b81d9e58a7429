/* Back-off after failures: the one rule every source uses. The first delay is `min_ms`,
 * each further failure doubles it up to `max_ms`, and up to 20% jitter is added so that
 * many consoles do not retry in step. A success resets it. */
#ifndef GC_CORE_BACKOFF_H
#define GC_CORE_BACKOFF_H

#include <stdint.h>

struct backoff {
    int64_t min_ms;
    int64_t max_ms;
    int64_t cur_ms; /* the delay before jitter of the last failure; 0 after a success */
    int failures;   /* in a row */
};

/* Sets the bounds (min >= 1, max >= min) and resets. */
void backoff_init(struct backoff *b, int64_t min_ms, int64_t max_ms);

/* Counts a failure and returns the delay before the next attempt, jitter included. */
int64_t backoff_next(struct backoff *b);

/* A success: the next failure starts again at min_ms. */
void backoff_reset(struct backoff *b);

/* The jitter of backoff_next(): a value in [0, delay / 5] from a process-wide generator. */
int64_t backoff_jitter(int64_t delay_ms);

#endif
