/* Exponential back-off with jitter. */
#include "core/backoff.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

void backoff_init(struct backoff *b, int64_t min_ms, int64_t max_ms)
{
    b->min_ms = min_ms > 0 ? min_ms : 1;
    b->max_ms = max_ms >= b->min_ms ? max_ms : b->min_ms;
    backoff_reset(b);
}

void backoff_reset(struct backoff *b)
{
    b->cur_ms = 0;
    b->failures = 0;
}

int64_t backoff_jitter(int64_t delay_ms)
{
    static uint64_t state;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    uint64_t x;

    pthread_mutex_lock(&lock);
    if (state == 0) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
        state |= 1;
    }
    /* xorshift64* */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    x = state * 0x2545F4914F6CDD1DULL;
    pthread_mutex_unlock(&lock);
    return (int64_t)(x % (uint64_t)(delay_ms / 5 + 1));
}

int64_t backoff_next(struct backoff *b)
{
    if (b->cur_ms == 0) {
        b->cur_ms = b->min_ms;
    } else {
        b->cur_ms = b->cur_ms > b->max_ms / 2 ? b->max_ms : b->cur_ms * 2;
    }
    b->failures++;
    return b->cur_ms + backoff_jitter(b->cur_ms);
}
