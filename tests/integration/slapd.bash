# A private OpenLDAP slapd for tests, on 127.0.0.1 only, seeded with a small GovCloud
# directory; sourced by shell tests (and by the cmocka tests that need a directory, through
# slapd_run). Needs the Debian packages slapd and ldap-utils (scripts/deps.sh test), and
# openssl when SLAPD_TLS=1.
#
#   slapd_start         creates a temporary directory, builds cn=config with `slapadd -n0`
#                       (modules back_mdb, memberof, refint; an MDB database for $SLAPD_BASE),
#                       starts `slapd -h ldap://127.0.0.1:PORT/` on a free port (and on a
#                       local socket in the directory) as this shell's child, waits until
#                       it answers and loads the seed online with ldapadd (so the memberof
#                       overlay fills memberOf). Installs an EXIT trap (replacing yours) that
#                       calls slapd_stop, and a watchdog that stops slapd should this shell
#                       die without running it. Returns non-zero, with the reason and the end
#                       of slapd's log on stderr, when slapd cannot be started or seeded.
#   slapd_stop          stops slapd (SIGTERM, then SIGKILL after 5 s) and removes the directory.
#   slapd_run CMD...    slapd_start, run CMD with the variables below in its environment,
#                       slapd_stop; returns CMD's status (1 when slapd could not be started).
#   slapd_user_dn NAME  prints the DN of the seeded user NAME.
#
# Set SLAPD_AD_CAPS=1 before slapd_start for a root DSE that claims Active Directory's
# capability (supportedCapabilities 1.2.840.113556.1.4.800; slapd_ad_root_dse), though
# slapd cannot evaluate AD's transitive matching rule.
# Set SLAPD_TLS=1 before slapd_start for a slapd with TLS: a fresh test CA signs a server
# certificate for IP:127.0.0.1 only (so the name localhost fails hostname verification; note
# that libldap checks "localhost" as the machine's own host name), and slapd also listens on
# ldaps://127.0.0.1:LDAPS_PORT/ and offers StartTLS on SLAPD_URI. Without SLAPD_TLS=1 slapd
# has no TLS at all (StartTLS is refused).
#
# Exported once started:
#   SLAPD_PORT, SLAPD_URI (ldap://127.0.0.1:PORT), SLAPD_BASE (dc=govcloud,dc=example)
#   SLAPD_LDAPI_URI                           ldapi://%2F...%2Fldapi, the local socket
#   SLAPD_ROOT_DN, SLAPD_ROOT_PW              the database's rootdn (manager) and password
#   SLAPD_SERVICE_DN, SLAPD_SERVICE_PW        cn=govconsole,ou=Services,BASE: a service account
#   SLAPD_USERS                               "alice bob carol dave"; each is
#                                             uid=NAME,ou=People,BASE with password $SLAPD_USER_PW
#   SLAPD_ROLE_USERS                          "opal otto dana vera uma nora nick cyril": the
#                                             identity block (below), likewise
#   SLAPD_SELF                                `id -un`: a user in govcloud-operators, so that
#                                             a console started by the tests is an operator
#   SLAPD_DIR, SLAPD_PID, SLAPD_LOG           the temporary directory, slapd's pid, its log
# and with SLAPD_TLS=1:
#   SLAPD_LDAPS_PORT                          the ldaps:// port on 127.0.0.1
#   SLAPD_CA_FILE                             the PEM CA that signed slapd's certificate
#   SLAPD_OTHER_CA_FILE                       a PEM CA that did not
# Passwords are random for each start.
#
# The seed: ou=Tenants with ou=dmi (description Danish Meteorological Institute, manager
# alice, mail ops@dmi.example, telephoneNumber +45 3915 7500) and ou=registry (Central
# Business Registry, manager bob, registry@erst.example, +45 7220 0030), each with
# ou=Applications and ou=Datasets below (docs/directory.md): dmi's apps forecast-api (owner
# alice) and obs-ingest (bob), datasets t.dmi.forecast (alice) and /tenants/dmi/observations
# (bob); registry's app org-api (bob) and dataset t.registry.orgs (bob); ou=Services;
# ou=People; ou=Groups with
# groupOfNames cn=govcloud-operators (carol), cn=govcloud-oncall (carol, dave),
# cn=tenant-dmi-developers (alice), cn=tenant-dmi-viewers (alice, bob).
# Limits: a search answers at most 500 entries (slapd's default), except that the service
# account's paged searches may go on to the end (as Active Directory's do past its 1000).
# The identity block (slapd_write_identity_seed; every user with password $SLAPD_USER_PW):
#   opal  govcloud-operators only          otto  govcloud-oncall only
#   dana  tenant-dmi-developers            vera  tenant-registry-viewers
#   uma   tenant-dmi-viewers and tenant-registry-developers (the union)
#   nora  no group at all                  nick  cn=dmi-team, itself a member of
#                                                tenant-dmi-developers (nested)
#   cyril cn=cycle-a; cycle-a and cycle-b are members of each other, and cycle-b of
#         tenant-registry-viewers (a cycle that still grants)
#   $SLAPD_SELF in govcloud-operators.
# Access: the root DSE and the subschema are readable by anyone; anonymous users may only
# bind (an anonymous search of the base gets noSuchObject, rc 32); bound users read
# everything but passwords; a user may change their own password.
# shellcheck shell=bash

