#!/bin/sh
# Copies the dump to the destination, then keeps only the newest $BACKUP_KEEP objects under
# the prefix; with $BACKUP_WAL set, also deletes archived WAL older than the oldest base
# backup kept (no restore can start before it).
set -eu
. /scripts/rclone.sh
dest="dest:$BACKUP_BUCKET/$BACKUP_PREFIX"
for f in "${BACKUP_DIR:-/backup}"/*; do
  rc copyto "$f" "$dest/${f##*/}"
done
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
