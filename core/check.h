/* `govconsole check`: every configured source probed at once (core/source.h probe hooks), no
 * terminal needed. Reachable? TLS verified? Credentials accepted? How fast? What does it say
 * about itself? The report is text (one line a source) or JSON (an array); nothing here
 * prints. */
#ifndef GC_CORE_CHECK_H
#define GC_CORE_CHECK_H

#include <stdbool.h>

struct sources;
struct loop;

enum check_format {
    CHECK_TEXT,
    CHECK_JSON,
};

/* Probes every running source of `ss` (initialised, not started) on `l`, waiting at most
 * `timeout_ms` for all of them (a source still silent then fails with "no answer"), then
 * stops the sources so that no late answer arrives. Sets *report (caller frees) and returns 0
 * when every probe passed, 1 when any failed. Run the loop no more afterwards. */
int check_run(struct loop *l, struct sources *ss, enum check_format fmt, long timeout_ms,
              char **report);

#endif
