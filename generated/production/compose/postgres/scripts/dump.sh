#!/bin/sh
# A base backup of the whole cluster over the replication protocol, with the WAL it needs
# to be consistent (-X fetch), as one compressed tar named with the time it finished.
set -eu
dir=${BACKUP_DIR:-/backup}
pg_basebackup --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --no-password --pgdata=- --format=tar --wal-method=fetch --gzip --checkpoint=fast \
  > "$dir/.base.tar.gz"
mv "$dir/.base.tar.gz" "$dir/base-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
