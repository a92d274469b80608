//! A pod's files: a folder per volume (filled as the kubelet fills it), the `/etc` entries
//! the image provides instead of the machine's, and the image's edits of package files.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use super::objects::list;
use super::pod::{POD_IP, Pod};
use super::sandbox::Mount;

impl Pod<'_> {
    /// The image's edits of package files, written beside the pod and bound over them.
    pub(super) fn write_edits(&mut self) {
        for (i, (path, key, line)) in self.image.edits.iter().enumerate() {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let edited: String = text
                .lines()
                .map(|l| {
                    let bare = l.trim_start_matches('#').trim_start();
                    let sets = bare
                        .strip_prefix(key)
                        .is_some_and(|r| r.trim_start().starts_with('='));
                    if sets { line.to_string() } else { l.to_owned() }
                })
                .map(|l| l + "\n")
                .collect();
            assert!(
                edited.lines().any(|l| l == *line),
                "{path} has no {key} to edit"
            );
            let host = self.root().join(format!("edit-{i}"));
            std::fs::write(&host, edited).expect("write");
            std::fs::set_permissions(&host, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            self.edits.push(Mount {
                host,
                target: path.to_string(),
                writable: false,
            });
        }
    }

    /// `/etc` entries the image (and the kubelet, for `hosts`) provides instead of the
    /// machine's: the image's user, its shipped files, and mount points under `/etc`.
    pub(super) fn write_etc(&mut self, hostname: &str) {
        let (user, uid, gid, home) = self.image.user;
        let write = |rel: &str, text: &str| {
            let p = self.etc.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        };
        write(
            "passwd",
            &format!(
                "root:x:0:0:root:/root:/bin/bash\n{user}:x:{uid}:{gid}::{home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            ),
        );
        write(
            "group",
            &format!("root:x:0:\n{user}:x:{gid}:\nnogroup:x:65534:\n"),
        );
        write(
            "hosts",
            &format!(
                "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{POD_IP}\t{hostname}\n"
            ),
        );
        write("nexus-image-entrypoint.sh", self.image.entrypoint);
        for (path, text) in self.image.files {
            write(
                path.strip_prefix("/etc/").expect("image files under /etc"),
                text,
            );
        }
        let mut all: Vec<&Value> = self.workload.init_containers();
        all.push(self.workload.main());
        for c in all {
            for m in list(&c["volumeMounts"]) {
                let target = m["mountPath"].as_str().expect("mountPath");
                if let Some(rel) = target.strip_prefix("/etc/") {
                    let p = self.etc.join(rel);
                    if m["subPath"].is_string() && !p.exists() {
                        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
                        std::fs::write(&p, "").expect("mount point");
                    } else {
                        std::fs::create_dir_all(&p).expect("mount point");
                    }
                }
            }
        }
    }

    /// A folder per volume: emptyDir and claim templates empty and owned by the pod's user
    /// and fsGroup; configMap and secret volumes filled with their keys.
    pub(super) fn make_volumes(&mut self) {
        let (uid, gid, fs_group) = self.workload.ids(self.workload.main());
        let group = fs_group.unwrap_or(gid);
        let mut names: Vec<String> = self.workload.claims();
        names.extend(
            list(&self.workload.pod()["volumes"])
                .iter()
                .map(|v| v["name"].as_str().expect("named").to_owned()),
        );
        for name in names {
            let dir = self.root().join("volumes").join(&name);
            std::fs::create_dir_all(&dir).expect("volume");
            match self.workload.volume(&name) {
                None => own(&dir, uid, group, 0o2775),
                Some(v) if v["emptyDir"].is_object() => own(&dir, uid, group, 0o2777),
                Some(v) if v["persistentVolumeClaim"].is_object() => own(&dir, uid, group, 0o2775),
                Some(v) if v["configMap"].is_object() => {
                    let cm = &v["configMap"];
                    let data = self.workload.config_map(cm["name"].as_str().expect("name"));
                    fill(&dir, &data, cm, group);
                }
                Some(v) if v["secret"].is_object() => {
                    let s = &v["secret"];
                    let secret = s["secretName"].as_str().expect("secretName");
                    fill(&dir, &self.secret_data(secret, s), s, group);
                }
                Some(v) if v["projected"].is_object() => {
                    // Each Secret source into the one folder, with the volume's mode unless
                    // an item names its own (as the kubelet projects them).
                    let p = &v["projected"];
                    for source in list(&p["sources"]) {
                        let s = &source["secret"];
                        let secret = s["name"].as_str().expect("projected Secret name");
                        let mut with_mode = s.clone();
                        with_mode["defaultMode"] = p["defaultMode"].clone();
                        fill(&dir, &self.secret_data(secret, s), &with_mode, group);
                    }
                }
                Some(v) => panic!("volume kind the harness does not know: {v}"),
            }
            self.volumes.insert(name, dir);
        }
    }

    /// The test's values for the keys of Secret `secret` a volume source asks for (and
    /// `value`, when the test gives one value for every key).
    fn secret_data(&self, secret: &str, source: &Value) -> BTreeMap<String, String> {
        let asked = list(&source["items"])
            .iter()
            .filter_map(|i| i["key"].as_str())
            .map(str::to_owned);
        let keys: Vec<String> = asked.chain(["value".into()]).collect();
        let mut data = BTreeMap::new();
        for ((n, k), v) in &self.secrets {
            if n != secret {
                continue;
            }
            if k.is_empty() {
                for key in &keys {
                    data.entry(key.clone()).or_insert_with(|| v.clone());
                }
            } else {
                data.insert(k.clone(), v.clone());
            }
        }
        assert!(
            !data.is_empty(),
            "the test gives no values for Secret {secret}"
        );
        data
    }

    /// A container's binds.
    pub(super) fn mounts(&self, container: &Value) -> Vec<Mount> {
        list(&container["volumeMounts"])
            .iter()
            .map(|m| {
                let name = m["name"].as_str().expect("name");
                let mut host = self.volumes[name].clone();
                if let Some(sub) = m["subPath"].as_str() {
                    host = host.join(sub);
                }
                let source_writable = match self.workload.volume(name) {
                    None => true,
                    Some(v) => v["emptyDir"].is_object() || v["persistentVolumeClaim"].is_object(),
                };
                Mount {
                    host,
                    target: m["mountPath"].as_str().expect("mountPath").to_owned(),
                    writable: source_writable && m["readOnly"] != Value::Bool(true),
                }
            })
            .collect()
    }
}

fn own(dir: &Path, uid: u32, gid: u32, mode: u32) {
    std::os::unix::fs::chown(dir, Some(uid), Some(gid)).expect("chown");
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Fills a configMap or secret volume: every key, or just `items` at their paths.
fn fill(dir: &Path, data: &BTreeMap<String, String>, source: &Value, group: u32) {
    let mode = source["defaultMode"].as_u64().map_or(0o644, |m| m as u32);
    let items = list(&source["items"]);
    let entries: Vec<(String, String, u32)> = if items.is_empty() {
        data.keys().map(|k| (k.clone(), k.clone(), mode)).collect()
    } else {
        items
            .iter()
            .map(|i| {
                let key = i["key"].as_str().expect("key").to_owned();
                let path = i["path"].as_str().expect("path").to_owned();
                (key, path, i["mode"].as_u64().map_or(mode, |m| m as u32))
            })
            .collect()
    };
    for (key, path, mode) in entries {
        let text = data
            .get(&key)
            .unwrap_or_else(|| panic!("the volume asks for key {key}, which has no value"));
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, text).expect("write");
        std::os::unix::fs::chown(&file, Some(0), Some(group)).expect("chown");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
