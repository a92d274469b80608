//! Hostile inputs beside those of `validate_diagnostics.rs` (the alias-bomb and deep-nesting
//! fixtures, a 100 MB comment, a NUL byte, a file that is not UTF-8): each is refused with a
//! diagnostic (exit 1 or 2, never a panic) and quickly, or, where it is valid, handled in
//! time proportional to its size.

use crate::support::cli as support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use nexus::spec::{Limits, Spec, codes};
use support::nexus;

/// A fresh temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "nexus-hostile-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Time limits here catch hangs and quadratic blow-ups, not regressions of a few percent:
/// the tests run unoptimized, in parallel, on a shared 2-core machine (one run took 24 s
/// there at a load average of 7). The figures of the
/// release build are in docs/performance.md.
const SLOW: Duration = Duration::from_secs(60);

/// Runs `nexus validate FILE`: refused with `code` in its output, exit 1, no panic, within
/// `limit`.
fn refused(path: &str, code: &str, limit: Duration) -> String {
    let run = nexus(&["validate", path]);
    assert_eq!(run.code, 1, "{path}: exit {}\n{}", run.code, run.stderr);
    assert!(
        run.stderr.contains(code),
        "{path}: expected {code} in\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.elapsed < limit, "{path}: took {:?}", run.elapsed);
    run.stderr
}

/// Loads bytes in process: they must be refused, every diagnostic with `code`.
fn load_refused(bytes: &[u8], code: &str) {
    match Spec::load("hostile.yaml", bytes, &Limits::default()) {
        Ok(_) => panic!("accepted: {:?}", String::from_utf8_lossy(bytes)),
        Err(d) => {
            assert!(
                d.iter().any(|d| d.code == code),
                "expected {code}, got {:?}",
                d.iter().map(|d| d.code).collect::<Vec<_>>()
            );
        }
    }
}

// --- Alias bombs -----------------------------------------------------------------------

/// Found while writing these tests: one long anchored string aliased a few thousand times
/// stays far under the node budget (4,000 values) yet expanded to 2 GB of copies, and took
/// 27 s. Aliases may now copy at most `Limits::max_bytes` of text.
#[test]
fn a_long_string_aliased_many_times_is_refused() {
    let dir = TempDir::new("strbomb");
    let text = format!(
        "a: &a \"{}\"\nb: [{}]\n",
        "x".repeat(1 << 20),
        vec!["*a"; 2000].join(", ")
    );
    let path = dir.write("bomb.yaml", text);
    let out = refused(&path, "nexus::yaml::alias_budget", SLOW);
    assert!(out.contains("bytes of text"), "{out}");
}

/// The same through nested collections: a mapping of long strings, aliased in a list that
/// is itself aliased.
#[test]
fn nested_aliases_of_long_strings_are_refused() {
    let long = "y".repeat(64 * 1024);
    let text = format!(
        "a: &a {{k1: \"{long}\", k2: \"{long}\"}}\nb: &b [{}]\nc: [{}]\n",
        vec!["*a"; 64].join(","),
        vec!["*b"; 64].join(",")
    );
    load_refused(text.as_bytes(), codes::ALIAS_BUDGET);
}

/// Aliases used as mapping keys count too, and an alias key that collides is a duplicate.
#[test]
fn alias_keys_are_checked() {
    load_refused(
        b"a: &k name\nm:\n  *k : 1\n  name: 2\n",
        codes::DUPLICATE_KEY,
    );
}

// --- Nesting ---------------------------------------------------------------------------

/// 10,000 levels in every syntax the parser has: flow sequences are the fixture; here flow
/// mappings, block sequences on one line, block mappings and a mix.
#[test]
fn ten_thousand_levels_deep_are_refused_in_every_syntax() {
    let depth = 10_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "flow-maps",
            format!("a: {}1{}\n", "{a: ".repeat(depth), "}".repeat(depth)),
        ),
        ("block-seqs", format!("a:\n{}x\n", "- ".repeat(depth))),
        (
            "mixed",
            format!(
                "a: {}1{}\n",
                "[{a: ".repeat(depth / 2),
                "}]".repeat(depth / 2)
            ),
        ),
        (
            "block-maps",
            (0..depth).fold(String::new(), |mut s, i| {
                s.push_str(&" ".repeat(i));
                s.push_str("a:\n");
                s
            }),
        ),
    ];
    for (name, text) in cases {
        let start = Instant::now();
        let result = Spec::load(name, text.as_bytes(), &Limits::default());
        let codes: Vec<&str> = result
            .as_ref()
            .err()
            .map(|d| d.iter().map(|d| d.code).collect())
            .unwrap_or_default();
        // Block mappings 10,000 deep are 50 MB of indentation: refused by size first.
        assert!(
            codes.contains(&codes::TOO_DEEP) || codes.contains(&codes::TOO_LARGE),
            "{name}: {codes:?}"
        );
        assert!(start.elapsed() < SLOW, "{name}");
    }
}

