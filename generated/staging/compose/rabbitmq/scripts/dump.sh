#!/bin/sh
# The broker's definitions (users, vhosts, queues, exchanges, bindings, policies), not messages.
set -eu
dir=${BACKUP_DIR:-/backup}
rabbitmqadmin --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --password="$BACKUP_PASSWORD" export "$dir/.definitions.json"
mv "$dir/.definitions.json" "$dir/definitions-$(date -u +%Y%m%dT%H%M%SZ).json"
