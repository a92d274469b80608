#!/bin/sh
# The backup schedules of this engine, in UTC, checked once a minute (Compose has no
# scheduler; Kubernetes runs the same dump.sh from CronJobs):
#   full: 45 2 * * *
#   incremental: 0,30 * * * *
# nexus wrote each field as a `case` pattern; the shell parses no cron. At a due minute
# dump.sh (beside this script) writes the dump into $BACKUP_DIR, the kind in .kind, for
# the uploader. A run due while the previous one is not uploaded yet is skipped; when
# both schedules are due, the full backup runs.
set -eu
here=$(dirname "$0")

# due_KIND MINUTE HOUR DAY MONTH WEEKDAY, as `date -u '+%M %H %d %m %w'` prints them.
due_full() {
  case $1 in 45) ;; *) return 1 ;; esac
  case $2 in 02) ;; *) return 1 ;; esac
  return 0
}
due_incremental() {
  case $1 in 00|30) ;; *) return 1 ;; esac
  return 0
}

# run KIND TIME: one backup, unless the previous one is not uploaded yet.
run() {
  if [ -e "$BACKUP_DIR/.kind" ]; then
    echo "backup: the $1 backup due at $2 is skipped: the previous one is not uploaded yet" >&2
    return 0
  fi
  echo "$1" > "$BACKUP_DIR/.kind"
  echo "backup: $1 backup at $2"
  if ! sh "$here/dump.sh"; then
    echo "backup: the $1 dump due at $2 failed" >&2
    rm -f "$BACKUP_DIR"/.[!.]*
    return 0
  fi
  # A dump that wrote nothing leaves nothing to upload.
  if [ -z "$(ls "$BACKUP_DIR")" ]; then
    rm -f "$BACKUP_DIR/.kind"
  fi
}

mkdir -p "$BACKUP_DIR"
last=
while :; do
  now=$(date -u '+%S %M %H %d %m %w %Y-%m-%dT%H:%MZ')
  set -- $now
  if [ "$7" != "$last" ]; then
    last=$7
    if due_full "$2" "$3" "$4" "$5" "$6"; then
      run full "$7"
    elif due_incremental "$2" "$3" "$4" "$5" "$6"; then
      run incremental "$7"
    fi
  fi
  # Wake at the start of the next minute (%S is 00-60; 08 is not octal once unpadded).
  sleep $((60 - ${1#0}))
done