/// Unclosed brackets, 1,000,000 of them: refused at the limit, not after reading them all
/// into a stack.
#[test]
fn a_million_unclosed_brackets_are_refused_fast() {
    let text = format!("a: {}", "[".repeat(1_000_000));
    let start = Instant::now();
    load_refused(text.as_bytes(), codes::TOO_DEEP);
    assert!(start.elapsed() < SLOW);
}

// --- Size ------------------------------------------------------------------------------

/// Under the size limit but with more tiny values than the value budget: refused when the
/// budget is reached, before the rest is built. (At the default limits this is a 15 MiB
/// file of `0,`; a tenth of both keeps the unoptimized test quick.)
#[test]
fn millions_of_tiny_values_are_refused_by_the_value_budget() {
    let limits = Limits {
        max_nodes: Limits::DEFAULT.max_nodes / 10,
        max_bytes: Limits::DEFAULT.max_bytes / 10,
        ..Limits::DEFAULT
    };
    let mut text = String::with_capacity(limits.max_bytes);
    text.push_str("a: [");
    while text.len() < limits.max_bytes - 16 {
        text.push_str("0,");
    }
    text.push_str("0]\n");
    let start = Instant::now();
    let d = Spec::load("tiny.yaml", text.as_bytes(), &limits).unwrap_err();
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        [codes::TOO_LARGE]
    );
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
}

/// A 100 MB file of one line without a newline (not a comment): refused by size, and read
/// no further than the limit.
#[test]
fn a_hundred_megabyte_line_is_refused_by_size() {
    let dir = TempDir::new("huge-line");
    let path = dir.0.join("line.yaml");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(b"a: ").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            f.write_all(&chunk).unwrap();
        }
    }
    refused(path.to_str().unwrap(), "nexus::yaml::too_large", SLOW);
}

/// Thousands of problems in one file are all reported, in time linear in their number
/// (printing each used to scan the file from its start: 20,000 problems took 50 s).
#[test]
fn thousands_of_problems_print_in_linear_time() {
    let dir = TempDir::new("many-problems");
    let mut text = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: {name: x, version: 1.0.0}\nspec:\n  services:\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!(
            "    s{i}: {{image: registry.example.com/a/b:1.0.0, bogus{i}: 1}}\n"
        ));
    }
    text.push_str("  environments: {staging: {}}\n");
    let path = dir.write("many.yaml", text);
    let out = refused(&path, "nexus::spec::unknown_key", SLOW);
    assert_eq!(out.matches("nexus::spec::unknown_key").count(), 10_000);
    assert!(
        out.contains("many.yaml:10004:"),
        "the last problem is shown at its line"
    );
}

