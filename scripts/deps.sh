#!/bin/sh
# Installs the Debian packages govconsole needs that are missing, with one apt-get line.
#   scripts/deps.sh build   what `make` needs
#   scripts/deps.sh test    plus what `make test` needs (tmux, kubectl, curl, jq, and slapd,
#                           ldap-utils and openssl for a private OpenLDAP the tests start;
#                           nagios4-core, nagios4-cgi, monitoring-plugins-basic and lighttpd
#                           for a private Nagios 4 with its CGIs)
#   scripts/deps.sh bench   plus what `make bench` needs (bc, GNU time, curl, jq)
set -eu
BUILD_PKGS="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libjansson-dev
 libldap-dev libpcre2-dev libcmocka-dev libyaml-dev libmicrohttpd-dev"
TEST_PKGS="tmux procps curl jq python3 slapd ldap-utils openssl
 nagios4-core nagios4-cgi monitoring-plugins-basic lighttpd"
pkgs="$BUILD_PKGS"
if [ "${1:-build}" = bench ]; then
    pkgs="$pkgs tmux procps bc time curl jq"
    command -v kubectl >/dev/null 2>&1 || pkgs="$pkgs kubernetes-client"
fi
if [ "${1:-build}" = test ]; then
    pkgs="$pkgs $TEST_PKGS"
    # Any kubectl will do; Debian's is kubernetes-client (it conflicts with other kubectl packages).
    command -v kubectl >/dev/null 2>&1 || pkgs="$pkgs kubernetes-client"
fi
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
# The tests run their own slapd; the package must not configure a system directory, because
# its init script would then start slapd on every interface (ldap:///). Without a
# configuration the init script refuses to start, with or without systemd or policy-rc.d.
case " $missing " in
*" slapd "*) echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections ;;
esac
# Nagios and lighttpd run only as the tests' own processes (tests/integration/nagios.bash):
# their packages must not start system services (lighttpd would listen on every interface).
# Where no policy-rc.d says otherwise (a container usually has one), one that refuses every
# start is in place for the duration of the install.
policy=""
case " $missing " in
*" lighttpd "* | *" nagios4-core "* | *" nagios4-cgi "*)
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n# written by govconsole scripts/deps.sh for one install\nexit 101\n' |
            $SUDO tee "$policy" >/dev/null
        $SUDO chmod 755 "$policy"
        trap '$SUDO rm -f "$policy"' EXIT
    fi
    ;;
esac
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
