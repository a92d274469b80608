//! The spec's JSON Schema, generated from the Rust types, for editors and CI.

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};

use crate::model::PlatformFile;

/// Closes every object with named properties (`additionalProperties: false`) while allowing
/// `x-` extension keys, the same rule the loader applies.
#[derive(Clone)]
struct Closed;

impl Transform for Closed {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        if let Some(obj) = schema.as_object_mut()
            && obj.contains_key("properties")
        {
            obj.insert("additionalProperties".into(), false.into());
            obj.insert("patternProperties".into(), serde_json::json!({ "^x-": {} }));
        }
        transform_subschemas(self, schema);
    }
}

/// The JSON Schema (draft 2020-12) of a spec file, pretty-printed with a final newline.
///
/// ```
/// let schema = nexus_spec::schema::json_schema();
/// assert!(schema.contains("\"apiVersion\""));
/// ```
pub fn json_schema() -> String {
    let generator = SchemaSettings::draft2020_12()
        .with_transform(Closed)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<PlatformFile>();
    schema.insert(
        "$id".into(),
        "https://nexus.dev/schemas/v1alpha1/platform.json".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
