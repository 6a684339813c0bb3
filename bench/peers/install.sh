#!/usr/bin/env bash
# Installs the peers of `npm run bench -- --peers` from Debian's packages when they are missing:
# redis-server (Redis Streams), rabbitmq-server (quorum queues) and nats-server (JetStream).
# Idempotent: prints what is there and installs only what is not. Needs root (or sudo).
# The runner starts its own servers on free loopback ports with temp data dirs; the packages'
# system services are not needed (in containers policy-rc.d usually keeps them from starting).
#   bash bench/peers/install.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

declare -A BIN=(
  [redis-server]=/usr/bin/redis-server
  [rabbitmq-server]=/usr/lib/rabbitmq/bin/rabbitmq-server
  [nats-server]=/usr/sbin/nats-server
)

missing=()
for pkg in redis-server rabbitmq-server nats-server; do
  if [ -x "${BIN[$pkg]}" ]; then
    echo "install.sh: $pkg is installed (${BIN[$pkg]})"
  else
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install.sh: installing ${missing[*]} from Debian's packages"
$SUDO apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
for pkg in "${missing[@]}"; do
  if apt-cache policy "$pkg" | grep -q 'Candidate: (none)'; then
    echo "install.sh: Debian has no $pkg here; the bench reports it as not installed" >&2
    continue
  fi
  # One at a time, so a peer that fails to install does not keep the others out.
  $SUDO apt-get install -y -qq --no-install-recommends "$pkg" ||
    echo "install.sh: apt-get install $pkg failed; the bench reports it as not installed" >&2
done
# A service the package started on the default ports is not used by the bench; stop it so it
# does not take CPU from the run.
for svc in redis-server rabbitmq-server; do
  if command -v service >/dev/null && service "$svc" status >/dev/null 2>&1; then
    $SUDO service "$svc" stop || true
  fi
done