SLAPD_MODULE_DIR="${SLAPD_MODULE_DIR:-/usr/lib/ldap}"
SLAPD_SCHEMA_DIR="${SLAPD_SCHEMA_DIR:-/etc/ldap/schema}"
SLAPD_BIN="${SLAPD_BIN:-/usr/sbin/slapd}"
SLAPD_ADD_BIN="${SLAPD_ADD_BIN:-/usr/sbin/slapadd}"

# A random alphanumeric password.
slapd_random_pw() {
    local s
    s=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    printf '%s' "${s:0:20}"
}

# A random TCP port below Linux's ephemeral range (32768-60999), so no outgoing connection
# holds it; slapd exits at once when another listener does, and slapd_start tries again.
slapd_random_port() {
    echo $((20000 + RANDOM % 12000))
}

slapd_user_dn() {
    printf 'uid=%s,ou=People,%s\n' "$1" "$SLAPD_BASE"
}

# Prints the seed entry of user NAME (password $SLAPD_USER_PW).
slapd_user_entry() {
    cat <<EOF
dn: $(slapd_user_dn "$1")
objectClass: inetOrgPerson
uid: $1
cn: ${1^} Tester
sn: Tester
mail: $1@govcloud.example
userPassword: $SLAPD_USER_PW

EOF
}

# Writes $SLAPD_DIR/config.ldif.
slapd_write_config() {
    local f="$SLAPD_DIR/config.ldif" s
    {
        cat <<EOF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $SLAPD_DIR/slapd.pid
olcArgsFile: $SLAPD_DIR/slapd.args
olcLogLevel: none
$(slapd_tls_config)

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: $SLAPD_MODULE_DIR
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: refint

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

EOF
        for s in core cosine inetorgperson; do
            cat "$SLAPD_SCHEMA_DIR/$s.ldif"
            echo
        done
        slapd_ad_schema
        cat <<EOF
dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcAccess: {0}to dn.base="" by * read
olcAccess: {1}to dn.base="cn=Subschema" by * read

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none
$(slapd_ad_config_root)

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: $SLAPD_DIR/data
olcDbMaxSize: 16777216
olcSuffix: $SLAPD_BASE
olcRootDN: $SLAPD_ROOT_DN
olcRootPW: $SLAPD_ROOT_PW
olcDbIndex: objectClass eq
olcDbIndex: uid,cn eq
olcDbIndex: member,memberOf eq
olcLimits: dn.exact="$SLAPD_SERVICE_DN" size.prtotal=unlimited
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by users read by * none

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE

dn: olcOverlay={1}refint,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: {1}refint
olcRefintAttribute: member
EOF
    } >"$f"
}

# The cn=config TLS attributes, when SLAPD_TLS=1.
slapd_tls_config() {
    [ "${SLAPD_TLS:-0}" = 1 ] || return 0
    printf 'olcTLSCACertificateFile: %s\n' "$SLAPD_CA_FILE"
    printf 'olcTLSCertificateFile: %s\n' "$SLAPD_DIR/tls/server.pem"
    printf 'olcTLSCertificateKeyFile: %s\n' "$SLAPD_DIR/tls/server.key"
}

