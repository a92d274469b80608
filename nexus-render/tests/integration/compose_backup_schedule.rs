//! The Compose backup scheduler, by behaviour: the rendered `schedule.sh` of each engine
//! runs with a faked clock (a `date` on `PATH` that prints a table of times through the
//! real `date -d @SECONDS`, and a `sleep` that returns at once) and a `dump.sh` beside it
//! that records each run; exactly the table's scheduled minutes run a dump, of the right
//! kind, for every schedule form the spec allows (lists, ranges, steps, day of week with
//! 0 and 7 for Sunday, day of month, months, both day fields restricted, macros). The
//! expected minutes come from a cron reader written here, not from nexus.
//!
//! Also: a run due while the previous dump waits for its upload is skipped, and
//! `upload-loop.sh` hands a finished dump to `upload.sh` with the prefix and retention of
//! its kind and then empties the folder.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// (workload, full, incremental)
const SCHEDULES: &[(&str, &str, Option<&str>)] = &[
    ("lists", "0 2,14 * * *", Some("0,30 * * * *")),
    ("ranges", "10-12 8-9 * * *", Some("45 0-3 * * *")),
    ("steps", "*/15 */6 * * *", Some("5-50/20 * * * *")),
    ("weekdays", "0 3 * * 1-5", Some("30 4 * * 0")),
    ("sundays", "59 23 * * 7", Some("0 12 * * 6,7")),
    ("monthdays", "0 0 1,15 * *", Some("0 9 13 * 5")),
    ("months", "0 12 * 2,8 *", Some("11 9 1-7 * 1")),
    ("macros", "@daily", Some("@hourly")),
    ("weekly", "@weekly", None),
];

fn spec() -> String {
    let mut s = String::from(
        "apiVersion: nexus.dev/v1alpha1\nkind: Platform\nmetadata: { name: sched, version: 1.0.0 }\nspec:\n  secrets:\n    store-password: { description: S3 secret key. }\n    cache-password: { description: Redis password. }\n  backingServices:\n    store:\n      engine: minio\n      version: RELEASE.2024-06-13T22-53-53Z\n      credentials: { user: backup, passwordSecret: store-password }\n      database: backups\n      storage: { size: 5Gi }\n      resources:\n        requests: { cpu: 250m, memory: 512Mi }\n        limits: { cpu: 500m, memory: 512Mi }\n",
    );
    for (name, full, inc) in SCHEDULES {
        s.push_str(&format!(
            "    {name}:\n      engine: redis\n      version: \"7\"\n      credentials: {{ passwordSecret: cache-password }}\n      storage: {{ size: 1Gi }}\n      resources:\n        requests: {{ cpu: 100m, memory: 256Mi }}\n        limits: {{ cpu: 500m, memory: 256Mi }}\n      backup:\n        full: \"{full}\"\n"
        ));
        if let Some(i) = inc {
            s.push_str(&format!("        incremental: \"{i}\"\n"));
        }
        s.push_str("        destination: store\n");
    }
    s.push_str("  environments:\n    test: {}\n");
    s
}

fn compose_files() -> BTreeMap<String, String> {
    let spec = nexus_spec::Spec::from_str("sched.yaml", &spec())
        .unwrap_or_else(|d| panic!("the spec does not load: {d:?}"));
    let platform = spec
        .resolve("test")
        .unwrap_or_else(|d| panic!("does not resolve: {d:?}"));
    let plan = nexus_render::compose::render(&platform).expect("renders");
    plan.files()
        .map(|(p, b)| (p.to_owned(), String::from_utf8(b.to_vec()).expect("UTF-8")))
        .collect()
}

// ---- an independent cron reader: (minute, hour, day, month, weekday) sets ----

struct Schedule {
    fields: [Vec<bool>; 5],
    day_either: bool,
}

