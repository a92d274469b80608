//! What a folder holds, for comparing a folder before and after a write. The root crate's
//! tests include this file too (`tests/integration/support/render/mod.rs`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every entry under `root`, links as `-> target`, folders as `name/`, files as their
/// bytes.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            let ty = e.file_type().unwrap();
            if ty.is_symlink() {
                let t = fs::read_link(e.path()).unwrap();
                out.insert(name, format!("-> {}", t.display()).into_bytes());
            } else if ty.is_dir() {
                out.insert(format!("{name}/"), Vec::new());
                walk(&e.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, "", &mut out);
    out
}
