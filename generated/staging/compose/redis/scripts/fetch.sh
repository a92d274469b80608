#!/bin/sh
# Brings the newest backup finished at or before $RESTORE_TARGET_TIME (UTC,
# 2026-01-31T13:45:00Z; the newest of all when empty) to /restore/backup, and with
# $BACKUP_WAL set the archived WAL to /restore/wal/. Reads the first destination that
# holds such a backup (the in-cluster one first, then the off-site copy).
set -eu
. /scripts/rclone.sh
limit=$(printf '%s' "${RESTORE_TARGET_TIME:-}" | tr -d ':-')
best=
for root in $roots; do
  dest="$root/$BACKUP_PREFIX"
  best=$(for kind in full incremental; do
    rc lsf --files-only "$dest/$kind" 2>/dev/null | sed "s|^|$kind/|" || true
  done | awk -F/ -v limit="$limit" '{ s = $2; sub(/^[^-]*-/, "", s); sub(/\..*$/, "", s);
    if (limit == "" || s <= limit) print s " " $0 }' | sort | tail -n 1 | cut -d' ' -f2)
  if [ -n "$best" ]; then
    break
  fi
done
if [ -z "$best" ]; then
  echo "fetch: no backup under $roots ($BACKUP_PREFIX) finished at or before ${RESTORE_TARGET_TIME:-now}" >&2
  exit 1
fi
echo "fetch: $dest/$best"
rc copyto "$dest/$best" /restore/backup
if [ -n "${BACKUP_WAL:-}" ]; then
  mkdir -p /restore/wal
  rc copy "$root/$BACKUP_WAL" /restore/wal
fi