fn field(text: &str, lo: u32, hi: u32) -> Vec<bool> {
    let mut set = vec![false; 64];
    for part in text.split(',') {
        let (range, step) = part
            .split_once('/')
            .map_or((part, 1), |(r, s)| (r, s.parse().unwrap()));
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (a.parse().unwrap(), b.parse().unwrap())
        } else {
            let a: u32 = range.parse().unwrap();
            (a, if part.contains('/') { hi } else { a })
        };
        for v in (a..=b).step_by(step) {
            set[v as usize] = true;
        }
    }
    set
}

fn schedule(text: &str) -> Schedule {
    let text = match text {
        "@hourly" => "0 * * * *",
        "@daily" => "0 0 * * *",
        "@weekly" => "0 0 * * 0",
        t => t,
    };
    let f: Vec<&str> = text.split(' ').collect();
    let mut dow = field(f[4], 0, 7);
    if dow[7] {
        dow[0] = true;
    }
    Schedule {
        fields: [
            field(f[0], 0, 59),
            field(f[1], 0, 23),
            field(f[2], 1, 31),
            field(f[3], 1, 12),
            dow,
        ],
        day_either: f[2] != "*" && f[4] != "*",
    }
}

/// (minute, hour, day, month, weekday) of a Unix time, in UTC.
fn civil(t: i64) -> [u32; 5] {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let weekday = (days + 4).rem_euclid(7); // 1970-01-01 was a Thursday
    [
        (secs / 60 % 60) as u32,
        (secs / 3600) as u32,
        d as u32,
        m as u32,
        weekday as u32,
    ]
}

impl Schedule {
    fn due(&self, t: i64) -> bool {
        let [mi, h, d, mo, w] = civil(t);
        let f = &self.fields;
        let dom = f[2][d as usize];
        let dow = f[4][w as usize];
        let day = if self.day_either {
            dom || dow
        } else {
            dom && dow
        };
        f[0][mi as usize] && f[1][h as usize] && f[3][mo as usize] && day
    }
}

/// The table: eleven days (a whole week, the 1st, 13th and 15th of months, February and
/// August), seven hours each, seven minutes of each, at varied seconds.
fn times() -> Vec<i64> {
    const JAN_1_2026: i64 = 1_767_225_600; // a Thursday
    let days = [0, 1, 2, 3, 4, 5, 6, 12, 14, 31, 212];
    let hours = [0, 2, 3, 4, 9, 12, 23];
    let minutes = [0, 5, 11, 25, 30, 45, 59];
    let mut out = Vec::new();
    for d in days {
        for h in hours {
            for (i, m) in minutes.iter().enumerate() {
                out.push(JAN_1_2026 + d * 86_400 + h * 3600 + m * 60 + (i as i64 * 7) % 60);
            }
        }
    }
    out
}

