#!/bin/sh
# A snapshot of the whole data set (RDB); redis-cli reads the password from REDISCLI_AUTH.
set -eu
dir=${BACKUP_DIR:-/backup}
redis-cli -h "$BACKUP_HOST" -p "$BACKUP_PORT" --rdb "$dir/.dump.rdb"
mv "$dir/.dump.rdb" "$dir/dump-$(date -u +%Y%m%dT%H%M%SZ).rdb"
