# A private Nagios 4 for a test: Debian's nagios4-core with its own configuration in a short
# temporary directory, its JSON and command CGIs (nagios4-cgi) served by lighttpd on
# 127.0.0.1 with basic auth. Nothing system-wide is used or started: no /etc/nagios4, no
# service; both run as the test's own processes and are stopped by nagios_stop.
# scripts/deps.sh test installs the packages (nagios4-core, nagios4-cgi,
# monitoring-plugins-basic, lighttpd).
#
# Source it, then:
#   nagios_start        writes the configuration, validates it (nagios4 -v), starts Nagios and
#                       lighttpd, waits until statusjson answers; returns 1 with a message when
#                       it cannot
#   nagios_cmd LINE     writes "[now] LINE" to the external command file
#                       (PROCESS_SERVICE_CHECK_RESULT;host;svc;2;text ...)
#   nagios_stop         stops both (and Nagios' workers) and removes the directory
# sla (issue 13): with NAGIOS_HISTORY naming a file, its lines (backdated "[EPOCH] SERVICE
# ALERT: ..." and so on) become nagios.log before the daemon starts: history for archivejson.
# and it sets:
#   NAGIOS_DIR          the directory (etc/, var/, rw/)
#   NAGIOS_URL          the CGI base: http://127.0.0.1:PORT/nagios4/cgi-bin
#   NAGIOS_USER, NAGIOS_PASSWORD   the basic-auth pair the CGIs accept (authorised for all)
#   NAGIOS_LOOKER      a user (password the same) who may see everything, command nothing
#   NAGIOS_GUEST       a user (password the same) authorised for nothing: empty answers
#
# The objects: host dmi-forecast-api (hostgroup tenant-dmi, _APP forecast-api) with the
# services HTTP and Pods, host mon-ext-01 in no tenant group with PING and "C++ build" (a name
# with '+' and a space); every check passive
# (results come only from nagios_cmd), max_check_attempts 1 (a result is HARD at once).

NAGIOS_BIN=${NAGIOS_BIN:-/usr/sbin/nagios4}
NAGIOS_CGI_BIN=${NAGIOS_CGI_BIN:-/usr/lib/cgi-bin/nagios4}
LIGHTTPD_BIN=${LIGHTTPD_BIN:-/usr/sbin/lighttpd}
NAGIOS_USER=nagiosadmin
NAGIOS_PASSWORD=n4g-test-pw
NAGIOS_LOOKER=looker
NAGIOS_GUEST=guest
NAGIOS_DIR=""
NAGIOS_URL=""
NAGIOS_PID=""
NAGIOS_HTTPD_PID=""

# A free TCP port on 127.0.0.1.
nagios_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

