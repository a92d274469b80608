//! The minijinja environment of the Nginx templates (`nexus-render/templates/nginx/`).
//!
//! Strict undefined handling (a missing value is an error, never an empty string), trailing
//! newlines kept (byte-exact files), block tags trimmed, and one formatter for every
//! `{{ value }}`: [`super::escape::formatter`].

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::escape;
use crate::error::RenderError;

/// Every template, by name. The names without `partials/` are whole files.
pub(super) const TEMPLATES: &[(&str, &str)] = &[
    (
        "nginx.conf",
        include_str!("../../templates/nginx/nginx.conf.j2"),
    ),
    (
        "limits.conf",
        include_str!("../../templates/nginx/limits.conf.j2"),
    ),
    (
        "upstreams.conf",
        include_str!("../../templates/nginx/upstreams.conf.j2"),
    ),
    (
        "http.conf",
        include_str!("../../templates/nginx/http.conf.j2"),
    ),
    (
        "https.conf",
        include_str!("../../templates/nginx/https.conf.j2"),
    ),
    (
        "partials/headers.conf",
        include_str!("../../templates/nginx/partials/headers.conf.j2"),
    ),
    (
        "partials/health.conf",
        include_str!("../../templates/nginx/partials/health.conf.j2"),
    ),
    (
        "partials/routes.conf",
        include_str!("../../templates/nginx/partials/routes.conf.j2"),
    ),
    (
        "partials/tls.conf",
        include_str!("../../templates/nginx/partials/tls.conf.j2"),
    ),
];

fn template_error(name: &str, e: minijinja::Error) -> RenderError {
    RenderError::Template {
        template: name.to_owned(),
        source: e,
    }
}

/// The environment with every template loaded.
pub(super) fn environment() -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| template_error("syntax", e))?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Custom(escape::MODE.into()));
    env.set_formatter(escape::formatter);
    env.set_recursion_limit(32);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| template_error(name, e))?;
    }
    Ok(env)
}

/// Renders one template with `ctx`.
pub(super) fn render<S: serde::Serialize>(
    env: &Environment<'_>,
    name: &str,
    ctx: &S,
) -> Result<String, RenderError> {
    let template = env
        .get_template(name)
        .map_err(|e| template_error(name, e))?;
    template
        .render(minijinja::Value::from(minijinja::value::Serde(ctx)))
        .map_err(|e| template_error(name, e))
}
