#!/bin/sh
# Every $SHIP_SECONDS, moves the archived segments in the spool to the destination. The
# server's archive_command writes each one under a dot name and renames it when complete,
# so only complete segments move; rclone removes a spool file only once it is uploaded.
set -eu
. /scripts/rclone.sh
while :; do
  rc move --exclude '.*' "$WAL_SPOOL" "dest:$BACKUP_BUCKET/$BACKUP_PREFIX" ||
    echo "ship: upload failed; the segments stay in the spool until the next round" >&2
  sleep "$SHIP_SECONDS"
done
