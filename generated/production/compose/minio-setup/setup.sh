#!/bin/sh
# MinIO's setup, the only step that uses the root account: the backup bucket (versioning
# on; object lock when $LOCK_DAYS is set), its lifecycle rules, the backup user (write,
# never delete) and the application's bucket and user (its bucket only). Idempotent.
set -eu
m() { mc --config-dir /tmp/.mc --quiet "$@"; }
until m alias set root "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do
  echo "setup: waiting for MinIO at $MINIO_ENDPOINT" >&2
  sleep 5
done
if [ -n "${LOCK_DAYS:-}" ]; then
  m mb --ignore-existing --with-lock "root/$BACKUP_BUCKET"
  m retention set --default COMPLIANCE "${LOCK_DAYS}d" "root/$BACKUP_BUCKET"
else
  m mb --ignore-existing "root/$BACKUP_BUCKET"
fi
m version enable "root/$BACKUP_BUCKET"
m ilm rule import "root/$BACKUP_BUCKET" < /setup/lifecycle.json
m admin policy create root "$BACKUP_USER" /setup/backup-policy.json
m admin user add root "$BACKUP_USER" "$BACKUP_PASSWORD"
m admin policy attach root "$BACKUP_USER" --user "$BACKUP_USER"
if [ -n "${APP_BUCKET:-}" ]; then
  m mb --ignore-existing "root/$APP_BUCKET"
  m admin policy create root "$APP_USER" /setup/app-policy.json
  m admin user add root "$APP_USER" "$APP_PASSWORD"
  m admin policy attach root "$APP_USER" --user "$APP_USER"
fi
# Snapshot users ($SNAPSHOT_USER_1, $SNAPSHOT_PASSWORD_1, ...): an Elasticsearch repository
# each, which may delete under its own prefix only.
i=1
while eval "user=\${SNAPSHOT_USER_$i:-} password=\${SNAPSHOT_PASSWORD_$i:-}"; [ -n "$user" ]; do
  m admin policy create root "$user" "/setup/$user-policy.json"
  m admin user add root "$user" "$password"
  m admin policy attach root "$user" --user "$user"
  i=$((i + 1))
done
echo "setup: done"
