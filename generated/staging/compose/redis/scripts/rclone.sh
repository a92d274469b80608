# Sourced: rclone configured from the environment only. Remote `dest:` is the first
# destination (BACKUP_*), `copy:` the second when there is one (COPY_*); $roots lists the
# bucket of each, the first first. Buckets are not created or checked here: MinIO's setup
# step (or the off-site store's owner) made them, and the backup user may not create any.
export RCLONE_CONFIG_DEST_TYPE=s3
export RCLONE_CONFIG_DEST_PROVIDER="${BACKUP_PROVIDER:-Minio}"
export RCLONE_CONFIG_DEST_ENDPOINT="$BACKUP_ENDPOINT"
export RCLONE_CONFIG_DEST_ACCESS_KEY_ID="$BACKUP_ACCESS_KEY"
export RCLONE_CONFIG_DEST_SECRET_ACCESS_KEY="$BACKUP_SECRET_KEY"
export RCLONE_CONFIG_DEST_NO_CHECK_BUCKET=true
if [ -n "${BACKUP_REGION:-}" ]; then export RCLONE_CONFIG_DEST_REGION="$BACKUP_REGION"; fi
roots="dest:$BACKUP_BUCKET"
if [ -n "${COPY_ENDPOINT:-}" ]; then
  export RCLONE_CONFIG_COPY_TYPE=s3
  export RCLONE_CONFIG_COPY_PROVIDER="${COPY_PROVIDER:-Other}"
  export RCLONE_CONFIG_COPY_ENDPOINT="$COPY_ENDPOINT"
  export RCLONE_CONFIG_COPY_ACCESS_KEY_ID="$COPY_ACCESS_KEY"
  export RCLONE_CONFIG_COPY_SECRET_ACCESS_KEY="$COPY_SECRET_KEY"
  export RCLONE_CONFIG_COPY_NO_CHECK_BUCKET=true
  if [ -n "${COPY_REGION:-}" ]; then export RCLONE_CONFIG_COPY_REGION="$COPY_REGION"; fi
  roots="$roots copy:$COPY_BUCKET"
fi
rc() { rclone --config /dev/null --retries 3 "$@"; }
