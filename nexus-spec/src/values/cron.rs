//! Five-field cron schedules, as Kubernetes CronJobs read them.

use std::fmt;

/// A parsed cron schedule: `minute hour day-of-month month day-of-week`, or one of the
/// macros `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`.
///
/// ```
/// use nexus_spec::values::Cron;
/// let hourly = Cron::parse("0 * * * *").unwrap();
/// assert_eq!(hourly.max_gap_minutes(), 60);
/// assert_eq!(Cron::parse("@daily").unwrap().max_gap_minutes(), 24 * 60);
/// assert!(Cron::parse("61 * * * *").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    text: String,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    /// Both day fields restricted: cron fires when either matches.
    day_or: bool,
}

const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
];

impl Cron {
    /// Parses a schedule.
    pub fn parse(text: &str) -> Result<Cron, String> {
        let expanded = match text.trim() {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "`{text}` has {} fields; a schedule has five: minute hour day-of-month month day-of-week",
                fields.len()
            ));
        }
        let mut sets = [0u64; 5];
        for (i, field) in fields.iter().enumerate() {
            sets[i] = parse_field(field, FIELDS[i])?;
        }
        // Day of week 7 is Sunday, like 0.
        let mut weekdays = sets[4] as u8;
        if weekdays & 0x80 != 0 {
            weekdays = (weekdays & 0x7f) | 1;
        }
        Ok(Cron {
            text: text.to_owned(),
            minutes: sets[0],
            hours: sets[1] as u32,
            days: sets[2] as u32,
            months: sets[3] as u16,
            weekdays,
            day_or: fields[2] != "*" && fields[4] != "*",
        })
    }

    /// The schedule as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The values each field allows, in field order: minute (0-59), hour (0-23), day of
    /// month (1-31), month (1-12), day of week (0-6, Sunday 0; a written 7 is 0). A
    /// scheduler that runs this schedule checks each field against its list; see
    /// [`Cron::day_either`] for how the two day fields combine.
    ///
    /// ```
    /// use nexus_spec::values::Cron;
    /// let c = Cron::parse("*/20 9-11 * * 7").unwrap();
    /// let [min, hour, _, _, dow] = c.values();
    /// assert_eq!((min, hour, dow), (vec![0, 20, 40], vec![9, 10, 11], vec![0]));
    /// ```
    pub fn values(&self) -> [Vec<u32>; 5] {
        let bits = |set: u64, lo: u32, hi: u32| -> Vec<u32> {
            (lo..=hi).filter(|v| set & (1 << v) != 0).collect()
        };
        [
            bits(self.minutes, 0, 59),
            bits(u64::from(self.hours), 0, 23),
            bits(u64::from(self.days), 1, 31),
            bits(u64::from(self.months), 1, 12),
            bits(u64::from(self.weekdays), 0, 6),
        ]
    }

    /// Whether a day is due when either day field matches (both are restricted, as cron
    /// reads `0 0 1 * 1`: the first of the month and every Monday) rather than both.
    pub fn day_either(&self) -> bool {
        self.day_or
    }

    fn fires_on_day(&self, day: u32, month: u32, weekday: u32) -> bool {
        if self.months & (1 << month) == 0 {
            return false;
        }
        let dom = self.days & (1 << day) != 0;
        let dow = self.weekdays & (1 << weekday) != 0;
        if self.day_or { dom || dow } else { dom && dow }
    }

    /// The longest gap between two runs, in minutes, over a 400-day window (so monthly and
    /// yearly schedules are measured too). `u64::MAX` when it never fires in the window.
    pub fn max_gap_minutes(&self) -> u64 {
        Cron::max_gap_minutes_of(&[self])
    }

    /// The longest gap, in minutes, between two runs of any of `schedules` (a run of one
    /// ends the gap of all), measured as [`Cron::max_gap_minutes`] measures one.
    ///
    /// ```
    /// use nexus_spec::values::Cron;
    /// let daily = Cron::parse("0 2 * * *").unwrap();
    /// let noon = Cron::parse("0 14 * * *").unwrap();
    /// assert_eq!(Cron::max_gap_minutes_of(&[&daily, &noon]), 12 * 60);
    /// ```
    pub fn max_gap_minutes_of(schedules: &[&Cron]) -> u64 {
        let mut gaps = Gaps::default();
        // The schedules that fire on the day at hand, kept across days (no allocation per day).
        let mut today: Vec<&Cron> = Vec::with_capacity(schedules.len());
        for day in window() {
            today.clear();
            today.extend(
                schedules
                    .iter()
                    .copied()
                    .filter(|c| c.fires_on_day(day.day, day.month, day.weekday)),
            );
            for h in 0..24u64 {
                // The minutes of this hour at which any of today's schedules fires,
                // visited in order, one set bit at a time.
                let mut minutes = today
                    .iter()
                    .filter(|c| c.hours & (1 << h) != 0)
                    .fold(0u64, |all, c| all | c.minutes);
                while minutes != 0 {
                    gaps.fire(day.index * 1440 + h * 60 + u64::from(minutes.trailing_zeros()));
                    minutes &= minutes - 1;
                }
            }
        }
        gaps.longest()
    }
}

/// One day of the window [`Cron::max_gap_minutes_of`] measures.
#[derive(Debug, Clone, Copy)]
struct Day {
    /// Days since the window's start.
    index: u64,
    /// Day of the month, from 1.
    day: u32,
    /// Month, from 1.
    month: u32,
    /// Day of the week, 0 for Sunday.
    weekday: u32,
}

