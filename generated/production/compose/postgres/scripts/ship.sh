#!/bin/sh
# Every $SHIP_SECONDS, copies the archived segments in the spool to every destination and
# removes them from the spool once all copies succeeded. The server's archive_command
# writes each one under a dot name and renames it when complete, so only complete
# segments are listed; a segment listed is copied everywhere before it is removed.
set -eu
. /scripts/rclone.sh
list="$WAL_SPOOL/.ship-list"
while :; do
  if [ -d "$WAL_SPOOL" ]; then
    ls -A "$WAL_SPOOL" | grep -v '^\.' > "$list" || true
    ok=1
    for root in $roots; do
      rc copy --files-from-raw "$list" "$WAL_SPOOL" "$root/$BACKUP_PREFIX" || ok=0
    done
    if [ "$ok" = 1 ]; then
      while IFS= read -r f; do rm -f "$WAL_SPOOL/$f"; done < "$list"
    else
      echo "ship: upload failed; the segments stay in the spool until the next round" >&2
    fi
  fi
  sleep "$SHIP_SECONDS"
done
