//! The set of (port, protocol) pairs one flow opens.

/// A port number and its protocol (`"TCP"` or `"UDP"`).
pub(crate) type Port = (u16, &'static str);

/// The (port, protocol) pairs a flow opens, each once, in order.
///
/// A flow opens one or two ports, and a platform of 5,000 services has tens of thousands of
/// flows: a sorted `Vec` holds them in 16 bytes a pair, where a `BTreeSet` took a node of
/// 200 bytes or more for each flow, and iterates in the same order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Ports(Vec<Port>);

impl Ports {
    /// Adds `port`, unless it is there already.
    pub(crate) fn insert(&mut self, port: Port) {
        if let Err(at) = self.0.binary_search(&port) {
            self.0.insert(at, port);
        }
    }

    /// Whether no port is open.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, in order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Port> {
        self.0.iter()
    }
}

impl Extend<Port> for Ports {
    fn extend<I: IntoIterator<Item = Port>>(&mut self, ports: I) {
        for p in ports {
            self.insert(p);
        }
    }
}

impl FromIterator<Port> for Ports {
    fn from_iter<I: IntoIterator<Item = Port>>(ports: I) -> Self {
        let mut set: Vec<Port> = ports.into_iter().collect();
        set.sort_unstable();
        set.dedup();
        Ports(set)
    }
}

impl<const N: usize> From<[Port; N]> for Ports {
    fn from(ports: [Port; N]) -> Self {
        ports.into_iter().collect()
    }
}

impl IntoIterator for Ports {
    type Item = Port;
    type IntoIter = std::vec::IntoIter<Port>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Ports {
    type Item = &'a Port;
    type IntoIter = std::slice::Iter<'a, Port>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn holds_each_pair_once_in_the_order_of_a_btree_set() {
        let pairs = [
            (443, "TCP"),
            (53, "UDP"),
            (53, "TCP"),
            (443, "TCP"),
            (80, "TCP"),
        ];
        let mut ports = Ports::from([(8080, "TCP")]);
        ports.extend(pairs);
        ports.insert((53, "UDP"));
        let mut set = BTreeSet::from([(8080, "TCP")]);
        set.extend(pairs);
        assert_eq!(
            ports.iter().copied().collect::<Vec<_>>(),
            set.into_iter().collect::<Vec<_>>()
        );
        assert!(!ports.is_empty());
        assert!(Ports::default().is_empty());
        assert_eq!(Ports::from([(1, "TCP"), (1, "TCP")]).iter().count(), 1);
    }
}
