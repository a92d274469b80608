//! What a backup job runs, per engine. Each job has two steps sharing an emptyDir at
//! `/backup`: `dump.sh` runs in the engine's own image (which ships the client tool) and
//! writes one file named with a UTC time stamp; `upload.sh` runs in the MinIO client image
//! and copies it to `<bucket>/<namespace>/<workload>/<full|incremental>/`, then deletes the
//! oldest objects there beyond the retention count.
//!
//! Every spec value reaches the scripts as an environment variable, never as script text,
//! so no value can change what the scripts do.
//!
//! What each engine's dump is — honest about what "incremental" means:
//!
//! | engine | dump | restore with |
//! | --- | --- | --- |
//! | PostgreSQL | `pg_dump --format=custom` of the database | `pg_restore` |
//! | Redis | `redis-cli --rdb`, a snapshot of the whole data set | copy to the data volume |
//! | RabbitMQ | `rabbitmqadmin export`, the broker definitions (users, vhosts, queues, bindings, policies); not messages | `rabbitmqadmin import` |
//!
//! None of these tools can take an incremental backup from a client (PostgreSQL's needs
//! replication access and WAL archiving on the server), so the incremental schedule takes
//! the same complete dump, more often, kept under its own retention count.
//!
//! Which engines are backed up, with which tool, is the engine catalog's `backup` column
//! (`nexus_spec::catalog`), not a list here. Elasticsearch (snapshot repositories need
//! keystore credentials on every node), Neo4j Community (its dump needs the database
//! stopped) and MinIO (the destination itself) are not backed up yet: the StatefulSet says
//! so in a `nexus.dev/backup` annotation, and the lint reports the `backup` block as not
//! carried out.

use nexus_spec::catalog::{self, BackupSupport, DumpTool};
use nexus_spec::model::Engine;

/// The MinIO client image that uploads backups.
pub const MC_IMAGE: &str = "quay.io/minio/mc:RELEASE.2024-11-21T17-21-54Z";

/// How an engine is dumped: its catalog row's method, with the script of its tool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dump {
    /// `dump.sh`.
    pub script: &'static str,
    /// The variable the dump tool reads the password from (set by `secretKeyRef`).
    pub password_var: &'static str,
    /// The port the tool connects to (by port name).
    pub port_name: &'static str,
}

const POSTGRES: &str = r#"#!/bin/sh
# A complete logical dump of one database, compressed; restore with pg_restore.
set -eu
stamp=$(date -u +%Y%m%dT%H%M%SZ)
pg_dump --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --dbname="$BACKUP_DATABASE" --format=custom --file="/backup/$BACKUP_DATABASE-$stamp.dump"
"#;

const REDIS: &str = r#"#!/bin/sh
# A snapshot of the whole data set (RDB); redis-cli reads the password from REDISCLI_AUTH.
set -eu
stamp=$(date -u +%Y%m%dT%H%M%SZ)
redis-cli -h "$BACKUP_HOST" -p "$BACKUP_PORT" --rdb "/backup/dump-$stamp.rdb"
"#;

const RABBITMQ: &str = r#"#!/bin/sh
# The broker's definitions (users, vhosts, queues, exchanges, bindings, policies), not messages.
set -eu
stamp=$(date -u +%Y%m%dT%H%M%SZ)
rabbitmqadmin --host="$BACKUP_HOST" --port="$BACKUP_PORT" --username="$BACKUP_USER" \
  --password="$BACKUP_PASSWORD" export "/backup/definitions-$stamp.json"
"#;

/// `upload.sh`, the same for every engine.
pub const UPLOAD: &str = r#"#!/bin/sh
# Copies the dump to MinIO, then keeps only the newest $BACKUP_KEEP objects under the prefix.
set -eu
mc() { command mc --config-dir /tmp/mc --quiet "$@"; }
mc alias set backup "$BACKUP_ENDPOINT" "$BACKUP_ACCESS_KEY" "$BACKUP_SECRET_KEY" >/dev/null
mc mb --ignore-existing "backup/$BACKUP_BUCKET"
for f in /backup/*; do
  mc cp "$f" "backup/$BACKUP_BUCKET/$BACKUP_PREFIX/${f##*/}"
done
# Object names end in a UTC time stamp after a fixed prefix, and listings are in lexical
# order, so the first ones listed are the oldest.
set -- $(mc find "backup/$BACKUP_BUCKET/$BACKUP_PREFIX")
excess=$(( $# - BACKUP_KEEP ))
while [ "$excess" -gt 0 ]; do
  mc rm "$1"
  shift
  excess=$(( excess - 1 ))
done
"#;

/// How `engine` is dumped, if the engine catalog says nexus can back it up.
pub(crate) fn dump(engine: Engine) -> Result<Dump, &'static str> {
    let method = match catalog::engine(engine).backup {
        BackupSupport::Dump(m) => m,
        BackupSupport::Unsupported(why) => return Err(why),
    };
    Ok(Dump {
        script: script(method.tool),
        password_var: method.password_var,
        port_name: method.port,
    })
}

/// `dump.sh` of each tool.
fn script(tool: DumpTool) -> &'static str {
    match tool {
        DumpTool::PgDump => POSTGRES,
        DumpTool::RedisCliRdb => REDIS,
        DumpTool::RabbitmqadminExport => RABBITMQ,
    }
}
