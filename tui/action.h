/* Every action a key can trigger: one X-macro row gives its enum, its name (for docs and
 * configuration) and its help text. The keymap, the help overlay and docs/keys.md are all
 * generated from this table, so help cannot drift from the real bindings. */
#ifndef GC_TUI_ACTION_H
#define GC_TUI_ACTION_H

#include "core/access.h"

/* _(ENUM, "name", "help text", is_view_specific, the access verb it needs (ACCESS_VIEW:
 * nothing more than looking)) */
#define ACTION_LIST(_)                                                                             \
    _(NONE, "none", "Nothing", 0, ACCESS_VIEW)                                                     \
    _(MOVE_DOWN, "move-down", "Select the next row", 0, ACCESS_VIEW)                               \
    _(MOVE_UP, "move-up", "Select the previous row", 0, ACCESS_VIEW)                               \
    _(PAGE_DOWN, "page-down", "Scroll one page down", 0, ACCESS_VIEW)                              \
    _(PAGE_UP, "page-up", "Scroll one page up", 0, ACCESS_VIEW)                                    \
    _(TOP, "top", "Select the first row", 0, ACCESS_VIEW)                                          \
    _(BOTTOM, "bottom", "Select the last row", 0, ACCESS_VIEW)                                     \
    _(ENTER, "enter", "Drill down into the selected row", 1, ACCESS_VIEW)                          \
    _(BACK, "back", "Clear the filter, else go back to the previous view", 0, ACCESS_VIEW)         \
    _(QUIT, "quit", "Go back; on the first view, quit", 0, ACCESS_VIEW)                            \
    _(QUIT_ALL, "quit-all", "Quit at once", 0, ACCESS_VIEW)                                        \
    _(COMMAND, "command", "Command line: a view by name (:NAME, :NAME TENANT), :theme NAME, a source's commands, :q; Tab completes", 0, ACCESS_VIEW) \
    _(FILTER, "filter", "Filter rows by a regular expression over the row (! inverts)", 0, ACCESS_VIEW) \
    _(HELP, "help", "Show the keys here (view, pager or log): the actions your role has, marking those --readonly forbids", 0, ACCESS_VIEW) \
    _(SORT_NEXT, "sort-next", "Sort by the next column (again: reverse)", 0, ACCESS_VIEW)          \
    _(SORT_PREV, "sort-prev", "Sort by the previous column (again: reverse)", 0, ACCESS_VIEW)      \
    _(SCROLL_RIGHT, "scroll-right", "Show the columns hidden to the right (the title counts them)", 0, ACCESS_VIEW) \
    _(SCROLL_LEFT, "scroll-left", "Scroll the columns back left", 0, ACCESS_VIEW)                  \
    _(DESCRIBE, "describe", "Describe the selected object", 1, ACCESS_VIEW)                        \
    _(RAW, "raw", "Show the selected object as YAML (Tab in the pager: JSON)", 1, ACCESS_VIEW)     \
    _(DELETE, "delete", "Delete the selected object (asks, naming it)", 1, ACCESS_DELETE)          \
    _(LOGS, "logs", "Follow a pod's log, or an app's pods' logs merged (p previous, t timestamps, c container, F pause)", 1, ACCESS_LOGS) \
    _(RESTART, "restart", "Rollout restart the selected app (asks first)", 1, ACCESS_RESTART)      \
    _(SCALE, "scale", "Scale the selected app: asks for the replica count, then confirms", 1, ACCESS_SCALE) \
    _(REDRAW, "redraw", "Redraw the whole screen", 0, ACCESS_VIEW)                                \
    /* nagios (issue 13): the alerts view */                                                       \
    _(ACKNOWLEDGE, "acknowledge", "Acknowledge the selected problem (asks for a comment; sticky, notifies)", 1, ACCESS_ACKNOWLEDGE) \
    _(DOWNTIME, "downtime", "Schedule downtime: asks the start (now or a time), the duration and a comment", 1, ACCESS_DOWNTIME) \
    _(TOGGLE, "toggle", "Switch what the view shows (alerts: problems only or everything; incidents: open, or also those resolved in the last 30 days)", 1, ACCESS_VIEW) \
    /* sla (issue 13): the sla view's periods */                                                   \
    _(PERIOD_PREV, "period-prev", "The previous period (sla: [sla] period's unit; a range of days by its length)", 1, ACCESS_VIEW) \
    _(PERIOD_NEXT, "period-next", "The next period", 1, ACCESS_VIEW)                               \
    /* ServiceNow (issue 14) */                                                                    \
    _(NEW_INCIDENT, "new-incident", "Open a ServiceNow incident (a form; the tenant from where you stand)", 1, ACCESS_INCIDENT_CREATE) \
    _(WORK_NOTE, "work-note", "Add a work note to the selected incident", 1, ACCESS_INCIDENT_NOTE) \
    _(ASSIGN_ME, "assign-to-me", "Assign the selected incident to you (asks first)", 1, ACCESS_INCIDENT_UPDATE) \
    _(RESOLVE, "resolve", "Resolve the selected incident: resolution code and notes, then confirms", 1, ACCESS_INCIDENT_UPDATE)

enum action {
#define ACTION_ENUM(e, name, help, view, verb) ACT_##e,
    ACTION_LIST(ACTION_ENUM)
#undef ACTION_ENUM
        ACT_COUNT
};

#endif
