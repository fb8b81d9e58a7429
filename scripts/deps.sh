#!/bin/sh
# Installs the Debian packages govconsole needs that are missing, with one apt-get line.
#   scripts/deps.sh build   what `make` needs
#   scripts/deps.sh test    plus what `make test` needs (tmux, kubectl, curl, jq)
#   scripts/deps.sh bench   plus what `make bench` needs (bc, GNU time, curl, jq)
set -eu
BUILD_PKGS="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libjansson-dev
 libldap2-dev libpcre2-dev libcmocka-dev libyaml-dev libmicrohttpd-dev"
TEST_PKGS="tmux procps curl jq python3"
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
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
