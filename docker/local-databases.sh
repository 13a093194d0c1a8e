#!/usr/bin/env bash
# Prepares the PostgreSQL and MariaDB installed on this (Debian) machine for dtc's XA tests, and prints the
# environment the tests read, as `export VAR=...` lines on stdout (progress goes to stderr):
#
#     eval "$(docker/local-databases.sh)" && ./mvnw -B verify
#
# Idempotent: run it as often as you like. It
#   - starts PostgreSQL if it is down, raises max_prepared_transactions to 200 (PostgreSQL's default 0
#     disables PREPARE TRANSACTION, i.e. XA) and restarts PostgreSQL only when the setting is not yet live;
#   - starts MariaDB if it is down (as the mysql user: mariadbd refuses to run as root);
#   - creates a role/user `dtc` (password `dtc`) and a database `dtc` in both;
#   - waits until both answer and checks that a transaction can be prepared and rolled back in each.
# It needs root (or password-less sudo) to act as the postgres user and to start the servers.
set -euo pipefail

PG_MAX_PREPARED=200
PG_CLUSTER="${PG_CLUSTER:-main}"
TEST_USER=dtc
TEST_PASSWORD=dtc
TEST_DATABASE=dtc
WAIT_SECONDS="${WAIT_SECONDS:-90}"

log() { printf 'local-databases: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}
as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}
# psql as the postgres superuser over the local socket (peer or trust authentication); quiet, stop on error
pg_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }
# the MariaDB client as root over the socket (unix_socket authentication, Debian's default for root)
maria_admin() { as_root mariadb --protocol=socket -uroot "$@"; }

wait_until() { # wait_until DESCRIPTION COMMAND...
    local what=$1; shift
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what did not answer within ${WAIT_SECONDS}s"
        sleep 1
    done
}

# ---------------------------------------------------------------- PostgreSQL
command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed (apt-get install postgresql)"
PG_VERSION="${PG_VERSION:-$(pg_lsclusters -h | awk -v c="$PG_CLUSTER" '$2 == c { print $1 }' | sort -V | tail -n 1)}"
[[ -n $PG_VERSION ]] || die "no PostgreSQL cluster named '$PG_CLUSTER' (pg_lsclusters shows none)"
PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $3 }')

pg_cluster_ctl() {
    # --skip-systemctl-redirect: act directly, also where systemd does not run (containers, CI)
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" "$1"
}
pg_answers() { as_postgres pg_isready -q -p "$PG_PORT"; }

if ! pg_answers; then
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_cluster_ctl start || true # "already running" is fine; wait_until decides
    wait_until "PostgreSQL" pg_answers
fi

live=$(pg_admin -Atc "SELECT setting FROM pg_settings WHERE name = 'max_prepared_transactions'")
if ((live < PG_MAX_PREPARED)); then
    log "PostgreSQL: max_prepared_transactions is $live; setting $PG_MAX_PREPARED and restarting"
    pg_admin -c "ALTER SYSTEM SET max_prepared_transactions = $PG_MAX_PREPARED"
    pg_cluster_ctl restart
    wait_until "PostgreSQL after restart" pg_answers
    live=$(pg_admin -Atc "SELECT setting FROM pg_settings WHERE name = 'max_prepared_transactions'")
    ((live >= PG_MAX_PREPARED)) || die "PostgreSQL still has max_prepared_transactions = $live after the restart;" \
        "is it set on the command line? See /etc/postgresql/$PG_VERSION/$PG_CLUSTER/"
else
    log "PostgreSQL: max_prepared_transactions = $live, nothing to change"
fi

pg_admin <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TEST_USER') THEN
        CREATE ROLE $TEST_USER LOGIN CREATEDB PASSWORD '$TEST_PASSWORD';
    ELSE
        ALTER ROLE $TEST_USER LOGIN CREATEDB PASSWORD '$TEST_PASSWORD';
    END IF;
END
\$\$;
SQL
if [[ -z $(pg_admin -Atc "SELECT 1 FROM pg_database WHERE datname = '$TEST_DATABASE'") ]]; then
    log "PostgreSQL: creating database $TEST_DATABASE"
    pg_admin -c "CREATE DATABASE $TEST_DATABASE OWNER $TEST_USER"
fi

# XA check, as the tests will connect: TCP, the test role, its password
gid="dtc-local-databases-check-$$"
PGPASSWORD=$TEST_PASSWORD psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$TEST_USER" -d "$TEST_DATABASE" \
    >/dev/null <<SQL || die "PostgreSQL refused PREPARE TRANSACTION as $TEST_USER on 127.0.0.1:$PG_PORT"
BEGIN;
SELECT 1;
PREPARE TRANSACTION '$gid';
ROLLBACK PREPARED '$gid';
SQL
log "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT: XA works (PREPARE TRANSACTION as $TEST_USER)"

# ---------------------------------------------------------------- MariaDB
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || die "MariaDB is not installed (apt-get install mariadb-server)"
maria_answers() { as_root mariadb-admin --protocol=socket -uroot ping; }

if ! maria_answers >/dev/null 2>&1; then
    log "starting MariaDB"
    # the socket directory is on tmpfs and vanishes at reboot; mariadbd does not create it
    as_root install -d -o mysql -g mysql -m 0755 /run/mysqld
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    wait_until "MariaDB" maria_answers
fi

maria_admin <<SQL
CREATE USER IF NOT EXISTS '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASSWORD';
CREATE USER IF NOT EXISTS '$TEST_USER'@'127.0.0.1' IDENTIFIED BY '$TEST_PASSWORD';
ALTER USER '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASSWORD';
ALTER USER '$TEST_USER'@'127.0.0.1' IDENTIFIED BY '$TEST_PASSWORD';
-- every privilege: tests create databases of their own, XA RECOVER shows all branches only with SUPER,
-- and killing connections is how they test reconnects. A local test server only.
GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'localhost';
GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'127.0.0.1';
CREATE DATABASE IF NOT EXISTS $TEST_DATABASE;
SQL
MARIA_PORT=$(maria_admin -N -B -e "SELECT @@port")

xid="'dtc-local-databases-check-$$'"
mariadb -h 127.0.0.1 -P "$MARIA_PORT" -u "$TEST_USER" -p"$TEST_PASSWORD" "$TEST_DATABASE" >/dev/null \
    -e "XA START $xid; XA END $xid; XA PREPARE $xid; XA ROLLBACK $xid;" \
    || die "MariaDB refused XA PREPARE as $TEST_USER on 127.0.0.1:$MARIA_PORT"
log "MariaDB on 127.0.0.1:$MARIA_PORT: XA works (XA PREPARE as $TEST_USER)"

# ---------------------------------------------------------------- the environment for the tests
cat <<ENV
export DTC_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$PG_PORT/$TEST_DATABASE'
export DTC_TEST_POSTGRES_USER='$TEST_USER'
export DTC_TEST_POSTGRES_PASSWORD='$TEST_PASSWORD'
export DTC_TEST_MYSQL_URL='jdbc:mysql://127.0.0.1:$MARIA_PORT/$TEST_DATABASE'
export DTC_TEST_MYSQL_USER='$TEST_USER'
export DTC_TEST_MYSQL_PASSWORD='$TEST_PASSWORD'
ENV
