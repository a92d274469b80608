//! Resource limits of the loader.

/// Resource limits applied while loading one spec file.
///
/// They exist so that a hostile or broken file (a gigabyte of text, `[[[[...` nested a
/// million deep, a "billion laughs" alias bomb) is refused quickly with a diagnostic instead
/// of exhausting memory, time or the stack. The defaults are far above what a real spec needs:
/// the nexus performance target, a 5,000-service platform, is a few MB of YAML, nested about
/// ten levels deep, with a few hundred thousand values.
///
/// | limit | default | refused with |
/// | --- | --- | --- |
/// | [`max_bytes`](Limits::max_bytes) | 16 MiB | [`TOO_LARGE`](crate::codes::TOO_LARGE); [`ALIAS_BUDGET`](crate::codes::ALIAS_BUDGET) when aliases copy more scalar text than this |
/// | [`max_depth`](Limits::max_depth) | 64 | [`TOO_DEEP`](crate::codes::TOO_DEEP) |
/// | [`max_nodes`](Limits::max_nodes) | 2,000,000 | [`ALIAS_BUDGET`](crate::codes::ALIAS_BUDGET) when an alias pushes the count over, otherwise [`TOO_LARGE`](crate::codes::TOO_LARGE) |
///
/// ```
/// use nexus_spec::load::Limits;
/// let limits = Limits { max_depth: 32, ..Limits::default() };
/// assert_eq!(limits.max_bytes, 16 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest file accepted, in bytes. Checked before anything is parsed. Also the most
    /// scalar text (keys included) that aliases may copy in all, so that a loaded document
    /// holds at most twice this much text. Files of 4 GiB or more are refused whatever this
    /// says (spans hold 32-bit offsets).
    pub max_bytes: usize,
    /// Deepest nesting of mappings and sequences accepted; the top-level collection is at
    /// depth 1. Every later stage (deserialization, cloning, dropping the tree) recurses once
    /// per level, so this also bounds stack use: keep it in the hundreds at most.
    pub max_depth: usize,
    /// Most values (scalars, mappings and sequences) a document may hold once every alias is
    /// expanded. Aliases are expanded by copying, so this bounds the memory an alias bomb can
    /// claim; the count is checked before each copy is made.
    pub max_nodes: usize,
}

impl Limits {
    /// The default limits (see the table on [`Limits`]).
    pub const DEFAULT: Limits = Limits {
        max_bytes: 16 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 2_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
