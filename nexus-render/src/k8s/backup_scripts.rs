//! What the backup and restore jobs run, per engine. A backup job has two steps sharing an
//! emptyDir at `/backup`: `dump.sh` runs in the engine's own image (which ships the client
//! tool) and writes one file named with the UTC time the dump finished; `upload.sh` runs in
//! the rclone image and copies it to `<bucket>/<namespace>/<workload>/<full|incremental>/`
//! on every destination. Retention is the bucket's lifecycle rules, set by MinIO's setup
//! step (`minio_setup`); the backup user cannot delete. Only a MinIO named directly (not a
//! declared destination, written with its root user) still has `upload.sh` delete the
//! oldest objects beyond the retention count.
//!
//! The dump and upload steps share the folder `$BACKUP_DIR` (`/backup` when unset, the
//! emptyDir of a Kubernetes job; a folder on the engine's volume in Compose, see
//! `compose/backup.rs`). Names starting with a dot are work in progress, never uploaded.
//!
//! Every spec value reaches the scripts as an environment variable, never as script text,
//! so no value can change what the scripts do. rclone is configured from the environment
//! alone (`rclone.sh`, remote `dest:`), with no configuration file.
//!
//! | engine | dump | continuous | restore |
//! | --- | --- | --- | --- |
//! | PostgreSQL | `pg_basebackup` of the cluster, with its WAL | WAL archiving: `archive_command` into a spool on the data volume, `ship.sh` beside the server moves it to `<prefix>/wal/` | unpack the newest base backup finished before the target time, replay the WAL to the target (`restore.sh`) |
//! | Redis | `redis-cli --rdb`, a snapshot of the whole data set | none | load the newest snapshot, write the append-only file from it |
//! | RabbitMQ | `rabbitmqadmin export`, the broker definitions (users, vhosts, queues, bindings, policies); not messages | none | `rabbitmqadmin import` of the newest definitions into the running broker |
//!
//! Which engines are backed up, with which tool, is the engine catalog's `backup` column
//! (`nexus_spec::catalog`), not a list here. Elasticsearch (snapshot repositories need
//! keystore credentials on every node), Neo4j Community (its dump needs the database
//! stopped) and MinIO (the destination itself) are not backed up yet: the StatefulSet says
//! so in a `nexus.dev/backup` annotation, and the lint reports the `backup` block as not
//! carried out.

use nexus_spec::catalog::{self, BackupSupport, DumpTool};
use nexus_spec::model::Engine;

/// The MinIO client image (kept for MinIO's own setup; backups use [`RCLONE_IMAGE`]).
pub const MC_IMAGE: &str = "quay.io/minio/mc:RELEASE.2024-11-21T17-21-54Z";

/// The image that moves backups to and from object storage: rclone, a single binary that
/// speaks S3 to MinIO and to any off-site store, configured from environment variables.
pub const RCLONE_IMAGE: &str = "docker.io/rclone/rclone:1.68.2";

/// How an engine is dumped and restored: its catalog row's method, with its scripts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dump {
    /// `dump.sh`.
    pub script: &'static str,
    /// `restore.sh`, run in the engine's image on a fresh volume.
    pub restore: &'static str,
    /// The variable the dump tool reads the password from (set by `secretKeyRef`).
    pub password_var: &'static str,
    /// The port the tool connects to (by port name).
    pub port_name: &'static str,
    /// Continuous archiving, when the engine has it.
    pub archive: Option<catalog::Archive>,
    /// The restore fills a fresh data volume (not the running engine).
    pub fresh_volume: bool,
}

const POSTGRES: &str = r#"#!/bin/sh
# A base backup of the whole cluster over the replication protocol, with the WAL it needs
# to be consistent (-X fetch), as one compressed tar named with the time it finished.
set -eu
dir=${BACKUP_DIR:-/backup}
pg_basebackup --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --no-password --pgdata=- --format=tar --wal-method=fetch --gzip --checkpoint=fast \
  > "$dir/.base.tar.gz"
mv "$dir/.base.tar.gz" "$dir/base-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
"#;

const POSTGRES_RESTORE: &str = r#"#!/bin/sh
# Unpacks the base backup in /restore into the empty data folder, replays the archived WAL
# up to $RESTORE_TARGET_TIME (UTC, 2026-01-31T13:45:00Z; to the end of the archive when
# empty), lets the server promote itself, and stops it: the volume then holds a primary.
set -eu
if [ -s "$PGDATA/PG_VERSION" ]; then
  echo "restore: $PGDATA holds a cluster already; restore into a fresh volume" >&2
  exit 1
fi
mkdir -p "$PGDATA"
chmod 0700 "$PGDATA"
tar -xzf /restore/backup -C "$PGDATA"
touch "$PGDATA/recovery.signal"
set -- -c "restore_command=cp /restore/wal/%f %p" -c listen_addresses= \
  -c archive_mode=off -c recovery_target_action=promote
