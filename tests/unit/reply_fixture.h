/* A source's reply kept for a test to look at (header-only; include it once). */
#ifndef GC_TESTS_REPLY_FIXTURE_H
#define GC_TESTS_REPLY_FIXTURE_H

#include <stdbool.h>

#include "core/source.h"

struct reply {
    bool done, ok;
    char *text, *error; /* taken from the reply: the test frees them */
};

/* A source_reply_fn: fills the struct reply `arg`. */
static inline void on_reply(struct source_reply *r, void *arg)
{
    struct reply *out = arg;

    out->done = true;
    out->ok = r->ok;
    out->text = r->text;
    out->error = r->error;
    r->text = r->error = NULL;
}

#endif
