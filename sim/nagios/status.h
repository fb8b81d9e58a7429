/* govsim's statusjson.cgi and objectjson.cgi queries over the monitor (sim/nagios/monitor.h),
 * and cmd.cgi's acknowledge and downtime commands, as Nagios 4.4.6 answers them. */
#ifndef GC_SIM_NAGIOS_STATUS_H
#define GC_SIM_NAGIOS_STATUS_H

#include <jansson.h>

#include "sim/jbuf.h"
#include "sim/nagios/monitor.h"
#include "sim/world.h"

/* The data member of a statusjson query it knows (hostlist, servicelist, host, service,
 * commentlist, downtimelist, hostcount, servicecount): the object to put under "data" (new
 * reference), or NULL with *type (the CGI's type_code) and message[] when the query is
 * unknown (type 6) or names an object that does not exist (type 6 too, as 4.4.6 says). */
json_t *sim_statusjson(struct monitor *m, struct world *w, const char *query,
                       const char *hostname, const char *service, int *type, char *message,
                       size_t size);

/* statusjson's hostlist and servicelist (hostname= applied) written as JSON text into b rather
 * than built as a tree: the same data object, laid out as jansson's JSON_INDENT(2) lays it out
 * `depth` objects deep (the envelope's data: 1). False, with nothing written, for any other
 * query, and when two hosts share a name (sim_statusjson answers those). */
bool sim_statusjson_text(struct monitor *m, struct world *w, const char *query,
                         const char *hostname, struct jbuf *b, int depth);

/* The same for objectjson: hostgrouplist, hostlist. */
json_t *sim_objectjson(struct monitor *m, struct world *w, const char *query, int *type,
                       char *message, size_t size);

/* objectjson's hostlist written as text, as sim_statusjson_text writes statusjson's lists;
 * false for any other query (hostgrouplist) and when two hosts share a name. */
bool sim_objectjson_text(struct monitor *m, struct world *w, const char *query,
                         struct jbuf *b, int depth);

/* cmd.cgi: a form body (application/x-www-form-urlencoded; for a GET, the query) applied as
 * the CGI does; the HTML page it answers (caller frees). `user` is the authenticated one (the
 * author it records), `cookie` the request's Cookie header (NULL: none). Without cmd_mod=2
 * the page is the command's form, with the form id in its hidden field nagFormId, and
 * *set_cookie is set to the cookie that goes with it (static; NULL otherwise); a commit
 * whose nagFormId and cookie NagFormId are not both the monitor's is refused, as Nagios 4.4
 * refuses it. */
char *sim_cmdcgi(struct monitor *m, struct world *w, const char *user, const char *body,
                 const char *cookie, const char **set_cookie);

#endif
