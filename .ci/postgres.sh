#!/usr/bin/env bash
# Makes a throwaway PostgreSQL (Debian's package, 15 preferred) available on 127.0.0.1 for the
# registry's PostgreSQL tests, and exports where it is:
#
#   CYTOLABEL_TEST_POSTGRES_URL       jdbc:postgresql://127.0.0.1:<port>/cytolabel_test
#   CYTOLABEL_TEST_POSTGRES_USER      cytolabel
#   CYTOLABEL_TEST_POSTGRES_PASSWORD  random, kept in the state directory
#
# Use:  source .ci/postgres.sh          (exports into the calling shell; safe under set -euo pipefail)
#       eval "$(.ci/postgres.sh)"       (prints the export lines)
#       .ci/postgres.sh stop            (stops the server and deletes its files)
#
# Idempotent: a second call reuses the running server (or restarts the stopped one) in
# $CYTOLABEL_PG_DIR (default ${TMPDIR:-/tmp}/cytolabel-postgres). Run as root it installs the
# `postgresql` package when no server binaries are found (apt-get update first) and runs the server
# as the `postgres` user; run as anyone else it needs the binaries already and runs as that user.
# The cluster listens on 127.0.0.1 only (port 55432, or the next free one), password auth
# (scram-sha-256), fsync off: it is for tests, never for data you want to keep.
# The server is left running when the script returns; `.ci/postgres.sh stop` ends it.

_cl_pg_log() { echo "postgres.sh: $*" >&2; }

_cl_pg_bindir() {
    local d
    for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            echo "$d"
            return 0
        fi
    done
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir
        return 0
    fi
    return 1
}

# runs a command as the server's owner (postgres when we are root)
_cl_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

_cl_pg_port_free() {
    # a connection that succeeds means something listens there
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_cl_pg_main() {
    local dir="${CYTOLABEL_PG_DIR:-${TMPDIR:-/tmp}/cytolabel-postgres}"
    local action="${1:-start}"
    local bin
    if ! bin="$(_cl_pg_bindir)"; then
        if [[ "$action" == stop ]]; then
            return 0
        fi
        if [[ $EUID -ne 0 ]]; then
            _cl_pg_log "no PostgreSQL server binaries found; install Debian's postgresql package (as root) and retry"
            return 1
        fi
        _cl_pg_log "installing PostgreSQL (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
            _cl_pg_log "apt-get could not install postgresql"
            return 1
        fi
        if ! bin="$(_cl_pg_bindir)"; then
            _cl_pg_log "postgresql was installed but no server binaries were found under /usr/lib/postgresql"
            return 1
        fi
    fi

    if [[ "$action" == stop ]]; then
        if [[ -f "$dir/data/PG_VERSION" ]]; then
            _cl_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$dir"
        unset CYTOLABEL_TEST_POSTGRES_URL CYTOLABEL_TEST_POSTGRES_USER CYTOLABEL_TEST_POSTGRES_PASSWORD
        _cl_pg_log "stopped and removed $dir"
        return 0
    fi
    if [[ "$action" != start ]]; then
        _cl_pg_log "unknown action '$action'; use: start (default) or stop"
        return 2
    fi
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        _cl_pg_log "the postgres user is missing (the postgresql package creates it); reinstall the package"
        return 1
    fi

    local user=cytolabel db=cytolabel_test port password
    if [[ -f "$dir/env" && -f "$dir/data/PG_VERSION" ]]; then
        port="$(sed -n 's/^port=//p' "$dir/env")"
        password="$(sed -n 's/^password=//p' "$dir/env")"
        if _cl_pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
            _cl_pg_log "reusing the server in $dir on port $port"
        else
            if ! _cl_pg_port_free "$port"; then
                _cl_pg_log "port $port of the stopped cluster in $dir is taken; run '.ci/postgres.sh stop' and retry"
                return 1
            fi
            _cl_pg_log "restarting the stopped server in $dir on port $port"
            if ! _cl_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null; then
                _cl_pg_log "the server did not start; see $dir/server.log"
                return 1
            fi
        fi
    else
        rm -rf "$dir"
        mkdir -p "$dir" && chmod 700 "$dir"
        if [[ $EUID -eq 0 ]]; then
            chown postgres:postgres "$dir"
        fi
        port=55432
        while ! _cl_pg_port_free "$port"; do
            port=$((port + 1))
            if (( port > 55532 )); then
                _cl_pg_log "no free port in 55432-55532"
                return 1
            fi
        done
        password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
        local pwfile="$dir/pw"
        printf '%s\n' "$password" >"$pwfile"
        if [[ $EUID -eq 0 ]]; then
            chown postgres:postgres "$pwfile"
        fi
        chmod 600 "$pwfile"
        if ! _cl_pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" -E UTF8 --no-locale \
                --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1; then
            _cl_pg_log "initdb failed; see $dir/initdb.log"
            return 1
        fi
        rm -f "$pwfile"
        cat >>"$dir/data/postgresql.conf" <<EOF
# cytolabel test cluster (.ci/postgres.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
        if ! _cl_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null; then
            _cl_pg_log "the server did not start; see $dir/server.log"
            return 1
        fi
        if ! _cl_pg_as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
                -c "CREATE ROLE $user LOGIN PASSWORD '$password'" -c "CREATE DATABASE $db OWNER $user" >/dev/null; then
            _cl_pg_log "could not create the role and database; see $dir/server.log"
            return 1
        fi
        printf 'port=%s\npassword=%s\n' "$port" "$password" >"$dir/env"
        chmod 600 "$dir/env"
        _cl_pg_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port ($dir)"
    fi

    export CYTOLABEL_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$port/$db"
    export CYTOLABEL_TEST_POSTGRES_USER="$user"
    export CYTOLABEL_TEST_POSTGRES_PASSWORD="$password"
    printf 'export CYTOLABEL_TEST_POSTGRES_URL=%q\n' "$CYTOLABEL_TEST_POSTGRES_URL"
    printf 'export CYTOLABEL_TEST_POSTGRES_USER=%q\n' "$CYTOLABEL_TEST_POSTGRES_USER"
    printf 'export CYTOLABEL_TEST_POSTGRES_PASSWORD=%q\n' "$CYTOLABEL_TEST_POSTGRES_PASSWORD"
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # sourced: export into the caller, print nothing on stdout, leave its shell options alone
    _cl_pg_main "$@" >/dev/null
    _cl_pg_rc=$?
    unset -f _cl_pg_log _cl_pg_bindir _cl_pg_as_owner _cl_pg_port_free _cl_pg_main
    return "$_cl_pg_rc"
else
    set -uo pipefail
    _cl_pg_main "$@"
fi
