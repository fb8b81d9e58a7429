/* archivejson.cgi of the simulated Nagios (sim/nagios/archive.c). */
#ifndef GC_SIM_NAGIOS_ARCHIVE_H
#define GC_SIM_NAGIOS_ARCHIVE_H

#include "sim/router.h"

/* Answers one archivejson.cgi request for `user` (basic auth already checked). */
enum MHD_Result nagios_archivejson(const struct router_request *req, const char *user);

#endif