# With SLAPD_AD_CAPS=1 the root DSE lists Active Directory's capability
# (supportedCapabilities 1.2.840.113556.1.4.800), as AD's does, though slapd cannot
# evaluate AD's transitive matching rule: a server that claims to be AD and answers the
# rule with nothing. The attribute type gets an OID from OpenLDAP's experimental arc.
# cn=config takes olcRootDSE only once the schema knows the attribute: added online, as
# cn=config's own rootdn (which exists only then).
slapd_ad_root_dse() {
    [ "${SLAPD_AD_CAPS:-0}" = 1 ] || return 0
    printf 'dn:\nsupportedCapabilities: 1.2.840.113556.1.4.800\n' >"$SLAPD_DIR/rootdse.ldif"
    printf 'dn: cn=config\nchangetype: modify\nadd: olcRootDSE\nolcRootDSE: %s\n' \
        "$SLAPD_DIR/rootdse.ldif" |
        ldapmodify -x -H "$SLAPD_URI" -D cn=config -w "$SLAPD_ROOT_PW" >>"$SLAPD_LOG" 2>&1
}

slapd_ad_config_root() {
    [ "${SLAPD_AD_CAPS:-0}" = 1 ] || return 0
    printf 'olcRootDN: cn=config\nolcRootPW: %s\n' "$SLAPD_ROOT_PW"
}

slapd_ad_schema() {
    [ "${SLAPD_AD_CAPS:-0}" = 1 ] || return 0
    printf '%s\n' "dn: cn=adcaps,cn=schema,cn=config" "objectClass: olcSchemaConfig" \
        "cn: adcaps" \
        "olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.11.99.1 NAME 'supportedCapabilities' EQUALITY objectIdentifierMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.38 )" \
        ""
}

# Makes the test CA, a server certificate for IP:127.0.0.1 signed by it, and another CA.
slapd_make_certs() {
    local t="$SLAPD_DIR/tls" ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    mkdir -p "$t" || return 1
    {
        openssl req -x509 "${ec[@]}" -keyout "$t/ca.key" -out "$t/ca.pem" -days 2 \
            -subj "/CN=govconsole test CA" &&
            openssl req -x509 "${ec[@]}" -keyout "$t/other.key" -out "$t/other.pem" -days 2 \
                -subj "/CN=govconsole other CA" &&
            openssl req -new "${ec[@]}" -keyout "$t/server.key" -out "$t/server.csr" \
                -subj "/CN=govconsole test directory" &&
            printf '%s\n' subjectAltName=IP:127.0.0.1 basicConstraints=CA:FALSE \
                extendedKeyUsage=serverAuth >"$t/server.ext" &&
            openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" \
                -CAcreateserial -days 2 -extfile "$t/server.ext" -out "$t/server.pem"
    } >>"$SLAPD_LOG" 2>&1 || return 1
    SLAPD_CA_FILE="$t/ca.pem"
    SLAPD_OTHER_CA_FILE="$t/other.pem"
    export SLAPD_CA_FILE SLAPD_OTHER_CA_FILE
}

# Directory enrichment (issue 16): the applications and datasets registered for dmi and
# registry, by govsim's names (sim/world.c, sim/mapr/datasets.c), with owners among the
# seeded users. docs/directory.md has the convention.
slapd_seed_registered() {
    local b="ou=Tenants,$SLAPD_BASE" t kind name owner
    for t in dmi registry; do
        for kind in Applications Datasets; do
            printf 'dn: ou=%s,ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n' \
                "$kind" "$t" "$b" "$kind"
        done
    done
    while read -r t kind name owner; do
        printf 'dn: cn=%s,ou=%s,ou=%s,%s\nobjectClass: applicationProcess\n' \
            "$name" "$kind" "$t" "$b"
        printf 'objectClass: extensibleObject\ncn: %s\nowner: %s\n\n' \
            "$name" "$(slapd_user_dn "$owner")"
    done <<'EOF2'
dmi Applications forecast-api alice
dmi Applications obs-ingest bob
dmi Datasets t.dmi.forecast alice
dmi Datasets /tenants/dmi/observations bob
registry Applications org-api bob
registry Datasets t.registry.orgs bob
EOF2
}

