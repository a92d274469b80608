//! Security settings with hardened defaults, and what an image brings to them.

use crate::codes;
use crate::ir;
use crate::model::{self, Seccomp};
use crate::resolve::ctx::Resolver;
use crate::span::{Span, Spanned};
use crate::values;

/// Security settings with hardened defaults.
pub(crate) fn security(
    ctx: &mut Resolver,
    s: &model::Security,
    image_user: ImageUser<'_>,
) -> ir::Security {
    let ImageUser {
        uid: default_uid,
        gid: default_gid,
        writable: extra_writable,
        seeded,
    } = image_user;
    let b = |v: &Option<Spanned<bool>>, default: bool| v.unwrap_or(Spanned::detached(default));
    let id =
        |ctx: &mut Resolver, v: &Option<Spanned<i64>>, default: i64, what: &str| -> Spanned<i64> {
            match v {
                Some(v) if (0..=2_147_483_647).contains(&v.value) => *v,
                Some(v) => {
                    ctx.error(
                        codes::INVALID_VALUE,
                        v.span,
                        format!("{what} must be from 0 to 2147483647"),
                        "out of range",
                        "use a non-zero id such as 10001",
                    );
                    Spanned::new(default, v.span)
                }
                None => Spanned::detached(default),
            }
        };
    let run_as_user = id(ctx, &s.run_as_user, i64::from(default_uid), "runAsUser");
    let group_default = match (&s.run_as_user, default_gid) {
        (None, Some(gid)) => i64::from(gid),
        _ => run_as_user.value,
    };
    let run_as_group = id(ctx, &s.run_as_group, group_default, "runAsGroup");
    let fs_group = id(ctx, &s.fs_group, run_as_group.value, "fsGroup").value;
    let caps = s.capabilities.clone().unwrap_or_default();
    for c in caps.add.iter().chain(caps.drop.iter().flatten()) {
        if c.value.is_empty()
            || !c
                .value
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch == '_')
        {
            ctx.error(codes::INVALID_VALUE, c.span, format!("`{}` is not a capability name", c.value), "invalid", "write capability names in upper case without the CAP_ prefix (`NET_BIND_SERVICE`, `ALL`)");
        }
    }
    let drop_span = caps
        .drop
        .as_ref()
        .and_then(|d| d.first().map(|c| c.span))
        .unwrap_or(Span::DETACHED);
    let mut writable: Vec<String> = vec!["/tmp".to_owned()];
    writable.extend(extra_writable.iter().map(|p| (*p).to_owned()));
    for p in &s.writable_paths {
        if ctx.checked(p, "writable path", values::name::container_path) {
            writable.push(p.value.clone());
        }
    }
    writable.sort();
    writable.dedup();
    let host_paths = s
        .host_paths
        .iter()
        .filter(|h| {
            ctx.checked(&h.host_path, "host path", values::name::container_path)
                & ctx.checked(&h.mount_path, "mount path", values::name::container_path)
        })
        .map(|h| ir::HostPath {
            host_path: h.host_path.clone(),
            mount_path: h.mount_path.value.clone(),
            read_only: h.read_only.is_none_or(|r| r.value),
        })
        .collect();
    ir::Security {
        run_as_user,
        run_as_group,
        fs_group,
        run_as_non_root: b(&s.run_as_non_root, true),
        read_only_root_filesystem: b(&s.read_only_root_filesystem, true),
        allow_privilege_escalation: b(&s.allow_privilege_escalation, false),
        privileged: b(&s.privileged, false),
        capabilities_add: caps.add.clone(),
        capabilities_drop: caps
            .drop
            .clone()
            .unwrap_or_else(|| vec![Spanned::detached("ALL".to_owned())]),
        capabilities_drop_span: drop_span,
        seccomp: s
            .seccomp
            .unwrap_or(Spanned::detached(Seccomp::RuntimeDefault)),
        host_network: b(&s.host_network, false),
        host_pid: b(&s.host_pid, false),
        host_ipc: b(&s.host_ipc, false),
        host_paths,
        writable_paths: writable,
        seeded_paths: {
            let mut v: Vec<String> = seeded.iter().map(|p| (*p).to_owned()).collect();
            v.sort();
            v
        },
    }
}

/// What an image brings to a workload's security settings: its user and group (used unless
/// the spec sets `runAsUser`), the paths its entrypoint writes and the folders it edits.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ImageUser<'a> {
    /// The image's user.
    pub uid: u32,
    /// The image's group, when it differs from the user id.
    pub gid: Option<u32>,
    /// Paths written at start (emptyDir / tmpfs).
    pub writable: &'a [&'a str],
    /// Folders of the image's files edited at start (seeded).
    pub seeded: &'a [&'a str],
}

impl ImageUser<'static> {
    /// The contract of a catalog component.
    pub(crate) fn of(c: &'static crate::catalog::Component) -> Self {
        ImageUser {
            uid: c.uid,
            gid: Some(c.gid),
            writable: c.writable_paths,
            seeded: c.seeded_paths,
        }
    }
}
