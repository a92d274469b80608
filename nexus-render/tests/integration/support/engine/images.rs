//! What the official images contribute, stood in for with the machine's Debian packages.
//! Each entry cites the image source it follows; none of it is configuration nexus renders
//! (that comes only from the rendered objects).

use super::Tools;

/// One image's contribution to a container.
pub struct Image {
    /// Image repository prefix this entry stands in for.
    pub repository: &'static str,
    /// `PATH`: the Debian binary folders first, then the image's own `PATH`.
    pub path: String,
    /// The image's `ENV` lines besides `PATH` (applied before the pod's `env`).
    pub env: &'static [(&'static str, &'static str)],
    /// `WORKDIR`.
    pub workdir: &'static str,
    /// The image's user: (name, uid, gid, home).
    pub user: (&'static str, u32, u32, &'static str),
    /// `ENTRYPOINT`: a stand-in script (bash), run with `CMD` or the pod's `args` as `$@`.
    pub entrypoint: &'static str,
    /// `CMD`.
    pub cmd: &'static [&'static str],
    /// Files the image ships where the pod may mount over them: (path, content). Their
    /// folders are replaced by a read-only tree of just these files.
    pub files: &'static [(&'static str, &'static str)],
    /// Files of the Debian package the image's build edits: (path, setting, line): every
    /// line setting `setting`, commented out or not, becomes `line`.
    pub edits: &'static [(&'static str, &'static str, &'static str)],
}

const IMAGE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The stand-in for the image a container runs.
pub fn for_image(image: &str, tools: &Tools) -> Image {
    let first = |dir: &std::path::Path| format!("{}:{IMAGE_PATH}", dir.display());
    if image.starts_with("docker.io/library/postgres:") {
        // docker-library/postgres 15/bookworm/Dockerfile: ENV PATH=$PATH:/usr/lib/postgresql/15/bin,
        // PGDATA, user postgres 999:999 (home /var/lib/postgresql), listen_addresses = '*'
        // in the sample configuration, ENTRYPOINT docker-entrypoint.sh, CMD ["postgres"].
        Image {
            repository: "docker.io/library/postgres",
            path: first(&tools.pg_bindir),
            env: &[("PGDATA", "/var/lib/postgresql/data"), ("LANG", "C.UTF-8")],
            workdir: "/",
            user: ("postgres", 999, 999, "/var/lib/postgresql"),
            entrypoint: POSTGRES_ENTRYPOINT,
            cmd: &["postgres"],
            files: &[],
            // The Dockerfile's `sed` on postgresql.conf.sample: listen on every address.
            edits: &[(
                "/usr/share/postgresql/15/postgresql.conf.sample",
                "listen_addresses",
                "listen_addresses = '*'",
            )],
        }
    } else if image.starts_with("docker.io/library/redis:") {
        // docker-library/redis 7.x/debian/Dockerfile: user redis 999:999, WORKDIR /data,
        // ENTRYPOINT docker-entrypoint.sh, CMD ["redis-server"].
        let dir = tools
            .redis_server
            .parent()
            .expect("redis-server sits in a folder");
        Image {
            repository: "docker.io/library/redis",
            path: first(dir),
            env: &[],
            workdir: "/data",
            user: ("redis", 999, 999, "/home/redis"),
            entrypoint: REDIS_ENTRYPOINT,
            cmd: &["redis-server"],
            files: &[],
            edits: &[],
        }
    } else if image.starts_with("docker.io/library/rabbitmq:") {
        // docker-library/rabbitmq 3.13/ubuntu/Dockerfile and management/Dockerfile: user
        // rabbitmq 999:999, HOME=RABBITMQ_DATA_DIR=/var/lib/rabbitmq, LANG=C.UTF-8,
        // conf.d/10-defaults.conf, the management plugin enabled offline (enabled_plugins),
        // the metrics-collector file removed by the management variant; ENTRYPOINT
        // docker-entrypoint.sh, CMD ["rabbitmq-server"].
        Image {
            repository: "docker.io/library/rabbitmq",
            path: first(&tools.rabbitmq_bindir),
            env: &[
                ("RABBITMQ_DATA_DIR", "/var/lib/rabbitmq"),
                ("HOME", "/var/lib/rabbitmq"),
                ("LANG", "C.UTF-8"),
                ("LC_ALL", "C.UTF-8"),
            ],
            workdir: "/",
            user: ("rabbitmq", 999, 999, "/var/lib/rabbitmq"),
            entrypoint: RABBITMQ_ENTRYPOINT,
            cmd: &["rabbitmq-server"],
            files: &[
                ("/etc/rabbitmq/conf.d/10-defaults.conf", RABBITMQ_DEFAULTS),
                (
                    "/etc/rabbitmq/enabled_plugins",
                    "[rabbitmq_management,rabbitmq_prometheus].\n",
                ),
            ],
            edits: &[],
        }
    } else if image.starts_with("docker.io/rclone/rclone:") {
        // rclone/rclone Dockerfile (Alpine): the binary in /usr/local/bin, WORKDIR /data,
        // ENTRYPOINT ["rclone"], user root (the pod runs it as its own user). Debian's
        // rclone sits in /usr/bin.
        Image {
            repository: "docker.io/rclone/rclone",
            path: IMAGE_PATH.to_owned(),
            env: &[],
            workdir: "/",
            user: ("root", 0, 0, "/root"),
            entrypoint: "exec rclone \"$@\"\n",
            cmd: &[],
            files: &[],
            edits: &[],
        }
    } else {
        panic!("no stand-in for image {image}: this machine cannot run it")
    }
}

