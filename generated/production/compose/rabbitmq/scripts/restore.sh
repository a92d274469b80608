#!/bin/sh
# Imports the definitions in /restore into the running broker (queues come back empty:
# messages are not backed up).
set -eu
rabbitmqadmin --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --password="$BACKUP_PASSWORD" import /restore/backup
echo "restore: done, definitions imported"
