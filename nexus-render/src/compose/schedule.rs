//! The backup scheduler of Compose, which has none of its own: `schedule.sh`, a POSIX-sh
//! loop in the engine's image that wakes once a minute and runs the same `dump.sh` as the
//! Kubernetes CronJobs when a declared schedule matches the minute (`date -u`), and
//! `upload-loop.sh`, its partner in the rclone image, which hands each finished dump to the
//! same `upload.sh`. See `docs/decisions/0021-compose-backups.md`.
//!
//! nexus expands each cron field into a shell `case` pattern (`0,30 * * * *` becomes
//! `case $1 in 00|30)`), from the parsed schedule, so the shell parses no cron and no spec
//! text reaches the script: only numbers nexus printed. The day fields combine as cron
//! combines them ([`Cron::day_either`]).
//!
//! The two loops hand over through the folder `$BACKUP_DIR` on the engine's volume: the
//! scheduler writes the kind (`full` or `incremental`) to `.kind` before the dump, the dump
//! appears under a name without a leading dot when complete, and the uploader removes both
//! once uploaded. While `.kind` exists a due run is skipped, as a CronJob with
//! `concurrencyPolicy: Forbid` skips it; when both schedules are due at one minute the full
//! backup runs.

use std::fmt::Write;

use nexus_spec::values::Cron;

/// How often the uploader looks for a finished dump, in seconds.
pub(super) const UPLOAD_SECONDS: u32 = 30;

