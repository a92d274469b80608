//! Parsers for the leaf values of a spec. Each returns a plain error message; validation
//! turns it into a located diagnostic.

pub mod cron;
pub mod duration;
pub mod image;
pub mod name;
pub mod placeholder;
pub mod quantity;
pub mod version;

pub use cron::Cron;
pub use image::ImageRef;
pub use placeholder::{Segment, Template};
pub use quantity::Quantity;
pub use version::NginxVersion;
