#!/usr/bin/env bash
# Runs tests with every clock they read — Node's, PostgreSQL's and Redis's — moved to another instant,
# to prove no test depends on today's date (STYLE.md: "try it at a month's first and last day").
#
#   scripts/faked-clock.sh month-start|month-end|<instant> [tap file globs...]
#
#   month-start  00:05 China Standard Time on the 1st of next month (still the previous day in UTC)
#   month-end    20:00 China Standard Time on the last day of this month
#   <instant>    anything `date -d` reads, e.g. 2027-03-01T00:05:00+08:00
#
# libfaketime (Debian package faketime) shifts the clock by a fixed offset, the same for a throwaway
# PostgreSQL cluster and the test processes, so the two agree with each other and time still runs.
# Redis keeps the real clock: it does not start under libfaketime (its jemalloc clashes), and the gateway
# reads no date from it (only relative expiries), so a throwaway Redis on the real clock is used, and a
# redis-server or redis-cli a test starts itself runs without the library. Needs root (the cluster runs as
# the postgres user) and a build in dist/.
# Prints tap's output; exits with tap's status.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/faked-clock.sh month-start|month-end|<instant> [tap file globs...]}
shift
files=("$@")
# Chromium does not run under libfaketime (it spins); the dashboard's browser tests read dates from the
# API, whose date logic the other tests cover, so they run on the real clock only.
[ ${#files[@]} -eq 0 ] && files=("dist/test/{unit,integration,e2e,conformance}/**/*.test.js")

lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
if [ -z "$lib" ]; then
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y faketime; } >/dev/null 2>&1 || true
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
fi
[ -n "$lib" ] || { echo "faked-clock: libfaketime is not installed (apt-get install faketime)" >&2; exit 2; }

# The instant, computed in China Standard Time (UTC+8, no daylight saving).
cst() { TZ=Asia/Shanghai date "$@"; }
case "$target" in
  month-start) instant="$(cst -d "$(cst +%Y-%m-01) +1 month" +%Y-%m-01)T00:05:00+08:00" ;;
  month-end) instant="$(cst -d "$(cst +%Y-%m-01) +1 month -1 day" +%Y-%m-%d)T20:00:00+08:00" ;;
  *) instant=$target ;;
esac
offset=$(( $(date -d "$instant" +%s) - $(date +%s) ))
sign=$([ "$offset" -ge 0 ] && echo + || echo -)
export FAKETIME="${sign}${offset#-}"
export FAKETIME_DONT_FAKE_MONOTONIC=1

work=$(mktemp -d /tmp/faked-clock.XXXXXX)
chown postgres "$work"
pgport=$(( 20000 + RANDOM % 10000 ))
redisport=$(( pgport + 1 ))
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

cleanup() {
  runuser -u postgres -- "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redisport" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/pg" && chown postgres "$work/pg" && chmod 700 "$work/pg"
runuser -u postgres -- "$bin/initdb" -D "$work/pg" -U postgres --auth=trust >/dev/null
runuser -u postgres -- env LD_PRELOAD="$lib" FAKETIME="$FAKETIME" FAKETIME_DONT_FAKE_MONOTONIC=1 \
  "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
psql -h 127.0.0.1 -p "$pgport" -U postgres -qc 'CREATE DATABASE test' postgres
redis-server --port "$redisport" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$work" --daemonize yes --logfile "$work/redis.log"
for _ in $(seq 1 30); do redis-cli -p "$redisport" ping >/dev/null 2>&1 && break; sleep 0.2; done

# Tests that start a redis-server (or run redis-cli: the cluster test) of their own find these wrappers
# first on the PATH: both hang under libfaketime (jemalloc's clock_gettime recursion).
mkdir "$work/bin"
for tool in redis-server redis-cli; do
  printf '#!/bin/sh\nunset LD_PRELOAD\nexec %s "$@"\n' "$(command -v "$tool")" >"$work/bin/$tool"
  chmod 755 "$work/bin/$tool"
done
export PATH="$work/bin:$PATH"
export DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/test"
export REDIS_URL="redis://127.0.0.1:$redisport"
echo "faked-clock: $(LD_PRELOAD="$lib" date -u +%Y-%m-%dT%H:%M:%SZ) UTC" \
  "(PostgreSQL: $(psql -h 127.0.0.1 -p "$pgport" -U postgres -Atc "SELECT now() AT TIME ZONE 'Asia/Shanghai'" postgres) CST)"
set +e
# Coverage is the real-clock run's business (.ci/run); here it would only cost time.
LD_PRELOAD="$lib" npx --no-install tap --disable-coverage "${files[@]}"