/// A folder with `schedule.sh`, a recording `dump.sh`, and `date`/`sleep` shims.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new(schedule_sh: &str, dump_sh: &str, times: &[i64]) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path();
        for sub in ["scripts", "bin", "spool", "fake"] {
            std::fs::create_dir(p.join(sub)).expect("mkdir");
        }
        std::fs::write(p.join("scripts/schedule.sh"), schedule_sh).expect("write");
        std::fs::write(p.join("scripts/dump.sh"), dump_sh).expect("write");
        // One file per time, so the shim reads its time with shell builtins only.
        std::fs::create_dir(p.join("fake/t")).expect("mkdir");
        for (i, t) in times.iter().enumerate() {
            std::fs::write(p.join(format!("fake/t/{}", i + 1)), format!("{t}\n")).expect("write");
        }
        std::fs::write(p.join("fake/n"), "0\n").expect("write");
        let date = format!(
            "#!/bin/sh\nf={}\nread n < \"$f/n\"\nn=$((n + 1))\necho \"$n\" > \"$f/n\"\nif [ ! -f \"$f/t/$n\" ]; then echo exhausted > \"$f/end\"; exit 1; fi\nread t < \"$f/t/$n\"\necho \"$t\" > \"$f/now\"\nexec /usr/bin/date -d \"@$t\" \"$@\"\n",
            p.join("fake").display()
        );
        let path = p.join("bin/date");
        std::fs::write(&path, date).expect("write");
        Command::new("chmod")
            .arg("+x")
            .arg(&path)
            .status()
            .expect("chmod");
        // `sleep` returns at once.
        std::os::unix::fs::symlink("/bin/true", p.join("bin/sleep")).expect("symlink");
        Sandbox { dir }
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `script` (under `scripts/`) with the shims first on `PATH`.
    fn run(&self, script: &str, env: &[(&str, &str)]) -> std::process::Output {
        let p = self.dir.path();
        let mut cmd = Command::new("/bin/sh");
        cmd.arg(p.join("scripts").join(script))
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", p.join("bin").display()))
            .env("BACKUP_DIR", p.join("spool"))
            .env("FAKE", p.join("fake"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("sh runs")
    }
}

const RECORDING_DUMP: &str = "#!/bin/sh\nset -eu\necho \"$(cat \"$BACKUP_DIR/.kind\") $(cat \"$FAKE/now\")\" >> \"$FAKE/runs\"\n";

fn runs(sb: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(sb.path("fake/runs"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn exactly_the_scheduled_minutes_run_a_dump() {
    if !Path::new("/usr/bin/date").is_file() {
        panic!("/usr/bin/date is part of the base system");
    }
    let files = compose_files();
    let table = times();
    // Two at a time: each run is a few hundred short processes.
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = SCHEDULES
            .chunks(SCHEDULES.len().div_ceil(2))
            .map(|chunk| {
                let (files, table) = (&files, &table);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|s| check(files, table, s))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a schedule's check panicked"))
            .collect()
    });
    let total: usize = counts.iter().sum();
    eprintln!(
        "{} schedules x {} times: {total} scheduled runs, all and only them ran",
        SCHEDULES.len(),
        table.len()
    );
}

/// Runs one engine's `schedule.sh` over the table; the number of runs expected.
fn check(
    files: &BTreeMap<String, String>,
    table: &[i64],
    (name, full, inc): &(&str, &str, Option<&str>),
) -> usize {
    {
        let script = files
            .get(&format!("{name}/scripts/schedule.sh"))
            .unwrap_or_else(|| panic!("no schedule.sh for {name}"));
        let sb = Sandbox::new(script, RECORDING_DUMP, table);
        let out = sb.run("schedule.sh", &[]);
        assert!(
            sb.path("fake/end").exists(),
            "{name}: the loop stopped before the table ended ({:?}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let (f, i) = (schedule(full), inc.map(schedule));
        let expected: Vec<String> = table
            .iter()
            .filter_map(|&t| {
                if f.due(t) {
                    Some(format!("full {t}"))
                } else if i.as_ref().is_some_and(|i| i.due(t)) {
                    Some(format!("incremental {t}"))
                } else {
                    None
                }
            })
            .collect();
        assert!(
            expected.iter().any(|e| e.starts_with("full")),
            "{name}: the table has no full run; extend it"
        );
        assert!(
            inc.is_none() || expected.iter().any(|e| e.starts_with("incremental")),
            "{name}: the table has no incremental run; extend it"
        );
        assert_eq!(runs(&sb), expected, "{name}: {full} / {inc:?}");
        assert!(
            !sb.path("spool/.kind").exists(),
            "{name}: a dump that wrote nothing leaves no marker"
        );
        expected.len()
    }
}

#[test]
fn a_run_due_before_the_upload_is_skipped_and_a_failed_dump_is_cleaned() {
    let files = compose_files();
    let script = &files["steps/scripts/schedule.sh"];
    // Every fifteen minutes at hour 0: 00:00 runs, 00:15 finds the dump not uploaded.
    let t0 = 1_767_225_600;
    let table = [t0, t0 + 15 * 60, t0 + 30 * 60];
    let keeps = "#!/bin/sh\nset -eu\necho \"$(cat \"$BACKUP_DIR/.kind\") $(cat \"$FAKE/now\")\" >> \"$FAKE/runs\"\necho data > \"$BACKUP_DIR/dump-1.rdb\"\n";
    let sb = Sandbox::new(script, keeps, &table);
    let out = sb.run("schedule.sh", &[]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(runs(&sb), vec![format!("full {t0}")]);
    assert_eq!(log.matches("is skipped").count(), 2, "{log}");
    assert_eq!(
        std::fs::read_to_string(sb.path("spool/.kind")).unwrap(),
        "full\n"
    );

    let fails = "#!/bin/sh\necho partial > \"$BACKUP_DIR/.dump.rdb\"\nexit 3\n";
    let sb = Sandbox::new(script, fails, &table);
    let out = sb.run("schedule.sh", &[]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(log.matches("failed").count(), 3, "{log}");
    let left: Vec<_> = std::fs::read_dir(sb.path("spool")).unwrap().collect();
    assert!(left.is_empty(), "a failed dump leaves nothing: {left:?}");
}

#[test]
fn the_uploader_hands_each_kind_to_upload_sh() {
    let files = compose_files();
    let loop_sh = &files["lists/scripts/upload-loop.sh"];
    let sb = Sandbox::new("", "", &[]);
    std::fs::write(sb.path("scripts/upload-loop.sh"), loop_sh).unwrap();
    std::fs::write(
        sb.path("scripts/upload.sh"),
        "#!/bin/sh\nset -eu\necho \"$BACKUP_PREFIX keep=$BACKUP_KEEP wal=$BACKUP_WAL $(ls \"$BACKUP_DIR\")\" >> \"$FAKE/uploads\"\n",
    )
    .unwrap();
    // sleep ends the loop at its third round.
    std::fs::remove_file(sb.path("bin/sleep")).unwrap();
    std::fs::write(
        sb.path("bin/sleep"),
        "#!/bin/sh\nn=$(( $(cat \"$FAKE/n\") + 1 )); echo $n > \"$FAKE/n\"; [ $n -lt 3 ]\n",
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(sb.path("bin/sleep"))
        .status()
        .expect("chmod");
    std::fs::write(sb.path("spool/.kind"), "full\n").unwrap();
    std::fs::write(sb.path("spool/dump-20260101T020000Z.rdb"), "x").unwrap();
    std::fs::write(sb.path("spool/.dump.rdb"), "in progress").unwrap();
    let env = [
        ("BACKUP_PREFIX", "ns/lists"),
        ("BACKUP_KEEP_FULL", "14"),
        ("BACKUP_KEEP_INCREMENTAL", "96"),
        ("BACKUP_WAL_FULL", "ns/lists/wal"),
        ("UPLOAD_SECONDS", "30"),
    ];
    sb.run("upload-loop.sh", &env);
    let uploads = std::fs::read_to_string(sb.path("fake/uploads")).unwrap_or_default();
    assert_eq!(
        uploads,
        "ns/lists/full keep=14 wal=ns/lists/wal dump-20260101T020000Z.rdb\n"
    );
    assert!(!sb.path("spool/.kind").exists());
    assert!(!sb.path("spool/dump-20260101T020000Z.rdb").exists());

    // An incremental dump: its own prefix and retention, never the WAL pruning.
    std::fs::write(sb.path("fake/n"), "0\n").unwrap();
    std::fs::write(sb.path("spool/.kind"), "incremental\n").unwrap();
    std::fs::write(sb.path("spool/dump-20260101T023000Z.rdb"), "x").unwrap();
    sb.run("upload-loop.sh", &env);
    let uploads = std::fs::read_to_string(sb.path("fake/uploads")).unwrap();
    assert!(
        uploads.ends_with("ns/lists/incremental keep=96 wal= dump-20260101T023000Z.rdb\n"),
        "{uploads}"
    );
}
