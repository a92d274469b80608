#!/bin/sh
# Every $UPLOAD_SECONDS: when a finished dump waits in $BACKUP_DIR (a name without a
# leading dot) with its kind in $BACKUP_DIR/.kind, runs upload.sh (beside this script) with
# the prefix and retention of that kind (none when the buckets' lifecycle rules keep
# backups: $BACKUP_KEEP_* unset), then empties the folder for the next run. A failed
# upload is retried at the next round; the scheduler skips its runs until then.
set -eu
here=$(dirname "$0")
base=$BACKUP_PREFIX
while :; do
  if [ -f "$BACKUP_DIR/.kind" ] && [ -n "$(ls "$BACKUP_DIR")" ]; then
    kind=$(cat "$BACKUP_DIR/.kind")
    case $kind in
      full) keep=${BACKUP_KEEP_FULL:-} wal=${BACKUP_WAL_FULL:-} ;;
      *) kind=incremental keep=${BACKUP_KEEP_INCREMENTAL:-} wal= ;;
    esac
    if BACKUP_PREFIX="$base/$kind" BACKUP_KEEP=$keep BACKUP_WAL=$wal sh "$here/upload.sh"; then
      rm -f "$BACKUP_DIR"/*
      rm -f "$BACKUP_DIR/.kind"
      echo "upload: the $kind backup is stored"
    else
      echo "upload: the $kind backup failed to upload; retrying" >&2
    fi
  fi
  sleep "$UPLOAD_SECONDS"
done
