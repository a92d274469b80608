//! Large maps of the spec, built with full nodes as they are read.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The most entries a node of the standard library's B-tree holds. A map this small is one
/// node, which a rebuild cannot shrink.
const NODE_CAPACITY: usize = 11;

/// Reads a map as serde would, into B-tree nodes that are full.
///
/// A map read entry by entry in key order, as a spec written in name order is, keeps its
/// nodes a little over half full: each split leaves 6 of 11 slots in the left node, and
/// nothing is added to that node again. A service is about 2.8 KB, so at 5,000 services
/// that is 8 MB of empty slots, alive as long as the spec is, and the largest single item
/// at the loader's peak.
///
/// [`BTreeMap::append`] builds its result from two sorted sequences, filling each node
/// before it starts the next, and frees the old nodes as it empties them. So the entries
/// are read into a small map, which is appended to the full one whenever it has grown as
/// large: no more than half the entries are ever in half-full nodes, and each entry is
/// moved about twice. Entries are kept as serde's own map keeps them: a repeated key keeps
/// its last value.
pub(crate) fn deserialize<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    d.deserialize_map(Full(PhantomData))
}

struct Full<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for Full<K, V>
where
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    type Value = BTreeMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut full = BTreeMap::new();
        let mut recent = BTreeMap::new();
        while let Some((k, v)) = access.next_entry()? {
            recent.insert(k, v);
            if recent.len() > NODE_CAPACITY && recent.len() >= full.len() {
                merge(&mut full, &mut recent);
            }
        }
        merge(&mut full, &mut recent);
        Ok(full)
    }
}

/// Moves `recent` into `full`, both rebuilt with full nodes.
fn merge<K: Ord, V>(full: &mut BTreeMap<K, V>, recent: &mut BTreeMap<K, V>) {
    // Appending to an empty map only swaps the two, so the first entry goes in first.
    if full.is_empty() {
        if recent.len() <= NODE_CAPACITY {
            std::mem::swap(full, recent);
            return;
        }
        if let Some((k, v)) = recent.pop_first() {
            full.insert(k, v);
        }
    }
    full.append(recent);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Limits, from_node, parse};
    use crate::span::FileId;

    fn read(yaml: &str) -> BTreeMap<String, u32> {
        let node = parse(yaml, FileId(0), &Limits::default()).unwrap();
        #[derive(Deserialize)]
        struct Doc {
            #[serde(deserialize_with = "deserialize")]
            map: BTreeMap<String, u32>,
        }
        from_node::<Doc>(&node).unwrap().map
    }

    #[test]
    fn every_entry_is_kept_in_order_at_every_size() {
        for n in [0, 1, 11, 12, 13, 23, 24, 100, 1_000] {
            // Written out of order, so that keys arrive both before and after the ones
            // already merged.
            let mut yaml = String::from("map:\n");
            if n == 0 {
                yaml = String::from("map: {}\n");
            }
            let order: Vec<u32> = (0..n).map(|i| (i * 7919) % n.max(1)).collect();
            for i in &order {
                yaml.push_str(&format!("  k{i:05}: {i}\n"));
            }
            let map = read(&yaml);
            let want: BTreeMap<String, u32> = (0..n).map(|i| (format!("k{i:05}"), i)).collect();
            assert_eq!(map, want, "{n} entries");
        }
    }
}
