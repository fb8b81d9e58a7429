/* archivejson.cgi of the simulated Nagios (sim/nagios/archive.c). */
#ifndef GC_SIM_NAGIOS_ARCHIVE_H
#define GC_SIM_NAGIOS_ARCHIVE_H

#include "sim/router.h"

struct monitor;

/* Answers one archivejson.cgi request for `user` (basic auth already checked); m is govsim's
 * monitor (sim/nagios/monitor.h), the present the history ends in (NULL: all OK). */
enum MHD_Result nagios_archivejson(const struct router_request *req, struct monitor *m,
                                   const char *user);

#endif
