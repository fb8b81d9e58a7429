/* A small pool of worker threads for CPU-heavy work off the loop thread (decoding large JSON
 * pages). Work runs on a worker; its completion runs on the loop thread, handed back through
 * a pipe the loop watches. Workers never touch the store or the screen. */
#ifndef GC_CORE_WORKPOOL_H
#define GC_CORE_WORKPOOL_H

#include <stddef.h>

struct loop;
struct workpool;

typedef void (*workpool_work_fn)(void *arg); /* on a worker thread */
typedef void (*workpool_done_fn)(void *arg); /* then on the loop thread */

/* nthreads 0 = number of online CPUs, at most 4. */
struct workpool *workpool_new(struct loop *l, int nthreads);

/* Queues a job; jobs start in submission order. */
void workpool_submit(struct workpool *p, workpool_work_fn work, workpool_done_fn done, void *arg);

/* Jobs queued or running whose done has not run yet. */
size_t workpool_pending(const struct workpool *p);

/* Runs the done callbacks of finished jobs now (the loop does this when the pipe is readable). */
void workpool_reap(struct workpool *p);

/* Runs every queued job to the end, then their done callbacks on the calling thread, and
 * frees. Owners must still be alive: free the pool before the objects its jobs point to. */
void workpool_free(struct workpool *p);

#endif