# Writes $SLAPD_DIR/seed.ldif.
slapd_write_seed() {
    local b="$SLAPD_BASE" u
    {
        cat <<EOF
dn: $b
objectClass: dcObject
objectClass: organization
dc: govcloud
o: GovCloud

dn: ou=Tenants,$b
objectClass: organizationalUnit
ou: Tenants

dn: ou=dmi,ou=Tenants,$b
objectClass: organizationalUnit
objectClass: extensibleObject
ou: dmi
description: Danish Meteorological Institute
manager: $(slapd_user_dn alice)
mail: ops@dmi.example
telephoneNumber: +45 3915 7500

dn: ou=registry,ou=Tenants,$b
objectClass: organizationalUnit
objectClass: extensibleObject
ou: registry
description: Central Business Registry
manager: $(slapd_user_dn bob)
mail: registry@erst.example
telephoneNumber: +45 7220 0030

$(slapd_seed_registered)

dn: ou=Services,$b
objectClass: organizationalUnit
ou: Services

dn: $SLAPD_SERVICE_DN
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: govconsole
description: govconsole's service account (tests)
userPassword: $SLAPD_SERVICE_PW

dn: ou=People,$b
objectClass: organizationalUnit
ou: People

EOF
        for u in $SLAPD_USERS; do
            slapd_user_entry "$u"
        done
        cat <<EOF
dn: ou=Groups,$b
objectClass: organizationalUnit
ou: Groups

dn: cn=govcloud-operators,ou=Groups,$b
objectClass: groupOfNames
cn: govcloud-operators
member: $(slapd_user_dn carol)

dn: cn=govcloud-oncall,ou=Groups,$b
objectClass: groupOfNames
cn: govcloud-oncall
member: $(slapd_user_dn carol)
member: $(slapd_user_dn dave)

dn: cn=tenant-dmi-developers,ou=Groups,$b
objectClass: groupOfNames
cn: tenant-dmi-developers
member: $(slapd_user_dn alice)

dn: cn=tenant-dmi-viewers,ou=Groups,$b
objectClass: groupOfNames
cn: tenant-dmi-viewers
member: $(slapd_user_dn alice)
member: $(slapd_user_dn bob)

EOF
        slapd_write_identity_seed
    } >"$SLAPD_DIR/seed.ldif"
}

# The identity block of the seed (issue 16: who is at the keyboard): a user for each role
# ($SLAPD_ROLE_USERS, described in the header), nested groups, a cycle, and $SLAPD_SELF
# as an operator.
slapd_write_identity_seed() {
    local b="$SLAPD_BASE" u
    for u in $SLAPD_ROLE_USERS $(slapd_self_needs_entry && echo "$SLAPD_SELF"); do
        slapd_user_entry "$u"
    done
    cat <<EOF
dn: cn=tenant-registry-developers,ou=Groups,$b
objectClass: groupOfNames
cn: tenant-registry-developers
member: $(slapd_user_dn uma)

dn: cn=tenant-registry-viewers,ou=Groups,$b
objectClass: groupOfNames
cn: tenant-registry-viewers
member: $(slapd_user_dn vera)

dn: cn=dmi-team,ou=Groups,$b
objectClass: groupOfNames
cn: dmi-team
member: $(slapd_user_dn nick)

dn: cn=cycle-a,ou=Groups,$b
objectClass: groupOfNames
cn: cycle-a
member: $(slapd_user_dn cyril)

dn: cn=cycle-b,ou=Groups,$b
objectClass: groupOfNames
cn: cycle-b
member: cn=cycle-a,ou=Groups,$b

dn: cn=cycle-a,ou=Groups,$b
changetype: modify
add: member
member: cn=cycle-b,ou=Groups,$b

dn: cn=govcloud-operators,ou=Groups,$b
changetype: modify
add: member
member: $(slapd_user_dn opal)
member: $(slapd_user_dn "$SLAPD_SELF")

dn: cn=govcloud-oncall,ou=Groups,$b
changetype: modify
add: member
member: $(slapd_user_dn otto)

dn: cn=tenant-dmi-developers,ou=Groups,$b
changetype: modify
add: member
member: $(slapd_user_dn dana)
member: cn=dmi-team,ou=Groups,$b

dn: cn=tenant-dmi-viewers,ou=Groups,$b
changetype: modify
add: member
member: $(slapd_user_dn uma)

dn: cn=tenant-registry-viewers,ou=Groups,$b
changetype: modify
add: member
member: cn=cycle-b,ou=Groups,$b

EOF
}

