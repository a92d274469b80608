#!/bin/sh
# Unpacks the base backup in /restore into the empty data folder, replays the archived WAL
# up to $RESTORE_TARGET_TIME (UTC, 2026-01-31T13:45:00Z; to the end of the archive when
# empty), lets the server promote itself, and stops it: the volume then holds a primary.
set -eu
if [ -s "$PGDATA/PG_VERSION" ]; then
  echo "restore: $PGDATA holds a cluster already; restore into a fresh volume" >&2
  exit 1
fi
mkdir -p "$PGDATA"
chmod 0700 "$PGDATA"
tar -xzf /restore/backup -C "$PGDATA"
touch "$PGDATA/recovery.signal"
set -- -c "restore_command=cp /restore/wal/%f %p" -c listen_addresses= \
  -c archive_mode=off -c recovery_target_action=promote
if [ -n "${RESTORE_TARGET_TIME:-}" ]; then
  # PostgreSQL reads the target as `2026-01-31 13:45:00+00`.
  target=$(printf '%s' "$RESTORE_TARGET_TIME" | sed 's/T/ /; s/Z$/+00/')
  set -- "$@" -c "recovery_target_time=$target"
fi
postgres -D "$PGDATA" "$@" &
server=$!
until [ "$(psql -h /var/run/postgresql -U "$BACKUP_USER" -d postgres -Atc \
  'select pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "restore: the server stopped before the recovery finished" >&2
    exit 1
  fi
  sleep 1
done
pg_ctl -D "$PGDATA" -m fast -w stop
echo "restore: done, recovered to ${RESTORE_TARGET_TIME:-the end of the archive}"