/// docker-library/postgres `docker-entrypoint.sh` (15/bookworm), the part that runs for a
/// non-root user: on an empty `PGDATA`, `initdb` with the user and password, the
/// `host all all all scram-sha-256` rule (the password from `POSTGRES_PASSWORD` or the file
/// `POSTGRES_PASSWORD_FILE` names, as the image's `file_env` reads it), a temporary socket-only server that creates
/// `POSTGRES_DB`, then exec of the server.
const POSTGRES_ENTRYPOINT: &str = r#"set -Eeo pipefail
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = 'postgres' ]; then
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		: "${POSTGRES_USER:=postgres}"
		: "${POSTGRES_DB:=$POSTGRES_USER}"
		if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
			if [ -n "${POSTGRES_PASSWORD:-}" ]; then echo >&2 'error: both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE'; exit 1; fi
			POSTGRES_PASSWORD="$(< "$POSTGRES_PASSWORD_FILE")"
		fi
		if [ -z "${POSTGRES_PASSWORD:-}" ]; then echo >&2 'error: no POSTGRES_PASSWORD'; exit 1; fi
		initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
		printf '\n%s\n' "host all all all ${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
		args=("${@:2}")
		PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" \
			-o "$(printf '%q ' "${args[@]}" -c listen_addresses='' -p "${PGPORT:-5432}")" -w start
		if [ "$POSTGRES_DB" != 'postgres' ]; then
			PGHOST= PGHOSTADDR= psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password \
				--no-psqlrc --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
		fi
		PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
	fi
fi
exec "$@"
"#;

/// docker-library/redis `docker-entrypoint.sh` (7.x), for a non-root user.
const REDIS_ENTRYPOINT: &str = r#"set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
um="$(umask)"
if [ "$um" = '0022' ]; then umask 0077; fi
exec "$@"
"#;

/// docker-library/rabbitmq `docker-entrypoint.sh` (3.13), for a non-root user.
const RABBITMQ_ENTRYPOINT: &str = r#"set -euo pipefail
if [ -z "${RABBITMQ_USE_LONGNAME:-}" ] && [ "$(hostname)" != "$(hostname -s)" ]; then
	export RABBITMQ_USE_LONGNAME=true
fi
exec "$@"
"#;

/// docker-library/rabbitmq `10-defaults.conf`.
const RABBITMQ_DEFAULTS: &str =
    "## DEFAULT SETTINGS ARE NOT MEANT TO BE TAKEN STRAIGHT INTO PRODUCTION
loopback_users.guest = false
log.console = true
";