nagios_write_config() {
    local d=$NAGIOS_DIR me grp
    me=$(id -un)
    grp=$(id -gn)
    mkdir -p "$d/etc" "$d/var/spool" "$d/var/archives" "$d/rw" "$d/www"
    cat >"$d/etc/nagios.cfg" <<EOF
log_file=$d/var/nagios.log
cfg_file=$d/etc/objects.cfg
object_cache_file=$d/var/objects.cache
precached_object_file=$d/var/objects.precache
resource_file=$d/etc/resource.cfg
status_file=$d/var/status.dat
status_update_interval=1
nagios_user=$me
nagios_group=$grp
check_external_commands=1
command_file=$d/rw/nagios.cmd
lock_file=$d/var/nagios.lock
temp_file=$d/var/nagios.tmp
temp_path=$d/var
check_result_path=$d/var/spool
query_socket=$d/rw/q.sock
log_archive_path=$d/var/archives
state_retention_file=$d/var/retention.dat
retain_state_information=0
use_syslog=0
log_rotation_method=n
check_for_updates=0
bare_update_check=1
enable_notifications=0
execute_service_checks=0
execute_host_checks=0
accept_passive_service_checks=1
accept_passive_host_checks=1
date_format=us
illegal_object_name_chars=\`~!\$%^&*|'"<>?,()=
illegal_macro_output_chars=\`~\$&|'"<>
EOF
    printf '$USER1$=/usr/lib/nagios/plugins\n' >"$d/etc/resource.cfg"
    cat >"$d/etc/objects.cfg" <<'EOF'
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday 00:00-24:00
    monday 00:00-24:00
    tuesday 00:00-24:00
    wednesday 00:00-24:00
    thursday 00:00-24:00
    friday 00:00-24:00
    saturday 00:00-24:00
}
define command {
    command_name check_dummy
    command_line $USER1$/check_dummy $ARG1$
}
define contact {
    contact_name                  nagiosadmin
    alias                         Nagios admin
    host_notification_period      24x7
    service_notification_period   24x7
    host_notification_options     n
    service_notification_options  n
    host_notification_commands    check_dummy
    service_notification_commands check_dummy
}
define contactgroup {
    contactgroup_name admins
    alias             admins
    members           nagiosadmin
}
define host {
    name                  passive-host
    check_command         check_dummy!0
    max_check_attempts    1
    check_interval        5
    retry_interval        1
    active_checks_enabled 0
    passive_checks_enabled 1
    check_period          24x7
    contact_groups        admins
    notification_period   24x7
    notifications_enabled 0
    register              0
}
define service {
    name                  passive-service
    check_command         check_dummy!0
    max_check_attempts    1
    check_interval        5
    retry_interval        1
    active_checks_enabled 0
    passive_checks_enabled 1
    check_period          24x7
    contact_groups        admins
    notification_period   24x7
    notifications_enabled 0
    register              0
}
define host {
    use        passive-host
    host_name  dmi-forecast-api
    alias      forecast API of dmi
    address    127.0.0.1
    _APP       forecast-api
}
define host {
    use        passive-host
    host_name  mon-ext-01
    alias      an external host
    address    127.0.0.1
}
define hostgroup {
    hostgroup_name tenant-dmi
    alias          Tenant dmi
    members        dmi-forecast-api
}
define service {
    use                 passive-service
    host_name           dmi-forecast-api
    service_description HTTP
}
define service {
    use                 passive-service
    host_name           dmi-forecast-api
    service_description Pods
}
define service {
    use                 passive-service
    host_name           mon-ext-01
    service_description PING
}
define service {
    use                 passive-service
    host_name           mon-ext-01
    service_description C++ build
}
EOF
    cat >"$d/etc/cgi.cfg" <<EOF
main_config_file=$d/etc/nagios.cfg
physical_html_path=$d/www
url_html_path=/nagios4
use_authentication=1
use_ssl_authentication=0
authorized_for_system_information=$NAGIOS_USER
authorized_for_configuration_information=$NAGIOS_USER
authorized_for_system_commands=$NAGIOS_USER
authorized_for_all_services=$NAGIOS_USER,$NAGIOS_LOOKER
authorized_for_all_hosts=$NAGIOS_USER,$NAGIOS_LOOKER
authorized_for_all_service_commands=$NAGIOS_USER
authorized_for_all_host_commands=$NAGIOS_USER
lock_author_names=0
EOF
    printf '%s:%s\n' "$NAGIOS_USER" "$NAGIOS_PASSWORD" "$NAGIOS_LOOKER" "$NAGIOS_PASSWORD" \
        "$NAGIOS_GUEST" "$NAGIOS_PASSWORD" >"$d/etc/users"
    cat >"$d/etc/lighttpd.conf" <<EOF
server.modules = ("mod_alias", "mod_auth", "mod_authn_file", "mod_setenv", "mod_cgi")
server.bind = "127.0.0.1"
server.port = $NAGIOS_PORT
server.document-root = "$d/www"
server.pid-file = "$d/var/lighttpd.pid"
server.errorlog = "$d/var/lighttpd.err"
server.upload-dirs = ("$d/var")
server.username = ""
alias.url = ("/nagios4/cgi-bin/" => "$NAGIOS_CGI_BIN/")
cgi.assign = (".cgi" => "")
setenv.add-environment = ("NAGIOS_CGI_CONFIG" => "$d/etc/cgi.cfg")
auth.backend = "plain"
auth.backend.plain.userfile = "$d/etc/users"
auth.require = ("/nagios4/" => ("method" => "basic", "realm" => "Nagios Access", "require" => "valid-user"))
EOF
}

nagios_start() {
    local t
    for t in "$NAGIOS_BIN" "$LIGHTTPD_BIN" "$NAGIOS_CGI_BIN/statusjson.cgi" /usr/lib/nagios/plugins/check_dummy; do
        if [ ! -x "$t" ]; then
            echo "# $t is missing: scripts/deps.sh test installs nagios4-core, nagios4-cgi, monitoring-plugins-basic and lighttpd"
            return 1
        fi
    done
    # short: the query socket's path must fit a unix socket address
    NAGIOS_DIR=$(mktemp -d /tmp/gcn.XXXXXX)
    NAGIOS_PORT=$(nagios_free_port)
    NAGIOS_URL="http://127.0.0.1:$NAGIOS_PORT/nagios4/cgi-bin"
    nagios_write_config
    if [ -n "${NAGIOS_HISTORY:-}" ]; then # sla (issue 13)
        cp "$NAGIOS_HISTORY" "$NAGIOS_DIR/var/nagios.log"
    fi
    if ! "$NAGIOS_BIN" -v "$NAGIOS_DIR/etc/nagios.cfg" >"$NAGIOS_DIR/verify.out" 2>&1; then
        echo "# nagios4 -v refused the configuration:"
        sed 's/^/#   /' "$NAGIOS_DIR/verify.out" | grep -iE 'error|warning' | head -10
        return 1
    fi
    setsid "$NAGIOS_BIN" "$NAGIOS_DIR/etc/nagios.cfg" >"$NAGIOS_DIR/nagios.out" 2>&1 &
    NAGIOS_PID=$!
    setsid "$LIGHTTPD_BIN" -D -f "$NAGIOS_DIR/etc/lighttpd.conf" >"$NAGIOS_DIR/lighttpd.out" 2>&1 &
    NAGIOS_HTTPD_PID=$!
    for _ in $(seq 100); do
        if [ -p "$NAGIOS_DIR/rw/nagios.cmd" ] &&
            curl -s --max-time 5 -u "$NAGIOS_USER:$NAGIOS_PASSWORD" \
                "$NAGIOS_URL/statusjson.cgi?query=servicecount" 2>/dev/null |
            grep -q '"type_code": 0'; then
            return 0
        fi
        sleep 0.1
    done
    echo "# Nagios or lighttpd did not come up:"
    tail -5 "$NAGIOS_DIR/nagios.out" "$NAGIOS_DIR/var/nagios.log" "$NAGIOS_DIR/lighttpd.out" \
        "$NAGIOS_DIR/var/lighttpd.err" 2>/dev/null | sed 's/^/#   /'
    return 1
}

nagios_cmd() { # external command without the timestamp
    printf '[%s] %s\n' "$(date +%s)" "$1" >"$NAGIOS_DIR/rw/nagios.cmd"
}

nagios_stop() {
    local pid
    # each was started in a session of its own (setsid): its process group holds the
    # daemon's command-file and check workers
    for pid in $NAGIOS_PID $NAGIOS_HTTPD_PID; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    done
    for pid in $NAGIOS_PID $NAGIOS_HTTPD_PID; do
        wait "$pid" 2>/dev/null
    done
    NAGIOS_PID=""
    NAGIOS_HTTPD_PID=""
    [ -n "$NAGIOS_DIR" ] && rm -rf "$NAGIOS_DIR"
    NAGIOS_DIR=""
}
