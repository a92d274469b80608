//! What an image's contract (its catalog row) adds to a workload: credentials as variables
//! or files, settings derived from the memory limit and the shared-memory size.

use crate::catalog::{Component, MemorySetting, SECRET_FILES_DIR, share_mib};
use crate::ir;
use crate::span::Spanned;
use crate::values::{Segment, Template};

/// The credential variables and secret files of a component.
pub(crate) fn credentials(
    c: &Component,
    creds: &ir::Credentials,
    database: Option<&str>,
) -> (Vec<ir::EnvVar>, Vec<ir::SecretFile>) {
    let Some(ce) = c.credentials else {
        return (Vec::new(), Vec::new());
    };
    let mut env = Vec::new();
    let mut files = Vec::new();
    if let Some(var) = ce.user {
        env.push(literal(var, &creds.user));
    }
    match ce.password_file {
        Some(var) if ce.password_format == "{password}" => {
            let path = format!("{SECRET_FILES_DIR}/{}", creds.password_secret.value);
            env.push(literal(var, &path));
            files.push(ir::SecretFile {
                secret: creds.password_secret.value.clone(),
                path,
            });
        }
        _ => env.push(ir::EnvVar {
            name: Spanned::detached(ce.password.to_owned()),
            value: Spanned::new(
                password_template(ce.password_format, creds),
                creds.password_secret.span,
            ),
        }),
    }
    if let (Some(var), Some(db)) = (ce.database, database) {
        env.push(literal(var, db));
    }
    (env, files)
}

/// `format` with `{user}` replaced by the user and anything else in braces by the secret.
fn password_template(format: &str, creds: &ir::Credentials) -> Template {
    let mut segments = Vec::new();
    let mut rest = format;
    while let Some(i) = rest.find('{') {
        segments.push(Segment::Text(rest[..i].to_owned()));
        let end = rest[i..].find('}').map_or(rest.len(), |e| i + e + 1);
        match &rest[i..end] {
            "{user}" => segments.push(Segment::Text(creds.user.clone())),
            _ => segments.push(Segment::Secret(creds.password_secret.value.clone())),
        }
        rest = &rest[end..];
    }
    segments.push(Segment::Text(rest.to_owned()));
    Template::from_segments(segments)
}

fn literal(name: &str, value: &str) -> ir::EnvVar {
    ir::EnvVar {
        name: Spanned::detached(name.to_owned()),
        value: Spanned::detached(Template::literal(value)),
    }
}

/// The memory limit in bytes, when the spec gives one.
fn memory_limit(r: &ir::Resources) -> Option<u128> {
    r.memory_limit.as_ref().map(|q| q.value.ceil_units())
}

/// Variables and extra arguments that follow the memory limit; none without a limit.
pub(crate) fn memory(c: &Component, r: &ir::Resources) -> (Vec<ir::EnvVar>, Vec<String>) {
    let mut env = Vec::new();
    let mut args = Vec::new();
    let Some(limit) = memory_limit(r) else {
        return (env, args);
    };
    for setting in c.memory {
        let mib = setting.mib(limit).to_string();
        match *setting {
            MemorySetting::Env { var, value, .. } => {
                env.push(literal(var, &value.replace("{mib}", &mib)));
            }
            MemorySetting::Args { args: a, .. } => {
                args.extend(a.iter().map(|t| t.replace("{mib}", &mib)));
            }
        }
    }
    (env, args)
}

/// The size of `/dev/shm` in MiB, for components that use shared memory: a share of the
/// memory limit, or 256 MiB without one.
pub(crate) fn shm_mib(c: &Component, r: &ir::Resources) -> Option<u64> {
    if c.shm_percent == 0 {
        return None;
    }
    Some(memory_limit(r).map_or(256, |limit| share_mib(limit, c.shm_percent).max(64)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::engine;
    use crate::model::Engine;
    use crate::values::Quantity;

    fn limit(text: &str) -> ir::Resources {
        ir::Resources {
            memory_limit: Some(Spanned::detached(Quantity::parse(text).unwrap())),
            ..ir::Resources::default()
        }
    }

    #[test]
    fn heap_and_maxmemory_follow_the_limit() {
        let (env, _) = memory(engine(Engine::Elasticsearch), &limit("4Gi"));
        assert_eq!(env[0].name.value, "ES_JAVA_OPTS");
        assert_eq!(
            env[0].value.value.render(|_| String::new()),
            "-Xms2048m -Xmx2048m"
        );
        let (_, args) = memory(engine(Engine::Redis), &limit("1Gi"));
        assert_eq!(
            args,
            ["--maxmemory", "768mb", "--maxmemory-policy", "allkeys-lru"]
        );
        let (env, args) = memory(engine(Engine::Redis), &ir::Resources::default());
        assert!(env.is_empty() && args.is_empty(), "no limit, no setting");
    }

    #[test]
    fn shared_memory_only_where_the_engine_uses_it() {
        assert_eq!(shm_mib(engine(Engine::Postgres), &limit("4Gi")), Some(1024));
        assert_eq!(
            shm_mib(engine(Engine::Postgres), &ir::Resources::default()),
            Some(256)
        );
        assert_eq!(shm_mib(engine(Engine::Redis), &limit("4Gi")), None);
    }
}
