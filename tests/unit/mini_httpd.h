/* A tiny HTTP/1.1 server for tests, on 127.0.0.1 and a free port: one thread accepts, reads
 * each request's head (and a Content-Length body), keeps it for the test to look at, and
 * hands the connection to the test's handler, which writes whatever answer it likes (a
 * status, headers, a body, silence) and returns. One request per connection (the handler's
 * answer should say "Connection: close"). Header-only: include it in one test file. */
#ifndef GC_TESTS_MINI_HTTPD_H
#define GC_TESTS_MINI_HTTPD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MINI_HTTPD_HEAD_MAX 16384
#define MINI_HTTPD_LOG 64

struct mini_httpd;

/* Answers one request: `head` is the request line and headers, `body` the body (may be
 * empty). Writes the answer to fd (mini_httpd_write). Runs on the server's thread. */
typedef void (*mini_httpd_handler)(struct mini_httpd *s, int fd, const char *head,
                                   const char *body, void *arg);

struct mini_httpd {
    int listen_fd;
    int port;
    pthread_t thread;
    mini_httpd_handler handler;
    void *arg;
    pthread_mutex_t lock;
    char *heads[MINI_HTTPD_LOG]; /* the heads of the requests received, oldest first */
    size_t nheads;
    volatile int stop;
};

static void mini_httpd_write(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mini_httpd_write(int fd, const char *fmt, ...)
{
    char buf[65536];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) {
        ssize_t w = write(fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
        (void)w;
    }
}

/* A complete answer with a body and Connection: close; `extra` is more header lines
 * ("ETag: x\r\n"), may be "". */
static void mini_httpd_answer(int fd, int status, const char *extra, const char *body)
{
    mini_httpd_write(fd,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n%s\r\n%s",
                     status, strlen(body), extra, body);
}

static void *mini_httpd_run(void *p)
{
    struct mini_httpd *s = p;

    while (!s->stop) {
        char head[MINI_HTTPD_HEAD_MAX + 1], *end = NULL, *body;
        size_t len = 0, want = 0;
        int fd = accept(s->listen_fd, NULL, NULL);

        if (fd < 0) {
            continue;
        }
        if (s->stop) {
            close(fd);
            break;
        }
        while (len < MINI_HTTPD_HEAD_MAX) {
            ssize_t r = read(fd, head + len, MINI_HTTPD_HEAD_MAX - len);

            if (r <= 0) {
                break;
            }
            len += (size_t)r;
            head[len] = '\0';
            if (end == NULL && (end = strstr(head, "\r\n\r\n")) != NULL) {
                const char *cl = strcasestr(head, "\r\nContent-Length:");

                want = (size_t)(end - head) + 4 + (cl != NULL && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
            }
            if (end != NULL && len >= want) {
                break;
            }
        }
        head[len] = '\0';
        if (end == NULL) {
            close(fd);
            continue;
        }
        *end = '\0';
        body = end + 4;
        pthread_mutex_lock(&s->lock);
        if (s->nheads < MINI_HTTPD_LOG) {
            s->heads[s->nheads++] = strdup(head);
        }
        pthread_mutex_unlock(&s->lock);
        s->handler(s, fd, head, body, s->arg);
        close(fd);
    }
    return NULL;
}

/* Starts the server; 0 or -1. */
static int mini_httpd_start(struct mini_httpd *s, mini_httpd_handler h, void *arg)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int one = 1;

    memset(s, 0, sizeof *s);
    s->handler = h;
    s->arg = arg;
    pthread_mutex_init(&s->lock, NULL);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s->listen_fd, 16) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(s->listen_fd);
        return -1;
    }
    s->port = ntohs(sa.sin_port);
    return pthread_create(&s->thread, NULL, mini_httpd_run, s) == 0 ? 0 : -1;
}

/* The head of the i-th request received (a copy; caller frees), NULL if there is none. */
static char *mini_httpd_head(struct mini_httpd *s, size_t i)
{
    char *h = NULL;

    pthread_mutex_lock(&s->lock);
    if (i < s->nheads) {
        h = strdup(s->heads[i]);
    }
    pthread_mutex_unlock(&s->lock);
    return h;
}

static void mini_httpd_stop(struct mini_httpd *s)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    s->stop = 1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)s->port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { /* wakes accept() */
        (void)0;
    }
    close(fd);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    for (size_t i = 0; i < s->nheads; i++) {
        free(s->heads[i]);
    }
    pthread_mutex_destroy(&s->lock);
}

#endif
