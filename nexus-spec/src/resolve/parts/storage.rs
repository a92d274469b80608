//! Storage of a stateful workload.

use crate::ir;
use crate::model;
use crate::resolve::ctx::Resolver;
use crate::values;

/// Storage, with the mount path from the component.
pub(crate) fn storage(
    ctx: &mut Resolver,
    s: &model::Storage,
    mount_path: &str,
) -> Option<ir::Storage> {
    let size = ctx.quantity(&s.size, "storage size")?;
    if let Some(c) = &s.storage_class {
        ctx.name(c, "storage class", values::name::dns1123_label);
    }
    Some(ir::Storage {
        size,
        storage_class: s.storage_class.as_ref().map(|c| c.value.clone()),
        mount_path: mount_path.to_owned(),
    })
}
