//! State shared by every deserializer of one `from_node` call: the diagnostics of the
//! current pass and the recovery plan that survives from pass to pass.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::load::node::Node;
use crate::span::{Span, Spanned};

use super::error::{Error, SerdeError};

/// Identity of a value in the tree (its address; the tree is borrowed, so it does not move)
/// and whether it is a mapping key.
pub(crate) type Addr = (usize, bool);

/// The address of a node.
pub(crate) fn node_addr(node: &Node) -> Addr {
    (std::ptr::from_ref(node) as usize, false)
}

/// The address of a mapping key.
pub(crate) fn key_addr(key: &Spanned<String>) -> Addr {
    (std::ptr::from_ref(key) as usize, true)
}

/// A struct type as serde names it: type name, enum variant (for struct variants), fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StructId {
    pub(crate) name: &'static str,
    pub(crate) variant: &'static str,
    pub(crate) fields: &'static [&'static str],
}

/// What later passes do differently, learnt from errors serde could not recover from.
#[derive(Default)]
struct Plan {
    /// Values whose `Deserialize` failed: later passes report the stored diagnostic again
    /// and feed a dummy value instead.
    dummies: HashMap<Addr, Diagnostic>,
    /// Fields found to be required, per struct type: later passes report them missing up
    /// front and feed a dummy value, so the struct can still be built.
    required: HashMap<StructId, Vec<&'static str>>,
    /// Mappings where a required field is present under a serde alias: no dummy there.
    no_inject: HashSet<(Addr, &'static str)>,
}

/// Where a value sits, for wording messages and examples.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'de> {
    /// The document itself.
    Root,
    /// The value of this key.
    Key(&'de str),
    /// An item of a sequence, itself the value of this key (if any).
    Item(Option<&'de str>),
}

impl<'de> Place<'de> {
    /// The place of the items of a sequence found here.
    pub(crate) fn items(self) -> Place<'de> {
        match self {
            Place::Key(k) => Place::Item(Some(k)),
            _ => Place::Item(None),
        }
    }
}

/// Shared by all deserializers of one `from_node` call.
pub(crate) struct Decoding<'s> {
    /// The source text, when known, to quote values exactly as written.
    pub(crate) source: Option<&'s str>,
    diags: RefCell<Vec<Diagnostic>>,
    plan: RefCell<Plan>,
    progress: Cell<bool>,
}

impl<'s> Decoding<'s> {
    pub(crate) fn new(source: Option<&'s str>) -> Self {
        Decoding {
            source,
            diags: RefCell::new(Vec::new()),
            plan: RefCell::new(Plan::default()),
            progress: Cell::new(false),
        }
    }

    /// Starts a pass: no diagnostics yet, no progress yet.
    pub(crate) fn begin_pass(&self) {
        self.diags.borrow_mut().clear();
        self.progress.set(false);
    }

    /// Whether this pass taught the plan something new, so another pass would get further.
    pub(crate) fn progressed(&self) -> bool {
        self.progress.get()
    }

    pub(crate) fn take_diags(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.diags.borrow_mut())
    }

    pub(crate) fn record(&self, diag: Diagnostic) {
        self.diags.borrow_mut().push(diag);
    }

    /// The source text of a span, if the source is known.
    pub(crate) fn text(&self, span: Span) -> Option<&'s str> {
        self.source?.get(span.range())
    }

    /// If the value at `addr` failed in an earlier pass, reports that again and returns the
    /// diagnostic: the caller then feeds a dummy.
    pub(crate) fn replay(&self, addr: Addr) -> Option<Diagnostic> {
        let diag = self.plan.borrow().dummies.get(&addr).cloned()?;
        self.record(diag.clone());
        Some(diag)
    }

    /// Reports a failure serde cannot recover from, and plans a dummy at `addr` next pass.
    pub(crate) fn fail_at(&self, addr: Addr, diag: Diagnostic) {
        self.record(diag.clone());
        self.plan_dummy(addr, diag);
    }

    /// Plans a dummy at `addr` next pass, replaying `diag` (already reported in this pass).
    pub(crate) fn plan_dummy(&self, addr: Addr, diag: Diagnostic) {
        if self.plan.borrow_mut().dummies.insert(addr, diag).is_none() {
            self.progress.set(true);
        }
    }

    /// Fields of `id` known to be required and absent from `entries` (and not clashing with
    /// a serde alias at `addr`).
    pub(crate) fn missing_fields(
        &self,
        id: StructId,
        addr: Addr,
        entries: &[(Spanned<String>, Node)],
    ) -> Vec<&'static str> {
        let plan = self.plan.borrow();
        let Some(required) = plan.required.get(&id) else {
            return Vec::new();
        };
        required
            .iter()
            .copied()
            .filter(|f| !entries.iter().any(|(k, _)| k.value == *f))
            .filter(|f| !plan.no_inject.contains(&(addr, *f)))
            .collect()
    }

    /// Learns that `field` of `id` is required. Returns false if it was known already.
    pub(crate) fn learn_required(&self, id: StructId, field: &'static str) -> bool {
        let mut plan = self.plan.borrow_mut();
        let fields = plan.required.entry(id).or_default();
        if fields.contains(&field) {
            return false;
        }
        fields.push(field);
        self.progress.set(true);
        true
    }

    /// Learns that `field` must not be injected at `addr`. Returns false if known already.
    pub(crate) fn learn_no_inject(&self, addr: Addr, field: &'static str) -> bool {
        let new = self.plan.borrow_mut().no_inject.insert((addr, field));
        if new {
            self.progress.set(true);
        }
        new
    }
}

impl Decoding<'_> {
    /// Locates an error at the value `addr`: a serde error becomes a diagnostic (worded by
    /// `describe`) with a dummy planned there for the next pass (or, if the value already got
    /// its dummy, an escalation); an escalation from inside the value plans a dummy for the
    /// whole value. Either way only [`Error::Recorded`] goes on up,
    /// except an escalation from this very value, which is for the enclosing one to handle.
    pub(crate) fn locate<T>(
        &self,
        addr: Addr,
        result: Result<T, Error>,
        describe: impl FnOnce(SerdeError) -> Diagnostic,
    ) -> Result<T, Error> {
        match result {
            Ok(value) => Ok(value),
            Err(Error::Escalate { from, diag }) if from == addr => {
                Err(Error::Escalate { from, diag })
            }
            Err(Error::Escalate { diag, .. }) => {
                self.plan_dummy(addr, *diag);
                Err(Error::Recorded)
            }
            Err(Error::Serde(e)) => {
                // A value with a planned dummy was fed that dummy on entry: if it still fails
                // (a `try_from` refusing the dummy, say), the enclosing value must give way.
                let planned = self.plan.borrow().dummies.get(&addr).cloned();
                if let Some(diag) = planned {
                    return Err(Error::Escalate {
                        from: addr,
                        diag: Box::new(diag),
                    });
                }
                self.fail_at(addr, describe(e));
                Err(Error::Recorded)
            }
            Err(Error::Recorded) => Err(Error::Recorded),
        }
    }
}

/// Feeds a dummy for the value at `addr`, whose problem `diag` is already reported: if even
/// the dummy fails, the enclosing value must be replaced instead.
pub(crate) fn with_dummy<T>(
    addr: Addr,
    diag: Diagnostic,
    result: Result<T, Error>,
) -> Result<T, Error> {
    result.map_err(|_| Error::Escalate {
        from: addr,
        diag: Box::new(diag),
    })
}
