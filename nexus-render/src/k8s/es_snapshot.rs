//! Elasticsearch snapshots (issue 13 item 5), the building blocks: the script that registers
//! an S3 snapshot repository and a snapshot lifecycle (SLM) policy through the REST API, the
//! script that restores the newest snapshot, the script that puts the S3 client's
//! credentials into a node's keystore ([`ES_KEYSTORE`]), and the conversion of a spec schedule to SLM's
//! cron syntax. [`crate::es_snapshots`] says where the targets run them (decision 0023).
//!
//! Every spec value reaches the scripts as an environment variable, never as script text:
//!
//! | variable | meaning |
//! | --- | --- |
//! | `ES_URL` | `http://<host>:<port>` of the cluster |
//! | `ES_USER`, `ELASTIC_PASSWORD` | the API user and its password (from its secret) |
//! | `SNAPSHOT_REPOSITORY` | the repository's name |
//! | `SNAPSHOT_BUCKET`, `SNAPSHOT_BASE_PATH` | where the repository lives (`<namespace>/<name>/snapshots`) |
//! | `SLM_POLICY`, `SLM_SCHEDULE`, `SLM_MAX_COUNT` | the policy's name, its schedule ([`slm_schedule`]) and how many snapshots it keeps |
//!
//! The S3 client's credentials are not here: Elasticsearch reads them from the keystore on
//! every node (`s3.client.default.access_key`, `s3.client.default.secret_key`).

use nexus_spec::values::Cron;

/// Registers the repository and the SLM policy (idempotent: both are `PUT`s).
pub const ES_SNAPSHOT_SETUP: &str = r#"#!/bin/sh
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
"#;

/// Restores the newest successful snapshot into the running cluster: closes the open
/// indices (a restore cannot overwrite an open index), then restores every index but the
/// system ones. Indices created after the snapshot stay closed, for the operator to judge.
pub const ES_SNAPSHOT_RESTORE: &str = r#"#!/bin/sh
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
"#;

/// Puts the S3 client's credentials into the keystore of a node, run by an init container
/// in the Elasticsearch image on the seeded (writable) config folder before the server
/// starts: creates the keystore when the folder has none, and adds the access and secret
/// keys from `S3_ACCESS_KEY` and `S3_SECRET_KEY` on stdin, so
/// they never appear on a command line or in a rendered file (the repository's snapshot
/// user, [`crate::minio_setup::snapshot_policy`]). `ES_HOME` defaults to the
/// image's `/usr/share/elasticsearch`.
pub const ES_KEYSTORE: &str = r#"#!/bin/sh
set -eu
home=${ES_HOME:-/usr/share/elasticsearch}
ks=$home/bin/elasticsearch-keystore
if [ -z "${S3_ACCESS_KEY:-}" ] || [ -z "${S3_SECRET_KEY:-}" ]; then
  echo "keystore: S3_ACCESS_KEY and S3_SECRET_KEY must be set" >&2
  exit 1
fi
if [ ! -f "$home/config/elasticsearch.keystore" ]; then
  "$ks" create
fi
printf '%s' "$S3_ACCESS_KEY" | "$ks" add --stdin --force s3.client.default.access_key
printf '%s' "$S3_SECRET_KEY" | "$ks" add --stdin --force s3.client.default.secret_key
"#;

/// Names of the days of the week in SLM's cron (Sunday first, as a spec's 0).
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A spec schedule (five fields, UTC) as an SLM schedule: Elasticsearch's cron has a
/// seconds field first and needs `?` in one of the two day fields, and cannot say "either
/// day field" (`0 0 1 * 1` in cron), which is refused.
///
/// ```
/// use nexus_spec::values::Cron;
/// use nexus_render::k8s::slm_schedule;
/// let s = |t: &str| slm_schedule(&Cron::parse(t).unwrap()).unwrap();
/// assert_eq!(s("30 2 * * *"), "0 30 2 * * ?");
/// assert_eq!(s("0 * * * *"), "0 0 * * * ?");
/// assert_eq!(s("*/20 9-11 * * 1-5"), "0 0,20,40 9,10,11 ? * MON,TUE,WED,THU,FRI");
/// assert!(slm_schedule(&Cron::parse("0 0 1 * 1").unwrap()).is_err());
/// ```
pub fn slm_schedule(c: &Cron) -> Result<String, String> {
    if c.day_either() {
        return Err(format!(
            "`{}` runs when either day field matches, which Elasticsearch's cron cannot say",
            c.as_str()
        ));
    }
    let [minutes, hours, days, months, weekdays] = c.values();
    let list = |v: &[u32], all: usize| {
        if v.len() == all {
            "*".to_owned()
        } else {
            v.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
        }
    };
    let (dom, dow) = if weekdays.len() == 7 {
        (list(&days, 31), "?".to_owned())
    } else {
        let names: Vec<&str> = weekdays
            .iter()
            .filter_map(|&d| WEEKDAYS.get(d as usize).copied())
            .collect();
        ("?".to_owned(), names.join(","))
    };
    Ok(format!(
        "0 {} {} {dom} {} {dow}",
        list(&minutes, 60),
        list(&hours, 24),
        list(&months, 12)
    ))
}
