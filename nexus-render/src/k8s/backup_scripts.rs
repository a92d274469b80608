//! What the backup and restore jobs run, per engine. A backup job has two steps sharing an
//! emptyDir at `/backup`: `dump.sh` runs in the engine's own image (which ships the client
//! tool) and writes one file named with the UTC time the dump finished; `upload.sh` runs in
//! the rclone image and copies it to `<bucket>/<namespace>/<workload>/<full|incremental>/`,
//! then deletes the oldest objects there beyond the retention count (with versioning on the
//! bucket, a deletion leaves the data as a noncurrent version until the bucket's own
//! lifecycle removes it).
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
pg_basebackup --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --no-password --pgdata=- --format=tar --wal-method=fetch --gzip --checkpoint=fast \
  > /backup/.base.tar.gz
mv /backup/.base.tar.gz "/backup/base-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
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
redis-cli -h "$BACKUP_HOST" -p "$BACKUP_PORT" --rdb /backup/.dump.rdb
mv /backup/.dump.rdb "/backup/dump-$(date -u +%Y%m%dT%H%M%SZ).rdb"
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
rabbitmqadmin --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --password="$BACKUP_PASSWORD" export /backup/.definitions.json
mv /backup/.definitions.json "/backup/definitions-$(date -u +%Y%m%dT%H%M%SZ).json"
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
pub(crate) const RCLONE: &str = r#"# Sourced: rclone configured from the environment only, remote `dest:`.
export RCLONE_CONFIG_DEST_TYPE=s3
export RCLONE_CONFIG_DEST_PROVIDER=Minio
export RCLONE_CONFIG_DEST_ENDPOINT="$BACKUP_ENDPOINT"
export RCLONE_CONFIG_DEST_ACCESS_KEY_ID="$BACKUP_ACCESS_KEY"
export RCLONE_CONFIG_DEST_SECRET_ACCESS_KEY="$BACKUP_SECRET_KEY"
rc() { rclone --config /dev/null --retries 3 "$@"; }
"#;

/// `upload.sh`, the same for every engine.
pub(crate) const UPLOAD: &str = r#"#!/bin/sh
# Copies the dump to the destination, then keeps only the newest $BACKUP_KEEP objects under
# the prefix; with $BACKUP_WAL set, also deletes archived WAL older than the oldest base
# backup kept (no restore can start before it).
set -eu
. /scripts/rclone.sh
dest="dest:$BACKUP_BUCKET/$BACKUP_PREFIX"
for f in /backup/*; do
  rc copyto "$f" "$dest/${f##*/}"
done
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

/// `ship.sh`: beside a server that archives continuously, moves the spool to the destination.
pub(crate) const SHIP: &str = r#"#!/bin/sh
# Every $SHIP_SECONDS, moves the archived segments in the spool to the destination. The
# server's archive_command writes each one under a dot name and renames it when complete,
# so only complete segments move; rclone removes a spool file only once it is uploaded.
set -eu
. /scripts/rclone.sh
while :; do
  rc move --exclude '.*' "$WAL_SPOOL" "dest:$BACKUP_BUCKET/$BACKUP_PREFIX" ||
    echo "ship: upload failed; the segments stay in the spool until the next round" >&2
  sleep "$SHIP_SECONDS"
done
"#;

/// `fetch.sh`: the first step of a restore, in the rclone image.
pub(crate) const FETCH: &str = r#"#!/bin/sh
# Brings the newest backup finished at or before $RESTORE_TARGET_TIME (UTC,
# 2026-01-31T13:45:00Z; the newest of all when empty) to /restore/backup, and with
# $BACKUP_WAL set the archived WAL to /restore/wal/.
set -eu
. /scripts/rclone.sh
dest="dest:$BACKUP_BUCKET/$BACKUP_PREFIX"
limit=$(printf '%s' "${RESTORE_TARGET_TIME:-}" | tr -d ':-')
best=$(for kind in full incremental; do
  rc lsf --files-only "$dest/$kind" 2>/dev/null | sed "s|^|$kind/|" || true
done | awk -F/ -v limit="$limit" '{ s = $2; sub(/^[^-]*-/, "", s); sub(/\..*$/, "", s);
  if (limit == "" || s <= limit) print s " " $0 }' | sort | tail -n 1 | cut -d' ' -f2)
if [ -z "$best" ]; then
  echo "fetch: no backup under $dest finished at or before ${RESTORE_TARGET_TIME:-now}" >&2
  exit 1
fi
echo "fetch: $best"
rc copyto "$dest/$best" /restore/backup
if [ -n "${BACKUP_WAL:-}" ]; then
  mkdir -p /restore/wal
  rc copy "dest:$BACKUP_BUCKET/$BACKUP_WAL" /restore/wal
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

/// How `engine` is dumped, if the engine catalog says nexus can back it up.
pub(crate) fn dump(engine: Engine) -> Result<Dump, &'static str> {
    let method = match catalog::engine(engine).backup {
        BackupSupport::Dump(m) => m,
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