# True when $SLAPD_SELF is not one of the users seeded anyway.
slapd_self_needs_entry() {
    case " $SLAPD_USERS $SLAPD_ROLE_USERS " in
    *" $SLAPD_SELF "*) return 1 ;;
    esac
    return 0
}

# For screen tests (tests/screen/lib.bash sourced first): slapd_start, or "Bail out!" and exit 1;
# slapd stops on exit with the test's own cleanup; the service account's password goes to
# $WORK/dir.pw (mode 0600) for the console's password_file.
slapd_screen_start() {
    if ! slapd_start; then
        echo "Bail out! the private slapd did not start"
        exit 1
    fi
    trap 'slapd_stop; cleanup' EXIT
    printf '%s\n' "$SLAPD_SERVICE_PW" >"$WORK/dir.pw"
    chmod 600 "$WORK/dir.pw"
}

# Writes a system configuration FILE whose [directory] is this slapd at URI (through the
# service account) and any further LINES.
slapd_system_config() { # file uri [line...]
    local f=$1 uri=$2
    shift 2
    {
        printf '[directory]\nuri = %s\nbase = %s\nbind_dn = %s\npassword_file = %s\n' \
            "$uri" "$SLAPD_BASE" "$SLAPD_SERVICE_DN" "$WORK/dir.pw"
        if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
    } >"$f"
}

# Prints the end of slapd's log to stderr after a message.
slapd_fail() {
    echo "slapd.bash: $1" >&2
    if [ -n "${SLAPD_LOG:-}" ] && [ -s "$SLAPD_LOG" ]; then
        tail -n 20 "$SLAPD_LOG" | sed 's/^/slapd.bash:   | /' >&2
    fi
    return 1
}