/// Validation resolves the platform once per environment: 2,000 one-line environments over
/// 300 services took seconds (and a 16 MiB file could ask for hours). More than
/// `MAX_ENVIRONMENTS` is refused before any is resolved.
#[test]
fn thousands_of_environments_are_refused_before_resolving() {
    let dir = TempDir::new("many-environments");
    let mut text = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: {name: x, version: 1.0.0}\nspec:\n  services:\n",
    );
    for i in 0..300 {
        text.push_str(&format!(
            "    s{i}: {{image: registry.example.com/a/b:1.0.0, ports: [{{name: http, port: 8080}}]}}\n"
        ));
    }
    text.push_str("  environments:\n");
    for i in 0..2_000 {
        text.push_str(&format!("    e{i:04}: {{}}\n"));
    }
    let path = dir.write("envs.yaml", text);
    let out = refused(&path, codes::TOO_MANY_ENVIRONMENTS, SLOW);
    // The first environment over the limit, in sorted order, is the one pointed at.
    let line = 307 + nexus::spec::resolve::MAX_ENVIRONMENTS;
    assert!(out.contains(&format!("envs.yaml:{line}:5")), "{out}");
    assert_eq!(
        out.matches(codes::TOO_MANY_ENVIRONMENTS).count(),
        1,
        "{out}"
    );

    // At the limit, the spec validates.
    let at_limit: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .take(306 + nexus::spec::resolve::MAX_ENVIRONMENTS)
        .map(|l| format!("{l}\n"))
        .collect();
    let ok = dir.write("at-limit.yaml", at_limit);
    let run = nexus(&["validate", &ok]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// --- Bytes that are not text -----------------------------------------------------------

#[test]
fn invalid_utf8_anywhere_is_refused() {
    let valid =
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: {name: x, version: 1.0.0}\n";
    let cases: [&[u8]; 6] = [
        b"\xC0\xAF",         // overlong `/`
        b"\xED\xA0\x80",     // a UTF-16 surrogate
        b"\xF4\x90\x80\x80", // beyond U+10FFFF
        b"\xE2\x82",         // truncated at the end of the file
        b"\xFF\xFE",         // a stray UTF-16 byte-order mark
        b"\x80",             // a lone continuation byte
    ];
    for bad in cases {
        for at in [0, 20, valid.len()] {
            let mut bytes = valid.as_bytes()[..at].to_vec();
            bytes.extend_from_slice(bad);
            bytes.extend_from_slice(&valid.as_bytes()[at..]);
            load_refused(&bytes, codes::NOT_UTF8);
        }
    }
}

#[test]
fn utf16_files_are_refused() {
    let text = "apiVersion: nexus.dev/v1alpha1\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    for bytes in [le, be] {
        let d = Spec::load("utf16.yaml", &bytes, &Limits::default()).unwrap_err();
        assert!(d.has_errors());
    }
}

#[test]
fn nul_and_control_bytes_in_keys_and_quoted_values_are_refused() {
    let cases: [&[u8]; 4] = [
        b"apiVersion: \"nexus\0.dev\"\n",
        b"api\0Version: x\n",
        b"a: 'x\x01y'\n",
        b"a: \"\x1b[31mred\"\n",
    ];
    for bytes in cases {
        let d = Spec::load("ctl.yaml", bytes, &Limits::default()).unwrap_err();
        assert!(
            d.iter().all(|d| d.code.starts_with("nexus::yaml::")),
            "{:?}",
            d.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
}

// --- Names that try to leave the output folder -----------------------------------------

/// Every name that becomes part of a path or an object name is a DNS-1123 label: `..`,
/// `/`, `\`, a leading dot and the empty name are refused wherever a name is written.
#[test]
fn names_that_try_to_climb_out_are_refused_everywhere() {
    let hostile = [
        "../../etc",
        "..",
        ".",
        "a/b",
        "a\\\\b",
        ".hidden",
        "",
        "/abs",
    ];
    for bad in hostile {
        let q = format!("\"{bad}\"");
        let specs = [
            // environment (an output folder)
            format!("{HEAD}  services: {{ web: {WEB} }}\n  environments: {{ {q}: {{}} }}\n"),
            // service (a file name)
            format!("{HEAD}  services: {{ {q}: {WEB} }}\n  environments: {{ staging: {{}} }}\n"),
            // namespace
            format!(
                "{HEAD}  services: {{ web: {WEB} }}\n  environments: {{ staging: {{ namespace: {q} }} }}\n"
            ),
            // platform name (a folder when several specs render together)
            format!(
                "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: {{ name: {q}, version: 1.0.0 }}\nspec:\n  services: {{ web: {WEB} }}\n  environments: {{ staging: {{}} }}\n"
            ),
            // secret
            format!(
                "{HEAD}  secrets: {{ {q}: {{}} }}\n  services: {{ web: {WEB} }}\n  environments: {{ staging: {{}} }}\n"
            ),
        ];
        for text in specs {
            let problems = match Spec::from_str("names.yaml", &text) {
                Ok(spec) => spec.validate(),
                Err(d) => d,
            };
            assert!(problems.has_errors(), "accepted {bad:?} in\n{text}");
        }
    }
}

const HEAD: &str = "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: demo, version: 1.0.0 }\nspec:\n";
const WEB: &str =
    "{ image: registry.example.com/demo/web:1.0.0, ports: [{ name: http, port: 8080 }] }";

// --- Large but valid -------------------------------------------------------------------

/// A long dependency chain (each service depends on the one before) is checked without
/// recursion, in time linear in its length.
#[test]
fn a_ten_thousand_service_dependency_chain_is_fine() {
    let mut text = String::from(HEAD);
    text.push_str("  services:\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "    s{i}: {{ image: registry.example.com/demo/s:1.0.0, ports: [{{ name: http, port: 8080 }}]{} }}\n",
            if i > 0 { format!(", dependsOn: [s{}]", i - 1) } else { String::new() }
        ));
    }
    text.push_str("  environments: { staging: {} }\n");
    let start = Instant::now();
    let spec = Spec::from_str("chain.yaml", &text).unwrap();
    assert!(spec.validate().is_empty());
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
}

