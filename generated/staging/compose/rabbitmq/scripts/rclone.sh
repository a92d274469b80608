# Sourced: rclone configured from the environment only, remote `dest:`.
export RCLONE_CONFIG_DEST_TYPE=s3
export RCLONE_CONFIG_DEST_PROVIDER=Minio
export RCLONE_CONFIG_DEST_ENDPOINT="$BACKUP_ENDPOINT"
export RCLONE_CONFIG_DEST_ACCESS_KEY_ID="$BACKUP_ACCESS_KEY"
export RCLONE_CONFIG_DEST_SECRET_ACCESS_KEY="$BACKUP_SECRET_KEY"
rc() { rclone --config /dev/null --retries 3 "$@"; }
