#!/bin/sh
# Registers the S3 snapshot repository and the snapshot lifecycle policy of the cluster at
# $ES_URL. The values come from the environment; none may hold a quote or a backslash.
set -eu
for v in "$SNAPSHOT_REPOSITORY" "$SNAPSHOT_BUCKET" "$SNAPSHOT_BASE_PATH" "$SLM_POLICY" \
  "$SLM_SCHEDULE" "$SLM_MAX_COUNT"; do
  case $v in
    *[\"\\]*|"") echo "snapshot-setup: empty value or one with a quote or backslash" >&2; exit 1 ;;
  esac
done
case $SLM_MAX_COUNT in
  *[!0-9]*) echo "snapshot-setup: SLM_MAX_COUNT is not a number" >&2; exit 1 ;;
esac
auth=$(printf '%s' "$ELASTIC_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')
es() {
  # es METHOD PATH [BODY]: the password goes to curl on stdin, never on its command line.
  method=$1 path=$2
  shift 2
  printf 'user = "%s:%s"\n' "$ES_USER" "$auth" | curl -fsS -K - -X "$method" \
    -H 'Content-Type: application/json' "$ES_URL$path" "$@"
}
tries=0
until es GET '/_cluster/health?wait_for_status=yellow&timeout=10s' >/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "snapshot-setup: $ES_URL did not become ready" >&2
    exit 1
  fi
  sleep 5
done
es PUT "/_snapshot/$SNAPSHOT_REPOSITORY" --data-binary "$(printf \
  '{"type":"s3","settings":{"bucket":"%s","base_path":"%s","client":"default"}}' \
  "$SNAPSHOT_BUCKET" "$SNAPSHOT_BASE_PATH")"
echo
es PUT "/_slm/policy/$SLM_POLICY" --data-binary "$(printf \
  '{"schedule":"%s","name":"<%s-{now/d}>","repository":"%s","config":{"indices":["*"],"include_global_state":true},"retention":{"max_count":%s,"min_count":1}}' \
  "$SLM_SCHEDULE" "$SLM_POLICY" "$SNAPSHOT_REPOSITORY" "$SLM_MAX_COUNT")"
echo
