#!/usr/bin/env bash
# Starts what the tests need and leaves it running: PostgreSQL on 127.0.0.1 with the login role `tollgate`
# (password `tollgate`, CREATEDB) owning the database `tollgate`, i.e. the tests' default
#   jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate
# Installs PostgreSQL with apt-get when it is missing, starts (or creates) the cluster on the port, creates the
# role and the database when they are missing. Idempotent: run it as often as you like. Debian/Ubuntu, as root.
#
# Also installs nginx (NginxAuthRequestTest runs its own on free loopback ports with its own nginx.conf), wrk
# (bench/), systemd-analyze (DeployFilesTest verifies deploy/tollgate.service; package systemd) and Debian's
# chromium (ConsoleBrowserTest drives it headless through playwright-core; no browser is ever downloaded) when they
# are missing. No system nginx is started or needed: the package's own service is left alone.
#
# Also installs redis-server (Debian's 7.0) when it is missing: the shared-limits tests start their own private
# redis-server on a free loopback port (RedisServer in src/test) and fail, never skip, without it. No system Redis is
# started or needed.
#
# Also installs faketime (Debian's libfaketime) when it is missing: SkewedClocksAcrossProcessesTest runs one
# `tollgate serve` with LD_PRELOAD=libfaketime.so.1 FAKETIME=+2s, so that its clock is 2 s ahead of the others, and
# fails, never skips, without it.
#
# Environment: TOLLGATE_PG_PORT (default 5432) selects the cluster by its port.
set -euo pipefail

PORT="${TOLLGATE_PG_PORT:-5432}"
ROLE=tollgate
PASSWORD=tollgate
DATABASE=tollgate
READY_TIMEOUT_S=60

log() { echo "test-services: $*"; }
die() { echo "test-services: FAILED: $*" >&2; exit 1; }

ready() { pg_isready -q -h 127.0.0.1 -p "$PORT"; }

serves_tollgate() {
  PGPASSWORD="$PASSWORD" PGCONNECT_TIMEOUT=5 \
    psql -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DATABASE" -Atqc 'SELECT 1' >/dev/null 2>&1
}

as_postgres() {
  if command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

install_postgres() {
  if command -v pg_lsclusters >/dev/null 2>&1 && [[ -d /usr/lib/postgresql ]]; then
    return
  fi
  log "PostgreSQL is not installed: installing it with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q postgresql || die "apt-get install -y postgresql failed"
  command -v pg_lsclusters >/dev/null 2>&1 || die "pg_lsclusters is still missing after installing postgresql"
}

# Prints "VERSION NAME STATUS" of the cluster configured on $PORT, nothing when there is none.
cluster_on_port() {
  pg_lsclusters --no-header 2>/dev/null | awk -v port="$PORT" '$3 == port { print $1, $2, $4; exit }'
}

ensure_cluster_running() {
  local version name status
  read -r version name status <<<"$(cluster_on_port)" || true
  if [[ -z "${version:-}" ]]; then
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$version" ]] || die "no PostgreSQL server found under /usr/lib/postgresql"
    name=main
    if pg_lsclusters --no-header 2>/dev/null | awk '{ print $1, $2 }' | grep -qx "$version main"; then
      name=tollgate-test
    fi
    log "no cluster listens on port $PORT: creating cluster $version/$name"
    pg_createcluster "$version" "$name" --port "$PORT" >/dev/null || die "pg_createcluster $version $name failed"
    status=down
  fi
  if [[ "$status" != online* ]]; then
    log "starting cluster $version/$name on port $PORT"
    pg_ctlcluster "$version" "$name" start \
      || die "pg_ctlcluster $version $name start failed (see /var/log/postgresql/postgresql-$version-$name.log)"
  fi
  local waited=0
  until ready; do
    if (( waited >= READY_TIMEOUT_S )); then
      die "PostgreSQL on 127.0.0.1:$PORT is not ready after ${READY_TIMEOUT_S}s (pg_isready)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

ensure_role_and_database() {
  as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -qAt <<SQL || die "cannot create or update the role $ROLE"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
SQL
  local exists
  exists="$(as_postgres psql -p "$PORT" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" \
    || die "cannot list the databases"
  if [[ "$exists" != 1 ]]; then
    log "creating database $DATABASE owned by $ROLE"
    as_postgres createdb -p "$PORT" -O "$ROLE" "$DATABASE" || die "createdb $DATABASE failed"
  fi
}

# The Debian package of a command the tests need.
package_of() {
  case "$1" in
    systemd-analyze) echo systemd ;;
    redis-server) echo redis-server ;;
    faketime) echo faketime ;;
    *) echo "$1" ;;
  esac
}

# Installs the Debian packages of the commands that are missing; fails when a command is still missing.
install_tools() {
  local missing=() packages=() cmd
  for cmd in nginx wrk systemd-analyze chromium redis-server faketime; do
    tool_present "$cmd" || { missing+=("$cmd"); packages+=("$(package_of "$cmd")"); }
  done
  (( ${#missing[@]} == 0 )) && return
  log "installing ${packages[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${packages[@]}"; then
    apt-get update -q || die "apt-get update failed"
    apt-get install -y -q "${packages[@]}" || die "apt-get install -y ${packages[*]} failed"
  fi
  for cmd in "${missing[@]}"; do
    tool_present "$cmd" || die "$cmd is still missing after apt-get install $(package_of "$cmd")"
  done
}

# nginx lives in /usr/sbin, which a non-root PATH may lack.
tool_present() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]]
}

main() {
  cd /  # psql run as postgres must not start in a directory it cannot read
  if [[ $EUID -ne 0 ]]; then
    tool_present nginx && tool_present wrk && tool_present systemd-analyze && tool_present chromium \
      && tool_present redis-server && tool_present faketime \
      || die "nginx, wrk, systemd-analyze, chromium, redis-server or faketime is missing: run this script as root to install them"
    if command -v pg_isready >/dev/null 2>&1 && ready && serves_tollgate; then
      log "PostgreSQL already serves $ROLE@127.0.0.1:$PORT/$DATABASE"
      exit 0
    fi
    die "run as root to install or start PostgreSQL (or point TOLLGATE_TEST_PG_URL at a server of your own)"
  fi
  install_tools
  install_postgres
  ensure_cluster_running
  ensure_role_and_database
  serves_tollgate \
    || die "PostgreSQL runs but $ROLE cannot log in over TCP at 127.0.0.1:$PORT with a password (check pg_hba.conf)"
  log "PostgreSQL ready on 127.0.0.1:$PORT: database $DATABASE, role $ROLE; nginx, wrk, systemd-analyze, chromium, redis-server and faketime installed"
}

main "$@"