/// A 10,000-long cycle is found and reported once, without recursion.
#[test]
fn a_ten_thousand_service_cycle_is_reported() {
    let mut text = String::from(HEAD);
    text.push_str("  services:\n");
    let n = 10_000;
    for i in 0..n {
        text.push_str(&format!(
            "    s{i}: {{ image: registry.example.com/demo/s:1.0.0, dependsOn: [s{}] }}\n",
            (i + 1) % n
        ));
    }
    text.push_str("  environments: { staging: {} }\n");
    let spec = Spec::from_str("cycle.yaml", &text).unwrap();
    let d = spec.validate();
    assert_eq!(
        d.iter()
            .filter(|d| d.code == codes::DEPENDENCY_CYCLE)
            .count(),
        1
    );
}

/// A value made of twenty thousand placeholders is resolved (or refused) in linear time.
#[test]
fn twenty_thousand_placeholders_in_one_value() {
    let value = "${web.host}:${web.port}/".repeat(10_000);
    let text = format!(
        "{HEAD}  services:\n    web: {WEB}\n    api: {{ image: registry.example.com/demo/api:1.0.0, dependsOn: [web], env: {{ URLS: \"{value}\" }} }}\n  environments: {{ staging: {{}} }}\n"
    );
    let start = Instant::now();
    let spec = Spec::from_str("many-placeholders.yaml", &text).unwrap();
    assert!(spec.validate().is_empty());
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    // The same value naming a workload that does not exist: whatever the number of
    // problems, they come back in time.
    let text = text.replace("${web.", "${nope.");
    let start = Instant::now();
    let spec = Spec::from_str("many-placeholders.yaml", &text).unwrap();
    assert!(spec.validate().has_errors());
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
}