if [ -n "${RESTORE_TARGET_TIME:-}" ]; then
  # PostgreSQL reads the target as `2026-01-31 13:45:00+00`.
  target=$(printf '%s' "$RESTORE_TARGET_TIME" | sed 's/T/ /; s/Z$/+00/')
  set -- "$@" -c "recovery_target_time=$target"
fi
postgres -D "$PGDATA" "$@" &
server=$!
until [ "$(psql -h /var/run/postgresql -U "$BACKUP_USER" -d postgres -Atc \
  'select pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "restore: the server stopped before the recovery finished" >&2
    exit 1
  fi
  sleep 1
done
pg_ctl -D "$PGDATA" -m fast -w stop
echo "restore: done, recovered to ${RESTORE_TARGET_TIME:-the end of the archive}"
"#;

const REDIS: &str = r#"#!/bin/sh
# A snapshot of the whole data set (RDB); redis-cli reads the password from REDISCLI_AUTH.
set -eu
dir=${BACKUP_DIR:-/backup}
redis-cli -h "$BACKUP_HOST" -p "$BACKUP_PORT" --rdb "$dir/.dump.rdb"
mv "$dir/.dump.rdb" "$dir/dump-$(date -u +%Y%m%dT%H%M%SZ).rdb"
"#;

const REDIS_RESTORE: &str = r#"#!/bin/sh
# Loads the snapshot in /restore into a server on the empty data volume (no port, a socket
# only), turns the append-only file on so that Redis writes it from the loaded data, waits
# for that rewrite, and shuts the server down: the volume then holds both files.
set -eu
# A new volume may hold the file system's lost+found, nothing else.
if [ -n "$(ls -A /data | grep -vx 'lost+found' || true)" ]; then
  echo "restore: /data is not empty; restore into a fresh volume" >&2
  exit 1
fi
cp /restore/backup /data/dump.rdb
redis-server --port 0 --unixsocket /data/.restore.sock --dir /data \
  --dbfilename dump.rdb --appendonly no &
server=$!
cli() { redis-cli -s /data/.restore.sock "$@"; }
until cli ping 2>/dev/null | grep -q PONG; do
  kill -0 "$server"
  sleep 1
done
cli config set appendonly yes >/dev/null
until cli info persistence | grep -q '^aof_rewrite_in_progress:0' &&
  cli info persistence | grep -q '^aof_rewrite_scheduled:0'; do
  sleep 1
done
cli shutdown save >/dev/null 2>&1 || true
wait "$server" || true
rm -f /data/.restore.sock
echo "restore: done, $(ls /data | tr '\n' ' ')"
"#;

const RABBITMQ: &str = r#"#!/bin/sh
# The broker's definitions (users, vhosts, queues, exchanges, bindings, policies), not messages.
set -eu
dir=${BACKUP_DIR:-/backup}
rabbitmqadmin --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --password="$BACKUP_PASSWORD" export "$dir/.definitions.json"
mv "$dir/.definitions.json" "$dir/definitions-$(date -u +%Y%m%dT%H%M%SZ).json"
"#;

const RABBITMQ_RESTORE: &str = r#"#!/bin/sh
# Imports the definitions in /restore into the running broker (queues come back empty:
# messages are not backed up).
set -eu
rabbitmqadmin --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --password="$BACKUP_PASSWORD" import /restore/backup
echo "restore: done, definitions imported"
"#;

/// `rclone.sh`, sourced by every step that talks to object storage.
pub(crate) const RCLONE: &str = r#"# Sourced: rclone configured from the environment only. Remote `dest:` is the first
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
"#;

/// `upload.sh`, the same for every engine.
pub(crate) const UPLOAD: &str = r#"#!/bin/sh
# Copies the dump to every destination. Retention is the buckets' lifecycle rules; only
# with $BACKUP_KEEP set (a MinIO written with its root user, with no rules) does it delete
# the oldest objects beyond that count on the first destination and, with $BACKUP_WAL set,
# archived WAL older than the oldest base backup kept (no restore can start before it).
set -eu
. /scripts/rclone.sh
for root in $roots; do
  for f in "${BACKUP_DIR:-/backup}"/*; do
    rc copyto "$f" "$root/$BACKUP_PREFIX/${f##*/}"
  done
done
if [ -z "${BACKUP_KEEP:-}" ]; then
  exit 0