/// `upload-loop.sh`: in the rclone image, uploads each finished dump with the prefix and
/// retention of its kind (`upload.sh` beside it does the work).
pub(super) const UPLOAD_LOOP: &str = r#"#!/bin/sh
# Every $UPLOAD_SECONDS: when a finished dump waits in $BACKUP_DIR (a name without a
# leading dot) with its kind in $BACKUP_DIR/.kind, runs upload.sh (beside this script) with
# the prefix and retention of that kind (none when the buckets' lifecycle rules keep
# backups: $BACKUP_KEEP_* unset), then empties the folder for the next run. A failed
# upload is retried at the next round; the scheduler skips its runs until then.
set -eu
here=$(dirname "$0")
base=$BACKUP_PREFIX
while :; do
  if [ -f "$BACKUP_DIR/.kind" ] && [ -n "$(ls "$BACKUP_DIR")" ]; then
    kind=$(cat "$BACKUP_DIR/.kind")
    case $kind in
      full) keep=${BACKUP_KEEP_FULL:-} wal=${BACKUP_WAL_FULL:-} ;;
      *) kind=incremental keep=${BACKUP_KEEP_INCREMENTAL:-} wal= ;;
    esac
    if BACKUP_PREFIX="$base/$kind" BACKUP_KEEP=$keep BACKUP_WAL=$wal sh "$here/upload.sh"; then
      rm -f "$BACKUP_DIR"/*
      rm -f "$BACKUP_DIR/.kind"
      echo "upload: the $kind backup is stored"
    else
      echo "upload: the $kind backup failed to upload; retrying" >&2
    fi
  fi
  sleep "$UPLOAD_SECONDS"
done
"#;

const LOOP: &str = r#"
# run KIND TIME: one backup, unless the previous one is not uploaded yet.
run() {
  if [ -e "$BACKUP_DIR/.kind" ]; then
    echo "backup: the $1 backup due at $2 is skipped: the previous one is not uploaded yet" >&2
    return 0
  fi
  echo "$1" > "$BACKUP_DIR/.kind"
  echo "backup: $1 backup at $2"
  if ! sh "$here/dump.sh"; then
    echo "backup: the $1 dump due at $2 failed" >&2
    rm -f "$BACKUP_DIR"/.[!.]*
    return 0
  fi
  # A dump that wrote nothing leaves nothing to upload.
  if [ -z "$(ls "$BACKUP_DIR")" ]; then
    rm -f "$BACKUP_DIR/.kind"
  fi
}

mkdir -p "$BACKUP_DIR"
last=
while :; do
  now=$(date -u '+%S %M %H %d %m %w %Y-%m-%dT%H:%MZ')
  set -- $now
  if [ "$7" != "$last" ]; then
    last=$7
    if due_full "$2" "$3" "$4" "$5" "$6"; then
      run full "$7"
    elif due_incremental "$2" "$3" "$4" "$5" "$6"; then
      run incremental "$7"
    fi
  fi
  # Wake at the start of the next minute (%S is 00-60; 08 is not octal once unpadded).
  sleep $((60 - ${1#0}))
done
"#;

/// A field's `case` pattern: its values zero-padded to `width` as `date` prints them,
/// joined with `|`; `None` when the field allows every value.
fn pattern(values: &[u32], count: usize, width: usize) -> Option<String> {
    (values.len() != count).then(|| {
        values
            .iter()
            .map(|v| format!("{v:0width$}"))
            .collect::<Vec<_>>()
            .join("|")
    })
}

/// The shell function `due_KIND MINUTE HOUR DAY MONTH WEEKDAY` of `cron`; `None` is a
/// schedule that never runs (no incremental schedule).
fn due(kind: &str, cron: Option<&Cron>) -> String {
    let mut out = format!("due_{kind}() {{\n");
    let Some(cron) = cron else {
        out.push_str("  return 1\n}\n");
        return out;
    };
    let [minute, hour, day, month, weekday] = cron.values();
    let fields = [
        ("$1", pattern(&minute, 60, 2)),
        ("$2", pattern(&hour, 24, 2)),
        ("$4", pattern(&month, 12, 2)),
    ];
    // An empty pattern list never matches: no value is allowed (cannot happen for a
    // parsed schedule, but the function then says no rather than yes).
    for (arg, p) in &fields {
        if let Some(p) = p {
            let p = if p.is_empty() { "never" } else { p };
            let _ = writeln!(out, "  case {arg} in {p}) ;; *) return 1 ;; esac");
        }
    }
    let day = pattern(&day, 31, 2);
    let weekday = pattern(&weekday, 7, 1);
    match (cron.day_either(), day, weekday) {
        (true, Some(d), Some(w)) => {
            let _ = writeln!(out, "  case $3 in {d}) return 0 ;; esac");
            let _ = writeln!(out, "  case $5 in {w}) return 0 ;; esac");
            out.push_str("  return 1\n");
        }
        (_, d, w) => {
            for (arg, p) in [("$3", d), ("$5", w)] {
                if let Some(p) = p {
                    let _ = writeln!(out, "  case {arg} in {p}) ;; *) return 1 ;; esac");
                }
            }
            out.push_str("  return 0\n");
        }
    }
    out.push_str("}\n");
    out
}

/// `schedule.sh` for the schedules of one engine.
pub(super) fn script(full: &Cron, incremental: Option<&Cron>) -> String {
    let mut out = String::from(
        "#!/bin/sh\n\
         # The backup schedules of this engine, in UTC, checked once a minute (Compose has no\n\
         # scheduler; Kubernetes runs the same dump.sh from CronJobs):\n",
    );
    let _ = writeln!(out, "#   full: {}", printable(full));
    if let Some(i) = incremental {
        let _ = writeln!(out, "#   incremental: {}", printable(i));
    }
    out.push_str(
        "# nexus wrote each field as a `case` pattern; the shell parses no cron. At a due minute\n\
         # dump.sh (beside this script) writes the dump into $BACKUP_DIR, the kind in .kind, for\n\
         # the uploader. A run due while the previous one is not uploaded yet is skipped; when\n\
         # both schedules are due, the full backup runs.\n\
         set -eu\n\
         here=$(dirname \"$0\")\n\n\
         # due_KIND MINUTE HOUR DAY MONTH WEEKDAY, as `date -u '+%M %H %d %m %w'` prints them.\n",
    );
    out.push_str(&due("full", Some(full)));
    out.push_str(&due("incremental", incremental));
    out.push_str(LOOP);
    out
}

/// The schedule as a comment: only the characters a parsed schedule can hold.
fn printable(c: &Cron) -> String {
    c.as_str()
        .chars()
        .filter(|ch| ch.is_ascii_alphanumeric() || " */,-@".contains(*ch))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_patterns() {
        let c = Cron::parse("0,30 2-3 1 */6 1-5").unwrap();
        let f = due("full", Some(&c));
        assert!(f.contains("case $1 in 00|30)"), "{f}");
        assert!(f.contains("case $2 in 02|03)"), "{f}");
        assert!(f.contains("case $4 in 01|07)"), "{f}");
        // Both day fields restricted: either matches.
        assert!(f.contains("case $3 in 01) return 0"), "{f}");
        assert!(f.contains("case $5 in 1|2|3|4|5) return 0"), "{f}");
        let hourly = due("incremental", Some(&Cron::parse("0 * * * *").unwrap()));
        assert_eq!(
            hourly,
            "due_incremental() {\n  case $1 in 00) ;; *) return 1 ;; esac\n  return 0\n}\n"
        );
        assert!(due("incremental", None).contains("return 1"));
    }
}
