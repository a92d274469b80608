//! Reading a rendered pod: its workload, the ConfigMaps it reads, each container's
//! environment as the kubelet resolves it, and `$(VAR)` expansion.

use std::collections::BTreeMap;

use serde_json::Value;

/// Test values of the Secrets a pod reads: (secret name, key) → value; an empty key
/// stands for every key of that Secret.
pub type SecretValues = BTreeMap<(String, String), String>;

/// The rendered objects of one workload.
pub struct Workload<'a> {
    pub docs: &'a [Value],
    /// The StatefulSet or Deployment.
    pub object: &'a Value,
}

impl<'a> Workload<'a> {
    /// The StatefulSet, Deployment, Job or CronJob named `name`.
    pub fn find(docs: &'a [Value], name: &str) -> Workload<'a> {
        let object = docs
            .iter()
            .find(|d| {
                matches!(
                    d["kind"].as_str(),
                    Some("StatefulSet" | "Deployment" | "Job" | "CronJob")
                ) && d["metadata"]["name"].as_str() == Some(name)
            })
            .unwrap_or_else(|| {
                panic!("no StatefulSet, Deployment, Job or CronJob {name} rendered")
            });
        Workload { docs, object }
    }

    pub fn name(&self) -> &str {
        self.object["metadata"]["name"].as_str().expect("named")
    }

    /// `spec.template.spec` (a CronJob's `spec.jobTemplate.spec.template.spec`).
    pub fn pod(&self) -> &Value {
        if self.object["kind"] == "CronJob" {
            return &self.object["spec"]["jobTemplate"]["spec"]["template"]["spec"];
        }
        &self.object["spec"]["template"]["spec"]
    }

    /// A container of the pod (or an init container) by name.
    pub fn container(&self, name: &str) -> &Value {
        list(&self.pod()["containers"])
            .iter()
            .chain(list(&self.pod()["initContainers"]))
            .find(|c| c["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("{} has no container {name}", self.name()))
    }

    /// The main container (the first).
    pub fn main(&self) -> &Value {
        &self.pod()["containers"][0]
    }

    pub fn init_containers(&self) -> Vec<&Value> {
        list(&self.pod()["initContainers"]).iter().collect()
    }

    /// The pod's `securityContext` numbers: (runAsUser, runAsGroup, fsGroup); a
    /// container's own `runAsUser`/`runAsGroup` win.
    pub fn ids(&self, container: &Value) -> (u32, u32, Option<u32>) {
        let pod = &self.pod()["securityContext"];
        let c = &container["securityContext"];
        let num = |v: &Value| v.as_u64().map(|n| u32::try_from(n).expect("uid fits u32"));
        let uid = num(&c["runAsUser"]).or(num(&pod["runAsUser"])).unwrap_or(0);
        let gid = num(&c["runAsGroup"])
            .or(num(&pod["runAsGroup"]))
            .unwrap_or(uid);
        (uid, gid, num(&pod["fsGroup"]))
    }

    /// The names of the volumeClaimTemplates (each a persistent volume of the pod).
    pub fn claims(&self) -> Vec<String> {
        list(&self.object["spec"]["volumeClaimTemplates"])
            .iter()
            .filter_map(|c| c["metadata"]["name"].as_str().map(str::to_owned))
            .collect()
    }

    /// The pod volume named `name` (`None` for a claim template).
    pub fn volume(&self, name: &str) -> Option<&Value> {
        list(&self.pod()["volumes"])
            .iter()
            .find(|v| v["name"].as_str() == Some(name))
    }

    /// The `data` of a rendered ConfigMap.
    pub fn config_map(&self, name: &str) -> BTreeMap<String, String> {
        let cm = self
            .docs
            .iter()
            .find(|d| d["kind"] == "ConfigMap" && d["metadata"]["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("the pod reads ConfigMap {name}, which is not rendered"));
        strings(&cm["data"])
    }

    /// A container's environment as the kubelet builds it: `envFrom` first, then `env` in
    /// order, each value `$(VAR)`-expanded against the variables before it.
    pub fn env(&self, container: &Value, secrets: &SecretValues) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let set = |out: &mut Vec<(String, String)>, k: String, v: String| {
            out.retain(|(n, _)| *n != k);
            out.push((k, v));
        };
        for from in list(&container["envFrom"]) {
            let prefix = from["prefix"].as_str().unwrap_or("");
            if let Some(cm) = from["configMapRef"]["name"].as_str() {
                for (k, v) in self.config_map(cm) {
                    set(&mut out, format!("{prefix}{k}"), v);
                }
            }
            if let Some(s) = from["secretRef"]["name"].as_str() {
                for ((name, k), v) in secrets {
                    if name == s {
                        set(&mut out, format!("{prefix}{k}"), v.clone());
                    }
                }
            }
        }
        for e in list(&container["env"]) {
            let name = e["name"].as_str().expect("env has a name").to_owned();
            let value = if let Some(v) = e["value"].as_str() {
                expand(v, &out)
            } else if let Some(r) = e["valueFrom"]["configMapKeyRef"].as_object() {
                let (cm, key) = (
                    r["name"].as_str().expect("name"),
                    r["key"].as_str().expect("key"),
                );
                self.config_map(cm)
                    .remove(key)
                    .unwrap_or_else(|| panic!("ConfigMap {cm} has no key {key} ({name})"))
            } else if let Some(r) = e["valueFrom"]["secretKeyRef"].as_object() {
                let (s, key) = (
                    r["name"].as_str().expect("name"),
                    r["key"].as_str().expect("key"),
                );
                secrets
                    .get(&(s.to_owned(), key.to_owned()))
                    .or_else(|| secrets.get(&(s.to_owned(), String::new())))
                    .cloned()
                    .unwrap_or_else(|| panic!("the test gives no value for Secret {s} key {key}"))
            } else if e["valueFrom"].is_null() {
                String::new()
            } else {
                panic!(
                    "env {name}: valueFrom the harness does not know: {}",
                    e["valueFrom"]
                );
            };
            set(&mut out, name, value);
        }
        out
    }

    /// A container's port number by name (or the number itself).
    pub fn port(&self, container: &Value, port: &Value) -> u16 {
        if let Some(n) = port.as_u64() {
            return u16::try_from(n).expect("port fits");
        }
        let name = port.as_str().expect("a port is a number or a name");
        list(&container["ports"])
            .iter()
            .find(|p| p["name"].as_str() == Some(name))
            .and_then(|p| p["containerPort"].as_u64())
            .map(|n| u16::try_from(n).expect("port fits"))
            .unwrap_or_else(|| panic!("the container declares no port {name}"))
    }
}

/// A YAML sequence as a slice (empty when absent).
pub fn list(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// A YAML list of strings.
pub fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .map(|s| s.as_str().expect("a list of strings").to_owned())
            .collect()
    })
}

/// A string-to-string YAML mapping.
pub fn strings(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let text = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The kubelet's `$(VAR)` expansion: `$(VAR)` becomes the variable's value when it is
/// defined and stays as written when not; `$$` becomes `$`.
pub fn expand(text: &str, vars: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('(')
            && let Some(end) = body.find(')')
        {
            let name = &body[..end];
            match vars.iter().rev().find(|(k, _)| k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&rest[i..i + 2 + end + 1]),
            }
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn expansion_follows_the_kubelet() {
    let vars = vec![("A".to_owned(), "x y".to_owned())];
    assert_eq!(expand("$(A)-$(B)-$$(A)-$-$", &vars), "x y-$(B)-$(A)-$-$");
}