# Starts slapd on a fresh port; waits up to 10 s for the root DSE to answer. 0 when it does.
slapd_launch() {
    local i listen
    SLAPD_PORT=$(slapd_random_port) || return 1
    SLAPD_URI="ldap://127.0.0.1:$SLAPD_PORT"
    SLAPD_LDAPI_URI="ldapi://$(printf '%s' "$SLAPD_DIR/ldapi" | sed 's|/|%2F|g')"
    listen="$SLAPD_URI/ $SLAPD_LDAPI_URI/"
    if [ "${SLAPD_TLS:-0}" = 1 ]; then
        SLAPD_LDAPS_PORT=$(slapd_random_port) || return 1
        export SLAPD_LDAPS_PORT
        listen="$listen ldaps://127.0.0.1:$SLAPD_LDAPS_PORT/"
    fi
    # -d: stay in the foreground (our child); level 32768 ("none") logs only what is logged
    # whatever the level, start-up errors among it, to the log. The descriptor cap keeps slapd
    # from sizing its tables by the sandbox's huge limit.
    (ulimit -n 1024 && exec "$SLAPD_BIN" -d 32768 -h "$listen" -F "$SLAPD_DIR/slapd.d") \
        </dev/null >>"$SLAPD_LOG" 2>&1 &
    SLAPD_PID=$!
    for ((i = 0; i < 200; i++)); do
        if ! kill -0 "$SLAPD_PID" 2>/dev/null; then
            wait "$SLAPD_PID" 2>/dev/null
            SLAPD_PID=""
            return 1
        fi
        if ldapsearch -x -LLL -o nettimeout=2 -H "$SLAPD_URI" -s base -b "" namingContexts \
            >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

slapd_start() {
    local b tries
    if [ -n "${SLAPD_PID:-}" ]; then
        slapd_fail "slapd_start: already running (pid $SLAPD_PID)"
        return 1
    fi
    for b in "$SLAPD_BIN" "$SLAPD_ADD_BIN" ldapadd ldapsearch \
        $([ "${SLAPD_TLS:-0}" = 1 ] && echo openssl); do
        if ! command -v "$b" >/dev/null; then
            slapd_fail "missing $b: install slapd ldap-utils openssl (scripts/deps.sh test)"
            return 1
        fi
    done
    SLAPD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gc-slapd.XXXXXX") || return 1
    SLAPD_LOG="$SLAPD_DIR/slapd.log"
    SLAPD_BASE="dc=govcloud,dc=example"
    SLAPD_ROOT_DN="cn=admin,$SLAPD_BASE"
    SLAPD_ROOT_PW=$(slapd_random_pw)
    SLAPD_SERVICE_DN="cn=govconsole,ou=Services,$SLAPD_BASE"
    SLAPD_SERVICE_PW=$(slapd_random_pw)
    SLAPD_USERS="alice bob carol dave"
    SLAPD_USER_PW=$(slapd_random_pw)
    SLAPD_ROLE_USERS="opal otto dana vera uma nora nick cyril"
    SLAPD_SELF=$(id -un)
    export SLAPD_ROLE_USERS SLAPD_SELF
    export SLAPD_PORT SLAPD_URI SLAPD_LDAPI_URI SLAPD_BASE SLAPD_ROOT_DN SLAPD_ROOT_PW \
        SLAPD_SERVICE_DN SLAPD_SERVICE_PW SLAPD_USERS SLAPD_USER_PW SLAPD_DIR SLAPD_PID SLAPD_LOG
    trap slapd_stop EXIT
    mkdir -p "$SLAPD_DIR/slapd.d" "$SLAPD_DIR/data"
    : >"$SLAPD_LOG"
    if [ "${SLAPD_TLS:-0}" = 1 ] && ! slapd_make_certs; then
        slapd_fail "openssl could not make the test certificates"
        slapd_stop
        return 1
    fi
    slapd_write_config
    slapd_write_seed
    if ! "$SLAPD_ADD_BIN" -n0 -F "$SLAPD_DIR/slapd.d" -l "$SLAPD_DIR/config.ldif" \
        >>"$SLAPD_LOG" 2>&1; then
        slapd_fail "slapadd -n0 could not build cn=config"
        slapd_stop
        return 1
    fi
    # A port that is taken makes slapd exit: try others.
    for ((tries = 0; tries < 8; tries++)); do
        slapd_launch && break
        if [ -n "${SLAPD_PID:-}" ]; then # alive but never answered
            slapd_fail "slapd did not answer on $SLAPD_URI within 10 s"
            slapd_stop
            return 1
        fi
    done
    if [ -z "${SLAPD_PID:-}" ]; then
        slapd_fail "slapd would not start (8 ports tried)"
        slapd_stop
        return 1
    fi
    export SLAPD_PID
    # Stops slapd and removes the directory should this shell be killed without its traps.
    # ($$ is this shell's pid in the subshell too.)
    (
        while kill -0 "$$" 2>/dev/null && kill -0 "$SLAPD_PID" 2>/dev/null; do sleep 1; done
        kill "$SLAPD_PID" 2>/dev/null
        sleep 1
        rm -rf "$SLAPD_DIR"
    ) </dev/null >/dev/null 2>&1 &
    SLAPD_WATCHDOG=$!
    if ! slapd_ad_root_dse; then
        slapd_fail "could not add Active Directory's capability to the root DSE"
        slapd_stop
        return 1
    fi
    if ! ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PW" \
        -f "$SLAPD_DIR/seed.ldif" >>"$SLAPD_DIR/seed.log" 2>&1; then
        cat "$SLAPD_DIR/seed.log" >>"$SLAPD_LOG"
        slapd_fail "ldapadd could not load the seed"
        slapd_stop
        return 1
    fi
    return 0
}

slapd_stop() {
    local i
    if [ -n "${SLAPD_WATCHDOG:-}" ]; then
        kill "$SLAPD_WATCHDOG" 2>/dev/null
        wait "$SLAPD_WATCHDOG" 2>/dev/null
        SLAPD_WATCHDOG=""
    fi
    if [ -n "${SLAPD_PID:-}" ]; then
        kill "$SLAPD_PID" 2>/dev/null
        for ((i = 0; i < 100; i++)); do
            kill -0 "$SLAPD_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$SLAPD_PID" 2>/dev/null
        wait "$SLAPD_PID" 2>/dev/null
        SLAPD_PID=""
    fi
    if [ -n "${SLAPD_DIR:-}" ] && [ -d "$SLAPD_DIR" ]; then
        rm -rf "$SLAPD_DIR"
    fi
    SLAPD_DIR=""
    trap - EXIT
}

slapd_run() {
    local rc
    slapd_start || return 1
    "$@"
    rc=$?
    slapd_stop
    return "$rc"
}