/// The 400 days of the window, from a Monday the first of January of a year that is not a
/// leap year (the gaps do not depend on the start).
fn window() -> impl Iterator<Item = Day> {
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (0..2)
        .flat_map(|_year| MONTH_DAYS.iter().zip(1u32..))
        .flat_map(|(&len, month)| (1..=len).map(move |day| (month, day)))
        .zip(0u64..400)
        .map(|((month, day), index)| Day {
            index,
            day,
            month,
            // `index < 400`, so the remainder fits.
            weekday: u32::try_from((index + 1) % 7).unwrap_or(0),
        })
}

/// The longest gap between runs, fed the minute of each run in order.
#[derive(Debug, Default)]
struct Gaps {
    first: Option<u64>,
    last: Option<u64>,
    longest: u64,
}

impl Gaps {
    /// A run at minute `t` of the window.
    fn fire(&mut self, t: u64) {
        if let Some(prev) = self.last {
            self.longest = self.longest.max(t - prev);
        }
        self.first.get_or_insert(t);
        self.last = Some(t);
    }

    /// The longest gap; `u64::MAX` for fewer than two runs.
    fn longest(&self) -> u64 {
        match (self.first, self.last) {
            (Some(f), Some(l)) if f != l => self.longest,
            _ => u64::MAX,
        }
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_field(field: &str, (name, lo, hi): (&str, u32, u32)) -> Result<u64, String> {
    let mut set = 0u64;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 =
                    s.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        format!("the {name} step `{s}` must be a positive number")
                    })?;
                (r, step)
            }
            None => (part, 1),
        };
        let (start, end) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (num(a, name, lo, hi)?, num(b, name, lo, hi)?)
        } else {
            let v = num(range, name, lo, hi)?;
            (v, if part.contains('/') { hi } else { v })
        };
        if start > end {
            return Err(format!("the {name} range `{range}` runs backwards"));
        }
        let mut v = start;
        while v <= end {
            set |= 1 << v;
            v += step;
        }
    }
    Ok(set)
}

fn num(s: &str, name: &str, lo: u32, hi: u32) -> Result<u32, String> {
    s.parse::<u32>()
        .ok()
        .filter(|v| (lo..=hi).contains(v))
        .ok_or_else(|| format!("the {name} `{s}` must be a number from {lo} to {hi}"))
}

#[cfg(test)]
mod tests {
    use super::{Cron, Day, Gaps, window};

    /// The gap as measured before runs were visited by their set bits: minute by minute,
    /// through every hour and minute of every day of the window.
    fn minute_by_minute(schedules: &[&Cron]) -> u64 {
        let mut gaps = Gaps::default();
        for day in window() {
            for h in 0..24u64 {
                for min in 0..60u64 {
                    let fires = schedules.iter().any(|c| {
                        c.fires_on_day(day.day, day.month, day.weekday)
                            && c.hours & (1 << h) != 0
                            && c.minutes & (1 << min) != 0
                    });
                    if fires {
                        gaps.fire(day.index * 1440 + h * 60 + min);
                    }
                }
            }
        }
        gaps.longest()
    }

    #[test]
    fn the_window_is_400_days_from_a_monday_the_first_of_january() {
        let days: Vec<Day> = window().collect();
        assert_eq!(days.len(), 400);
        let (first, last) = (days[0], days[399]);
        assert_eq!((first.day, first.month, first.weekday), (1, 1, 1));
        // Day 365 is the first of January again, a Tuesday (365 = 52 weeks and a day).
        assert_eq!(
            (days[365].day, days[365].month, days[365].weekday),
            (1, 1, 2)
        );
        assert_eq!((last.day, last.month, last.index), (4, 2, 399));
        assert_eq!(days[58].day, 28);
        assert_eq!((days[59].day, days[59].month), (1, 3));
    }

    #[test]
    fn gaps_are_those_measured_minute_by_minute() {
        let texts = [
            "*/15 * * * *",
            "0 2 * * *",
            "30 */6 * * 1-5",
            "5,35 1,13 1,15 * *",
            "0 0 29 2 *",
            "0 0 31 * 0",
            "59 23 * * 6",
            "0 3 1 1 *",
            "7 4 * 3-5 2",
        ];
        let all: Vec<Cron> = texts.iter().map(|t| Cron::parse(t).unwrap()).collect();
        for a in &all {
            assert_eq!(a.max_gap_minutes(), minute_by_minute(&[a]), "{a}");
            for b in &all {
                assert_eq!(
                    Cron::max_gap_minutes_of(&[a, b]),
                    minute_by_minute(&[a, b]),
                    "{a} with {b}"
                );
            }
        }
    }

    #[test]
    fn gaps() {
        assert_eq!(Cron::parse("*/15 * * * *").unwrap().max_gap_minutes(), 15);
        assert_eq!(Cron::parse("0 2 * * *").unwrap().max_gap_minutes(), 1440);
        assert_eq!(
            Cron::parse("0 3 * * 0").unwrap().max_gap_minutes(),
            7 * 1440
        );
        assert_eq!(Cron::parse("0 0,12 * * *").unwrap().max_gap_minutes(), 720);
        assert!(Cron::parse("0 0 1 * *").unwrap().max_gap_minutes() >= 31 * 1440);
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "*/0 * * * *",
            "5-1 * * * *",
            "a * * * *",
        ] {
            assert!(Cron::parse(bad).is_err(), "{bad}");
        }
    }
}
