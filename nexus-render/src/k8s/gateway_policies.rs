//! NGINX Gateway Fabric's policies (`gateway.nginx.org/v1alpha1`): what the standard Gateway
//! API cannot say, each attached to the HTTPRoutes it governs
//! (docs/decisions/0016-gateway-api-edge.md). Each maps to the same Nginx directive the Nginx
//! target renders, so both edges behave alike:
//!
//! * a `RateLimitPolicy` per named rate limit, on every HTTPRoute that uses it (one zone, as
//!   in the Nginx target): `limit_req_zone $binary_remote_addr ... rate=`, `limit_req ...
//!   burst=N nodelay`, `limit_req_status 429`;
//! * a `ClientSettingsPolicy` per route: `client_max_body_size` (413 above it);
//! * a `ProxySettingsPolicy` per route: `proxy_read_timeout` and `proxy_send_timeout`, and
//!   the connect timeout of the Nginx target (5s).

use nexus_spec::ir;
use serde::Serialize;

use super::custom_resource::custom_resource;
use super::meta::Naming;

/// The API version of NGINX Gateway Fabric's policies.
pub const NGF_POLICY_API_VERSION: &str = <RateLimitPolicy as k8s_openapi::Resource>::API_VERSION;
/// The status code a rate-limited request gets, on every edge.
pub(super) const REJECT_CODE: u16 = 429;
/// The rate-limit key: the client address, as in the Nginx target.
pub(super) const LIMIT_KEY: &str = "$binary_remote_addr";

custom_resource! {
    /// NGINX Gateway Fabric's `RateLimitPolicy`.
    RateLimitPolicy {
        spec: RateLimitSpec,
        group: "gateway.nginx.org",
        version: "v1alpha1",
        kind: "RateLimitPolicy",
        plural: "ratelimitpolicies",
    }
}

custom_resource! {
    /// NGINX Gateway Fabric's `ClientSettingsPolicy`.
    ClientSettingsPolicy {
        spec: ClientSettingsSpec,
        group: "gateway.nginx.org",
        version: "v1alpha1",
        kind: "ClientSettingsPolicy",
        plural: "clientsettingspolicies",
    }
}

custom_resource! {
    /// NGINX Gateway Fabric's `ProxySettingsPolicy`.
    ProxySettingsPolicy {
        spec: ProxySettingsSpec,
        group: "gateway.nginx.org",
        version: "v1alpha1",
        kind: "ProxySettingsPolicy",
        plural: "proxysettingspolicies",
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TargetRef {
    group: &'static str,
    kind: &'static str,
    name: String,
}

fn target(route: &str) -> TargetRef {
    TargetRef {
        group: "gateway.networking.k8s.io",
        kind: "HTTPRoute",
        name: route.to_owned(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateLimitSpec {
    target_refs: Vec<TargetRef>,
    rate_limit: RateLimit,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RateLimit {
    local: Local,
    reject_code: u16,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Local {
    rules: Vec<LimitRule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LimitRule {
    burst: u32,
    key: &'static str,
    no_delay: bool,
    rate: String,
    zone_size: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClientSettingsSpec {
    target_ref: TargetRef,
    body: Body,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    max_size: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProxySettingsSpec {
    target_refs: Vec<TargetRef>,
    timeout: Timeout,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Timeout {
    connect: &'static str,
    read: String,
    send: String,
}

/// The policies of a gateway, in the order they are written.
pub(crate) struct Policies {
    pub rate_limits: Vec<RateLimitPolicy>,
    pub client_settings: Vec<ClientSettingsPolicy>,
    pub proxy_settings: Vec<ProxySettingsPolicy>,
}

/// A body size as NGINX Gateway Fabric accepts it (at most four digits and a unit), rounded
/// up to the next whole unit when the exact figure does not fit.
pub(crate) fn ngf_size(bytes: u64) -> String {
    let exact = crate::nginx::context::size(bytes);
    let digits = exact.trim_end_matches(['k', 'm', 'g']);
    if digits.len() <= 4 {
        return exact;
    }
    for (unit, n) in [("k", 1u64 << 10), ("m", 1 << 20), ("g", 1 << 30)] {
        let v = bytes.div_ceil(n);
        if v <= 9999 {
            return format!("{v}{unit}");
        }
    }
    "0".to_owned()
}

/// A duration as NGINX Gateway Fabric accepts it (at most four digits and a unit): seconds,
/// else whole minutes or hours rounded up.
pub(crate) fn ngf_duration(seconds: u64) -> String {
    if seconds <= 9999 {
        return format!("{seconds}s");
    }
    if seconds.div_ceil(60) <= 9999 {
        return format!("{}m", seconds.div_ceil(60));
    }
    format!("{}h", seconds.div_ceil(3600).min(9999))
}

/// The policies of `g`, whose routes' HTTPRoutes are named `route_names` (in route order).
pub(crate) fn render(ctx: &Naming<'_>, g: &ir::Gateway, route_names: &[String]) -> Policies {
    let platform = &ctx.platform.name.value;
    let meta = |name: &str| ctx.meta(name, ctx.labels(name, "gateway"));
    let rate_limits = g
        .rate_limits
        .iter()
        .filter_map(|l| {
            let targets: Vec<TargetRef> = g
                .routes
                .iter()
                .zip(route_names)
                .filter(|(r, _)| r.rate_limit.as_ref().map(|n| &n.value) == Some(&l.name.value))
                .map(|(_, n)| target(n))
                .collect();
            if targets.is_empty() {
                return None;
            }
            let name = format!("{platform}-{}", l.name.value);
            Some(RateLimitPolicy {
                metadata: meta(&name),
                spec: RateLimitSpec {
                    target_refs: targets,
                    rate_limit: RateLimit {
                        local: Local {
                            rules: vec![LimitRule {
                                burst: l.burst,
                                key: LIMIT_KEY,
                                no_delay: true,
                                rate: l.rate.nginx(),
                                zone_size: "10m",
                            }],
                        },
                        reject_code: REJECT_CODE,
                    },
                },
            })
        })
        .collect();
    let client_settings = g
        .routes
        .iter()
        .zip(route_names)
        .map(|(r, n)| ClientSettingsPolicy {
            metadata: meta(n),
            spec: ClientSettingsSpec {
                target_ref: target(n),
                body: Body {
                    max_size: ngf_size(r.max_body_bytes),
                },
            },
        })
        .collect();
    let proxy_settings = g
        .routes
        .iter()
        .zip(route_names)
        .map(|(r, n)| {
            let t = ngf_duration(r.timeout_seconds.max(1));
            ProxySettingsPolicy {
                metadata: meta(n),
                spec: ProxySettingsSpec {
                    target_refs: vec![target(n)],
                    timeout: Timeout {
                        connect: "5s",
                        read: t.clone(),
                        send: t,
                    },
                },
            }
        })
        .collect();
    Policies {
        rate_limits,
        client_settings,
        proxy_settings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_fit_the_crd_pattern() {
        assert_eq!(ngf_size(64 * 1024), "64k");
        assert_eq!(ngf_size(50 * 1024 * 1024), "50m");
        assert_eq!(ngf_size(1000), "1000");
        assert_eq!(ngf_size(10_000), "10k");
        assert_eq!(ngf_size(10_001 * 1024), "10m");
        assert_eq!(ngf_duration(3600), "3600s");
        assert_eq!(ngf_duration(86_400), "1440m");
    }
}
