//! The stable diagnostic codes of `nexus-spec`. Scripts and editors match on these strings;
//! a code, once released, keeps its meaning.

/// The file could not be read.
pub const IO: &str = "nexus::io";
/// The file is larger than the documented size cap.
pub const TOO_LARGE: &str = "nexus::yaml::too_large";
/// The file is not valid UTF-8.
pub const NOT_UTF8: &str = "nexus::yaml::not_utf8";
/// YAML syntax error.
pub const SYNTAX: &str = "nexus::yaml::syntax";
/// More than one YAML document where one is expected.
pub const MULTIPLE_DOCUMENTS: &str = "nexus::yaml::multiple_documents";
/// The file holds no document.
pub const EMPTY: &str = "nexus::yaml::empty";
/// A mapping key appears twice.
pub const DUPLICATE_KEY: &str = "nexus::yaml::duplicate_key";
/// Nesting deeper than the loader allows.
pub const TOO_DEEP: &str = "nexus::yaml::too_deep";
/// Aliases expand to more nodes than the loader allows (an alias bomb).
pub const ALIAS_BUDGET: &str = "nexus::yaml::alias_budget";
/// A YAML feature nexus does not accept (tags, complex keys, merge keys).
pub const UNSUPPORTED: &str = "nexus::yaml::unsupported";

/// A key that the spec format does not know.
pub const UNKNOWN_KEY: &str = "nexus::spec::unknown_key";
/// A value of the wrong type.
pub const WRONG_TYPE: &str = "nexus::spec::wrong_type";
/// A required key is missing.
pub const MISSING_KEY: &str = "nexus::spec::missing_key";
/// A value outside the allowed set (an unknown enum variant).
pub const UNKNOWN_VARIANT: &str = "nexus::spec::unknown_variant";
/// A value that has the right type but is not valid.
pub const INVALID_VALUE: &str = "nexus::spec::invalid_value";

/// The envelope (`apiVersion`, `kind`) is not one nexus reads.
pub const ENVELOPE: &str = "nexus::spec::envelope";
/// A name that is not a DNS-1123 label.
pub const INVALID_NAME: &str = "nexus::spec::invalid_name";
/// `metadata.version` is not a semantic version.
pub const INVALID_SEMVER: &str = "nexus::spec::invalid_semver";
/// An image reference that cannot be parsed.
pub const INVALID_IMAGE: &str = "nexus::spec::invalid_image";
/// A Kubernetes quantity that cannot be parsed.
pub const INVALID_QUANTITY: &str = "nexus::spec::invalid_quantity";
/// A limit below its request.
pub const LIMIT_BELOW_REQUEST: &str = "nexus::spec::limit_below_request";
/// A port outside 1..=65535.
pub const PORT_RANGE: &str = "nexus::spec::port_range";
/// Two ports of one workload share a number or a name.
pub const PORT_CLASH: &str = "nexus::spec::port_clash";
/// A reference (dependency, route target, port name) to something not declared.
pub const UNRESOLVED_REFERENCE: &str = "nexus::spec::unresolved_reference";
/// A secret reference to a secret that is not declared.
pub const UNKNOWN_SECRET: &str = "nexus::spec::unknown_secret";
/// A `${...}` placeholder that does not resolve.
pub const UNRESOLVED_PLACEHOLDER: &str = "nexus::spec::unresolved_placeholder";
/// A `${...}` placeholder that is malformed.
pub const MALFORMED_PLACEHOLDER: &str = "nexus::spec::malformed_placeholder";
/// The dependency graph has a cycle.
pub const DEPENDENCY_CYCLE: &str = "nexus::spec::dependency_cycle";
/// Autoscaling bounds are inconsistent.
pub const AUTOSCALING_BOUNDS: &str = "nexus::spec::autoscaling_bounds";
/// Two things share a name that must be unique across the platform.
pub const DUPLICATE_NAME: &str = "nexus::spec::duplicate_name";
/// A name nexus derives for one workload (or takes itself) is also derived for another, or
/// an environment variable uses nexus's reserved prefix.
pub const NAME_COLLISION: &str = "nexus::spec::name_collision";
/// An environment overlay names something the base spec does not have.
pub const OVERLAY_UNKNOWN_TARGET: &str = "nexus::spec::overlay_unknown_target";
/// An environment was asked for that the spec does not define.
pub const UNKNOWN_ENVIRONMENT: &str = "nexus::spec::unknown_environment";
/// A cron schedule that cannot be parsed.
pub const INVALID_SCHEDULE: &str = "nexus::spec::invalid_schedule";
/// A duration that cannot be parsed.
pub const INVALID_DURATION: &str = "nexus::spec::invalid_duration";
/// Two routes claim the same path.
pub const ROUTE_CLASH: &str = "nexus::spec::route_clash";
/// A value contains characters that cannot be rendered safely.
pub const UNSAFE_VALUE: &str = "nexus::spec::unsafe_value";
/// A workload names another in a placeholder without declaring it a dependency.
pub const UNDECLARED_DEPENDENCY: &str = "nexus::spec::undeclared_dependency";
/// A waiver that is malformed.
pub const INVALID_WAIVER: &str = "nexus::spec::invalid_waiver";
/// More environments than [`crate::resolve::MAX_ENVIRONMENTS`].
pub const TOO_MANY_ENVIRONMENTS: &str = "nexus::spec::too_many_environments";
/// More workloads × environments than [`crate::resolve::MAX_WORKLOAD_ENVIRONMENTS`].
pub const TOO_MUCH_WORK: &str = "nexus::spec::too_much_work";
