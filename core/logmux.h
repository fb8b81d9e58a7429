/* Several streams of lines merged into one (the logs of an app's pods): what a source feeds
 * it comes out as the chunks of a merged stream (core/source.h). Each member's bytes are cut
 * into whole lines, so that the lines of two members never mix within a line; a member's
 * unfinished line waits for the rest (or for logmux_flush()), and one longer than
 * LOGMUX_LINE_MAX without a LF goes out in pieces. Each member has a short name that tells it
 * from the other members and a colour. Nothing here knows where the bytes come from.
 *
 * The short name: the shortest tail of the name, in whole '-'-separated segments, that no
 * other member's short name is ("forecast-api-7d9c8b6f5d-x7k2p" is "x7k2p", "obs-db-1" is "1";
 * a second "...-x7k2p" would be "7d9c8b6f5d-x7k2p"); it never changes while the member stays.
 * The colour: one of SOURCE_TONES picked by a hash of the name, so a name gets the same one
 * each time, unless another member has it and some colour is free: then the next free one. */
#ifndef GC_CORE_LOGMUX_H
#define GC_CORE_LOGMUX_H

#include <stddef.h>

#include "core/source.h"

/* A member's line longer than this without a LF is passed on in pieces. */
#define LOGMUX_LINE_MAX 65536

struct logmux;
struct logmux_member;

/* A new merger whose chunks go to `emit` (with `arg`), on the caller's stack. Free with
 * logmux_free(). */
struct logmux *logmux_new(source_chunk_fn emit, void *arg);
/* Frees it and every member; emits nothing. NULL is ignored. */
void logmux_free(struct logmux *m);

/* A new member called `name` (copied; "" is taken as "?"). Borrowed until logmux_remove() or
 * logmux_free(). */
struct logmux_member *logmux_add(struct logmux *m, const char *name);
/* Emits the member's unfinished line (as logmux_flush()), then frees the member. */
void logmux_remove(struct logmux_member *mb);

/* Bytes of the member's stream: its complete lines go out at once as one TEXT chunk. */
void logmux_feed(struct logmux_member *mb, const char *data, size_t len);
/* The member's unfinished line, if any, goes out as a line (its stream ended). */
void logmux_flush(struct logmux_member *mb);
/* A NOTE about the member (mb NULL: about the whole): one line, `text` as it is. */
void logmux_note(struct logmux *m, const struct logmux_member *mb, const char *text);
/* A STATE chunk, when the counts differ from the last one sent (or none was). */
void logmux_state(struct logmux *m, unsigned live, unsigned waiting, unsigned members,
                  unsigned left_out);

/* The member's short name and colour (1..SOURCE_TONES). */
const char *logmux_label(const struct logmux_member *mb);
unsigned logmux_tone(const struct logmux_member *mb);
/* How many members there are. */
size_t logmux_count(const struct logmux *m);

#endif
