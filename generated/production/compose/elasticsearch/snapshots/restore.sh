#!/bin/sh
# Restores the newest successful snapshot of $SNAPSHOT_REPOSITORY into the cluster at $ES_URL.
set -eu
case $SNAPSHOT_REPOSITORY in
  *[\"\\/]*|"") echo "snapshot-restore: bad repository name" >&2; exit 1 ;;
esac
auth=$(printf '%s' "$ELASTIC_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')
es() {
  method=$1 path=$2
  shift 2
  printf 'user = "%s:%s"\n' "$ES_USER" "$auth" | curl -fsS -K - -X "$method" \
    -H 'Content-Type: application/json' "$ES_URL$path" "$@"
}
snap=$(es GET "/_cat/snapshots/$SNAPSHOT_REPOSITORY?h=id,status&s=end_epoch:desc" \
  | awk '$2 == "SUCCESS" { print $1; exit }')
if [ -z "$snap" ]; then
  echo "snapshot-restore: no successful snapshot in $SNAPSHOT_REPOSITORY" >&2
  exit 1
fi
echo "snapshot-restore: restoring $snap"
open=$(es GET '/_cat/indices?h=index&expand_wildcards=open' \
  | awk '$1 !~ /^\./ { printf "%s%s", sep, $1; sep = "," }')
if [ -n "$open" ]; then
  es POST "/$open/_close" >/dev/null
fi
es POST "/_snapshot/$SNAPSHOT_REPOSITORY/$snap/_restore?wait_for_completion=true" \
  --data-binary '{"indices":"*,-.*","include_global_state":false,"include_aliases":true}'
echo
