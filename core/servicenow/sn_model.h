/* ServiceNow Table API answers as rows: incidents (STORE_INCIDENT) from a list page read with
 * sysparm_display_value=all (each field {"display_value","value"}; without it a plain string,
 * a reference {"link","value"}: both are read), the detail text of one incident with its
 * journal (sys_journal_field: work notes and comments), and the instance's error envelope
 * {"error":{"message","detail"},"status":"failure"}.
 *
 * Every string kept passes core/sanitize.h. Times are the instance's internal values (UTC,
 * "YYYY-MM-DD HH:MM:SS"). No function here touches the loop: decoding runs on a worker. */
#ifndef GC_CORE_SERVICENOW_SN_MODEL_H
#define GC_CORE_SERVICENOW_SN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

struct poller_decode;

/* The fields a list poll asks for (sysparm_fields): what the incidents view shows, what the
 * tenancy and the delta polls need. */
#define SN_INCIDENT_FIELDS                                                                         \
    "sys_id,number,priority,state,company,short_description,assignment_group,assigned_to,"        \
    "cmdb_ci,opened_at,sys_updated_on,resolved_at,made_sla,active,correlation_id"

/* incident.state values (the base system's choices). */
enum sn_state {
    SN_STATE_NEW = 1,
    SN_STATE_IN_PROGRESS = 2,
    SN_STATE_ON_HOLD = 3,
    SN_STATE_RESOLVED = 6,
    SN_STATE_CLOSED = 7,
    SN_STATE_CANCELED = 8,
};

struct sn_incident {
    struct store_row row;    /* uid: sys_id */
    char *number;            /* INC0010001 */
    char *state_text;        /* the state's display value ("In Progress") */
    char *company;           /* the company's display value: the tenant mapping; NULL: none */
    char *short_description;
    char *assignment_group;  /* display values; NULL when empty */
    char *assigned_to;
    char *cmdb_ci;
    char *correlation_id;
    int64_t opened;          /* epoch seconds; 0 when unknown */
    int64_t updated;
    int64_t resolved;
    char updated_raw[20];    /* sys_updated_on as the instance wrote it: delta polls */
    int priority;            /* 1 (critical) .. 5 (planning); 0 when unknown */
    int state;               /* enum sn_state; 0 when unknown */
    signed char made_sla;    /* 1 made, 0 breached, -1 the instance does not say */
    bool active;
};

/* The fields a change poll asks for: what the changes view shows. */
#define SN_CHANGE_FIELDS                                                                           \
    "sys_id,number,type,state,risk,start_date,end_date,cmdb_ci,company,short_description,"        \
    "sys_updated_on"

/* change_request.state: in progress. */
#define SN_CHANGE_IMPLEMENT (-1)

struct sn_change {
    struct store_row row;    /* uid: sys_id */
    char *number;            /* CHG0030001 */
    char *type;              /* display values ("Normal", "Scheduled", "High" ...) */
    char *state_text;
    char *risk;
    char *company;           /* the tenant mapping, as for incidents; NULL: none */
    char *short_description;
    char *cmdb_ci;
    int64_t start, end;      /* planned (start_date, end_date), epoch seconds; 0 unknown */
    char start_raw[20], end_raw[20]; /* as the instance wrote them (UTC); "" unknown */
    int64_t updated;
    char updated_raw[20];
    int state;               /* -5 New .. -1 Implement, 0 Review, 3 Closed, 4 Canceled */
    bool has_state;
};

void sn_change_free(struct store_row *row);

/* Decodes one page of GET /api/now/table/change_request, as sn_incidents_decode(). */
void sn_changes_decode(const char *body, size_t len, size_t limit, struct poller_decode *out);

/* What a decoded list page carries besides its rows (poller_decode.extra). */
struct sn_page_info {
    char newest[20];  /* the newest sys_updated_on of the page's records, "" when none */
    size_t skipped;   /* records without sys_id or number, left out */
};

void sn_incident_free(struct store_row *row);

/* Decodes one page of GET /api/now/table/incident into `out` (rows, out->extra a struct
 * sn_page_info freed by free()); out->more when the page is full (`limit` records). A body
 * that is not a Table API answer (an HTML maintenance page, malformed JSON, no result) sets
 * out->error to one line saying what came instead. */
void sn_incidents_decode(const char *body, size_t len, size_t limit, struct poller_decode *out);

/* The instance's internal date-time ("2016-12-14 02:46:44", UTC) as epoch seconds; 0 when it
 * is not one. */
int64_t sn_time_parse(const char *s);
/* Epoch seconds as the instance writes them (UTC); out at least 20 bytes. */
void sn_time_format(int64_t t, char *out, size_t size);

/* One line for a failed answer (caller frees): the instance's message and detail, an HTML
 * page said as such, else "HTTP <status>"; the transport's error when there was no answer.
 * Sanitized. */
char *sn_error_text(long status, const char *body, size_t len, const char *transport);

/* The detail of one incident (caller frees): its fields, description, related CI, the journal
 * as one timeline newest first, and `links` (lines naming what the console shows of it
 * elsewhere; NULL: none); `record` is GET incident/SYS_ID, `journal` GET sys_journal_field
 * for it (may be NULL: not read). NULL with *err (caller frees) when the record cannot be
 * read. Sanitized; times in the local time zone. */
char *sn_detail_text(const char *record, size_t rlen, const char *journal, size_t jlen,
                     const char *links, char **err);

/* The priority's name: 1 "Critical", 2 "High", 3 "Moderate", 4 "Low", 5 "Planning". */
const char *sn_priority_name(int priority);

#endif