/// Found by `tests/integration/properties.rs`: a header value holding `$` (`$$`, `${...}`, `$x`)
/// passed `nexus validate`, then `nexus render` failed on it (the Nginx generator refuses to
/// write a `$`, which Nginx reads as a variable). Validation refuses it now.
#[test]
fn a_dollar_in_a_header_value_is_refused_by_validation() {
    for value in ["default-src $x", "$$", "a${secrets.x}b", "${web.host}"] {
        for headers in [
            format!("{{ contentSecurityPolicy: {value:?} }}"),
            format!("{{ extra: {{ X-Custom: {value:?} }} }}"),
        ] {
            let text = format!(
                "{HEAD}  services: {{ web: {WEB} }}\n  gateway:\n    hosts: [demo.example.com]\n    headers: {headers}\n    routes: [{{ path: /, service: web }}]\n  environments: {{ staging: {{}} }}\n"
            );
            let spec = Spec::from_str("dollar.yaml", &text).unwrap();
            let d = spec.validate();
            assert!(
                d.iter().any(|d| d.code == codes::UNSAFE_VALUE),
                "{value}: {:?}",
                d.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
        }
    }
}

// --- Symbolic links in the output folder -------------------------------------------------
// (Folders and files replaced by links are in nexus-render/tests/integration/output_write.rs and
// tests/integration/render_cli.rs; these are the ownership manifest and a link loop.)

/// The ownership manifest replaced by a link to a file elsewhere: `nexus render` and
/// `--check` refuse (exit 2), write nothing and leave the link's target alone.
#[test]
fn a_linked_manifest_is_refused_and_its_target_untouched() {
    let dir = TempDir::new("manifest-link");
    let out = dir.0.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let victim = dir.write("victim.txt", "not nexus's\n");
    std::os::unix::fs::symlink(&victim, out.join(".nexus-manifest.json")).unwrap();
    let out_s = out.to_str().unwrap();
    for args in [
        vec!["render", "specs", "--out", out_s],
        vec!["render", "specs", "--out", out_s, "--check"],
    ] {
        let run = nexus(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not nexus's\n");
    let entries: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(entries.len(), 1, "nothing was written beside the link");
}

/// A link loop inside the output folder is foreign: rendering succeeds around it, never
/// follows it, and leaves it in place.
#[test]
fn a_link_loop_in_the_output_folder_is_left_alone() {
    let dir = TempDir::new("link-loop");
    let out = dir.0.join("out");
    std::fs::create_dir_all(out.join("staging")).unwrap();
    let looped = out.join("staging/loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let run = nexus(&["render", "specs", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`staging/loop` was not written by nexus"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::symlink_metadata(&looped)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let check = nexus(&["render", "specs", "--out", out.to_str().unwrap(), "--check"]);
    assert_eq!(
        check.code, 0,
        "a foreign link is not drift: {}",
        check.stderr
    );
}

/// Runs `nexus validate` on services named `s0`…`s{n-1}`, each depending on the targets
/// `deps(i)` gives, and returns its output (refused with a cycle).
fn validate_graph(tag: &str, n: usize, deps: impl Fn(usize) -> Vec<usize>) -> String {
    let mut text = String::from(HEAD);
    text.push_str("  services:\n");
    for i in 0..n {
        let list: Vec<String> = deps(i).iter().map(|d| format!("s{d}")).collect();
        text.push_str(&format!(
            "    s{i}: {{ image: registry.example.com/demo/s:1.0.0, dependsOn: [{}] }}\n",
            list.join(", ")
        ));
    }
    text.push_str("  environments: { staging: {} }\n");
    let dir = TempDir::new(tag);
    let path = dir.write("spec.yaml", text);
    refused(&path, codes::DEPENDENCY_CYCLE, SLOW)
}

/// A ring of 100 services printed 8,444 lines; its cycle now fits on a screen, written as a
/// path with a label on a few of its edges only.
#[test]
fn a_hundred_service_ring_prints_under_a_hundred_lines() {
    let out = validate_graph("ring", 100, |i| vec![(i + 1) % 100]);
    let lines = out.lines().count();
    assert!(lines < 100, "{lines} lines:\n{out}");
    assert!(out.contains("s0 → s1 → s2"), "{out}");
    assert!(out.contains("… 92 more → s0"), "{out}");
    assert_eq!(out.matches("dependency cycle:").count(), 1, "{out}");
}

/// Overlapping cycles (each service depends on the next two) are one group: one diagnostic
/// naming the shortest cycle through it.
#[test]
fn overlapping_cycles_are_one_diagnostic() {
    let out = validate_graph("overlap", 100, |i| vec![(i + 1) % 100, (i + 2) % 100]);
    let lines = out.lines().count();
    assert!(lines < 100, "{lines} lines:\n{out}");
    assert_eq!(out.matches("dependency cycle:").count(), 1, "{out}");
    assert!(out.contains("100 workloads wait on each other"), "{out}");
}

/// Fifty separate pairs that wait for each other: a few are drawn, the rest counted.
#[test]
fn many_separate_cycles_are_counted_after_a_screenful() {
    let out = validate_graph("pairs", 100, |i| vec![i ^ 1]);
    let lines = out.lines().count();
    assert!(lines < 100, "{lines} lines:\n{out}");
    assert_eq!(out.matches("dependency cycle:").count(), 5, "{out}");
    assert!(
        out.contains("45 more dependency cycles, among 90 workloads"),
        "{out}"
    );
}
