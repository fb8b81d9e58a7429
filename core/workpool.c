/* Worker threads with a job queue and a completion pipe into the loop. */
#include "core/workpool.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/xalloc.h"

struct job {
    workpool_work_fn work;
    workpool_done_fn done;
    void *arg;
    struct job *next;
};

struct workpool {
    struct loop *loop;
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *queue, *queue_tail;
    struct job *finished, *finished_tail;
    size_t pending;
    bool stopping;
    int pipe[2];
};

static void *workpool_thread(void *arg)
{
    struct workpool *p = arg;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;

        while (p->queue == NULL && !p->stopping) {
            pthread_cond_wait(&p->cv, &p->mu);
        }
        if (p->queue == NULL) {
            break; /* stopping, and the queue is drained */
        }
        j = p->queue;
        p->queue = j->next;
        if (p->queue == NULL) {
            p->queue_tail = NULL;
        }
        pthread_mutex_unlock(&p->mu);
        j->work(j->arg);
        pthread_mutex_lock(&p->mu);
        j->next = NULL;
        if (p->finished_tail != NULL) {
            p->finished_tail->next = j;
        } else {
            p->finished = j;
        }
        p->finished_tail = j;
        {
            char b = 1;
            ssize_t n = write(p->pipe[1], &b, 1);
            (void)n;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void workpool_on_pipe(int fd, unsigned events, void *arg)
{
    char buf[256];

    (void)events;
    while (read(fd, buf, sizeof buf) > 0) {
    }
    workpool_reap(arg);
}

struct workpool *workpool_new(struct loop *l, int nthreads)
{
    struct workpool *p = xcalloc(1, sizeof *p);

    if (nthreads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = n < 1 ? 1 : (n > 4 ? 4 : (int)n);
    }
    p->loop = l;
    p->nthreads = nthreads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pipe(p->pipe) != 0) {
        die(1, "pipe failed");
    }
    for (int i = 0; i < 2; i++) {
        fcntl(p->pipe[i], F_SETFL, fcntl(p->pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(p->pipe[i], F_SETFD, FD_CLOEXEC);
    }
    loop_fd_set(l, p->pipe[0], LOOP_IN, workpool_on_pipe, p);
    p->threads = xcalloc((size_t)nthreads, sizeof *p->threads);
    for (int i = 0; i < nthreads; i++) {
        pthread_create(&p->threads[i], NULL, workpool_thread, p);
    }
    return p;
}

void workpool_submit(struct workpool *p, workpool_work_fn work, workpool_done_fn done, void *arg)
{
    struct job *j = xcalloc(1, sizeof *j);

    j->work = work;
    j->done = done;
    j->arg = arg;
    pthread_mutex_lock(&p->mu);
    if (p->queue_tail != NULL) {
        p->queue_tail->next = j;
    } else {
        p->queue = j;
    }
    p->queue_tail = j;
    p->pending++;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

size_t workpool_pending(const struct workpool *p)
{
    return p->pending;
}

void workpool_reap(struct workpool *p)
{
    struct job *list;

    pthread_mutex_lock(&p->mu);
    list = p->finished;
    p->finished = p->finished_tail = NULL;
    pthread_mutex_unlock(&p->mu);
    while (list != NULL) {
        struct job *j = list;

        list = j->next;
        p->pending--;
        j->done(j->arg);
        free(j);
    }
}

void workpool_free(struct workpool *p)
{
    if (p == NULL) {
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++) {
        pthread_join(p->threads[i], NULL);
    }
    loop_fd_set(p->loop, p->pipe[0], 0, NULL, NULL);
    workpool_reap(p);
    close(p->pipe[0]);
    close(p->pipe[1]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->threads);
    free(p);
}
