#!/bin/sh
# Copies the dump to every destination. Retention is the buckets' lifecycle rules; only
# with $BACKUP_KEEP set (a MinIO written with its root user, with no rules) does it delete
# the oldest objects beyond that count on the first destination and, with $BACKUP_WAL set,
# archived WAL older than the oldest base backup kept (no restore can start before it).
set -eu
. /scripts/rclone.sh
for root in $roots; do
  for f in "${BACKUP_DIR:-/backup}"/*; do
    rc copyto "$f" "$root/$BACKUP_PREFIX/${f##*/}"
  done
done
if [ -z "${BACKUP_KEEP:-}" ]; then
  exit 0
fi
dest="dest:$BACKUP_BUCKET/$BACKUP_PREFIX"
# Object names end in a UTC time stamp after a fixed prefix, so sorted names are oldest first.
set -- $(rc lsf --files-only "$dest" | sort)
excess=$(( $# - BACKUP_KEEP ))
while [ "$excess" -gt 0 ]; do
  rc deletefile "$dest/$1"
  shift
  excess=$(( excess - 1 ))
done
if [ -n "${BACKUP_WAL:-}" ] && [ "$#" -gt 0 ]; then
  oldest=$(rc lsf --files-only --format t "$dest/$1")
  rc delete --min-age "$oldest" "dest:$BACKUP_BUCKET/$BACKUP_WAL"
fi