fi
dest="dest:$BACKUP_BUCKET/$BACKUP_PREFIX"
# Object names end in a UTC time stamp after a fixed prefix, so sorted names are oldest first.
set -- $(rc lsf --files-only "$dest" | sort)
excess=$(( $# - BACKUP_KEEP ))
while [ "$excess" -gt 0 ]; do
  rc deletefile "$dest/$1"
  shift
  excess=$(( excess - 1 ))
done
if [ -n "${BACKUP_WAL:-}" ] && [ "$#" -gt 0 ]; then
  oldest=$(rc lsf --files-only --format t "$dest/$1")
  rc delete --min-age "$oldest" "dest:$BACKUP_BUCKET/$BACKUP_WAL"
fi
"#;

/// `ship.sh`: beside a server that archives continuously, moves the spool to the destinations.
pub(crate) const SHIP: &str = r#"#!/bin/sh
# Every $SHIP_SECONDS, copies the archived segments in the spool to every destination and
# removes them from the spool once all copies succeeded. The server's archive_command
# writes each one under a dot name and renames it when complete, so only complete
# segments are listed; a segment listed is copied everywhere before it is removed.
set -eu
. /scripts/rclone.sh
list="$WAL_SPOOL/.ship-list"
while :; do
  if [ -d "$WAL_SPOOL" ]; then
    ls -A "$WAL_SPOOL" | grep -v '^\.' > "$list" || true
    ok=1
    for root in $roots; do
      rc copy --files-from-raw "$list" "$WAL_SPOOL" "$root/$BACKUP_PREFIX" || ok=0
    done
    if [ "$ok" = 1 ]; then
      while IFS= read -r f; do rm -f "$WAL_SPOOL/$f"; done < "$list"
    else
      echo "ship: upload failed; the segments stay in the spool until the next round" >&2
    fi
  fi
  sleep "$SHIP_SECONDS"
done
"#;

/// `fetch.sh`: the first step of a restore, in the rclone image.
pub(crate) const FETCH: &str = r#"#!/bin/sh
# Brings the newest backup finished at or before $RESTORE_TARGET_TIME (UTC,
# 2026-01-31T13:45:00Z; the newest of all when empty) to /restore/backup, and with
# $BACKUP_WAL set the archived WAL to /restore/wal/. Reads the first destination that
# holds such a backup (the in-cluster one first, then the off-site copy).
set -eu
. /scripts/rclone.sh
limit=$(printf '%s' "${RESTORE_TARGET_TIME:-}" | tr -d ':-')
best=
for root in $roots; do
  dest="$root/$BACKUP_PREFIX"
  best=$(for kind in full incremental; do
    rc lsf --files-only "$dest/$kind" 2>/dev/null | sed "s|^|$kind/|" || true
  done | awk -F/ -v limit="$limit" '{ s = $2; sub(/^[^-]*-/, "", s); sub(/\..*$/, "", s);
    if (limit == "" || s <= limit) print s " " $0 }' | sort | tail -n 1 | cut -d' ' -f2)
  if [ -n "$best" ]; then
    break
  fi
done
if [ -z "$best" ]; then
  echo "fetch: no backup under $roots ($BACKUP_PREFIX) finished at or before ${RESTORE_TARGET_TIME:-now}" >&2
  exit 1
fi
echo "fetch: $dest/$best"
rc copyto "$dest/$best" /restore/backup
if [ -n "${BACKUP_WAL:-}" ]; then
  mkdir -p /restore/wal
  rc copy "$root/$BACKUP_WAL" /restore/wal
fi
"#;

/// The `archive_command` of a server archiving into `spool`: copy under a dot name, flush,
/// rename, flush the folder, so the shipper never sees half a segment and a crash never
/// loses one PostgreSQL counts as archived.
pub(crate) fn archive_command(spool: &str) -> String {
    format!(
        "mkdir -p {spool} && cp %p {spool}/.%f && sync {spool}/.%f && mv -f {spool}/.%f {spool}/%f && sync {spool}"
    )
}

/// Why an engine that takes its own snapshots has no dump.
pub(crate) const SNAPSHOTS_ELSEWHERE: &str = "it takes its own snapshots, which need an in-cluster backup destination declaring a snapshot user for it";

/// How `engine` is dumped, if the engine catalog says nexus can back it up.
pub(crate) fn dump(engine: Engine) -> Result<Dump, &'static str> {
    let method = match catalog::engine(engine).backup {
        BackupSupport::Dump(m) => m,
        BackupSupport::Snapshots => return Err(SNAPSHOTS_ELSEWHERE),
        BackupSupport::Unsupported(why) => return Err(why),
    };
    let (script, restore, fresh_volume) = scripts(method.tool);
    Ok(Dump {
        script,
        restore,
        fresh_volume,
        password_var: method.password_var,
        port_name: method.port,
        archive: method.archive,
    })
}

/// `dump.sh` and `restore.sh` of each tool, and whether the restore fills a fresh volume.
fn scripts(tool: DumpTool) -> (&'static str, &'static str, bool) {
    match tool {
        DumpTool::PgBasebackup => (POSTGRES, POSTGRES_RESTORE, true),
        DumpTool::RedisCliRdb => (REDIS, REDIS_RESTORE, true),
        DumpTool::RabbitmqadminExport => (RABBITMQ, RABBITMQ_RESTORE, false),
    }
}
