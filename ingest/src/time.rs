//! Timestamps and durations as users write them.

/// The earliest time rift accepts: 1970-01-01T00:00:00Z. No incident rift reads predates the
/// Unix epoch; an earlier time is a misread sign or unit, and negative nanoseconds run out at
/// 1677 (the far end of `i64`).
pub const TS_MIN_NS: i64 = 0;

/// The latest time rift accepts: 2200-01-01T00:00:00Z. It leaves 62 years before `i64::MAX`
/// nanoseconds (2262-04-11), so that a timestamp plus durations rift accepts cannot overflow;
/// a later time is a misread unit or a clock gone wrong.
pub const TS_MAX_NS: i64 = 7_258_118_400 * 1_000_000_000;

/// Why a timestamp was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TsError {
    /// It does not parse.
    Unparseable,
    /// It parses, but lies outside [`TS_MIN_NS`]..[`TS_MAX_NS`].
    OutsideWindow,
}

/// The unit of an epoch number, told by its magnitude.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EpochUnit {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

impl EpochUnit {
    /// The unit's name, and the magnitudes read as it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            EpochUnit::Seconds => "seconds (values below 10^11)",
            EpochUnit::Milliseconds => "milliseconds (values from 10^11 to 10^14)",
            EpochUnit::Microseconds => "microseconds (values from 10^14 to 10^17)",
            EpochUnit::Nanoseconds => "nanoseconds (values from 10^17)",
        }
    }

    fn of_magnitude(a: f64) -> Self {
        if a < 1e11 {
            EpochUnit::Seconds
        } else if a < 1e14 {
            EpochUnit::Milliseconds
        } else if a < 1e17 {
            EpochUnit::Microseconds
        } else {
            EpochUnit::Nanoseconds
        }
    }

    fn ns(self) -> i64 {
        match self {
            EpochUnit::Seconds => 1_000_000_000,
            EpochUnit::Milliseconds => 1_000_000,
            EpochUnit::Microseconds => 1_000,
            EpochUnit::Nanoseconds => 1,
        }
    }
}

/// `ns` if it lies in the window rift accepts ([`TS_MIN_NS`]..=[`TS_MAX_NS`]).
pub(crate) fn in_window(ns: i64) -> Result<i64, TsError> {
    if (TS_MIN_NS..=TS_MAX_NS).contains(&ns) {
        Ok(ns)
    } else {
        Err(TsError::OutsideWindow)
    }
}

/// Parses a timestamp into nanoseconds since the Unix epoch (UTC).
///
/// Accepts RFC 3339 / ISO 8601 (`2026-11-22T03:00:03.789Z`, `+01:00` offsets, a space instead of
/// `T`, no zone meaning UTC, 0–9 fractional digits) and epoch numbers, whose unit is told by
/// magnitude: seconds below 10¹¹, milliseconds below 10¹⁴, microseconds below 10¹⁷, else
/// nanoseconds (a fractional part is allowed). Returns `None` for anything else, and for a time
/// outside 1970–2200 ([`TS_MIN_NS`], [`TS_MAX_NS`]).
pub fn parse_ts(s: &str) -> Option<i64> {
    read_ts(s).ok().map(|(ns, _)| ns)
}

/// A moment given on a command line that names no time.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MomentError {
    /// `+…` with an offset that is not a duration.
    #[error(transparent)]
    Offset(#[from] DurationError),
    /// Neither a time, a time of day nor an offset.
    #[error("not a time: use an RFC 3339 time, a time of day (03:00:10) or +20s")]
    Unreadable,
}

/// A moment as a person names it relative to an incident that starts at `start_ns`: an RFC 3339
/// time, a time of day on the incident's first day (`03:00:10`), or an offset from its start
/// (`+20s`). Nanoseconds since the epoch.
pub fn parse_moment(text: &str, start_ns: i64) -> Result<i64, MomentError> {
    let text = text.trim();
    if let Some(offset) = text.strip_prefix('+') {
        return Ok(start_ns.saturating_add(parse_duration(offset)?));
    }
    if let Some(ts) = parse_ts(text) {
        return Ok(ts);
    }
    let day = &format_ts(start_ns)[..10];
    parse_ts(&format!("{day}T{text}Z")).ok_or(MomentError::Unreadable)
}

/// [`parse_ts`], saying why a timestamp was not taken and, for an epoch number, which unit its
/// magnitude gave.
pub(crate) fn read_ts(s: &str) -> Result<(i64, Option<EpochUnit>), TsError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(TsError::Unparseable);
    }
    if s.contains('-') && s.len() >= 10 && s.as_bytes()[4] == b'-' {
        let ns = parse_iso(s).ok_or(TsError::Unparseable)?;
        let ns = i64::try_from(ns).map_err(|_| TsError::OutsideWindow)?;
        return in_window(ns).map(|ns| (ns, None));
    }
    let (ns, unit) = parse_epoch(s)?;
    in_window(ns).map(|ns| (ns, Some(unit)))
}

/// An epoch number in a known unit (`ns` per unit), in the window.
pub(crate) fn epoch_in_unit(s: &str, unit_ns: i64) -> Result<i64, TsError> {
    let s = s.trim();
    if let Ok(v) = s.parse::<i64>() {
        return v
            .checked_mul(unit_ns)
            .map_or(Err(TsError::OutsideWindow), in_window);
    }
    let v: f64 = s.parse().map_err(|_| TsError::Unparseable)?;
    if !v.is_finite() {
        return Err(TsError::Unparseable);
    }
    ns_from_f64(v * unit_ns as f64).map_or(Err(TsError::OutsideWindow), in_window)
}

fn parse_epoch(s: &str) -> Result<(i64, EpochUnit), TsError> {
    if let Ok(v) = s.parse::<i64>() {
        let unit = EpochUnit::of_magnitude(v.unsigned_abs() as f64);
        let ns = v.checked_mul(unit.ns()).ok_or(TsError::OutsideWindow)?;
        return Ok((ns, unit));
    }
    let v: f64 = s.parse().map_err(|_| TsError::Unparseable)?;
    if !v.is_finite() {
        return Err(TsError::Unparseable);
    }
    let unit = EpochUnit::of_magnitude(v.abs());
    let ns = ns_from_f64(v * unit.ns() as f64).ok_or(TsError::OutsideWindow)?;
    Ok((ns, unit))
}

/// Nanoseconds given as a float, rounded; `None` where they do not fit in i64 (beyond about
/// 292 years either side of 1970).
pub(crate) fn ns_from_f64(ns: f64) -> Option<i64> {
    (ns.abs() < 9.2e18).then(|| ns.round() as i64)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

/// Nanoseconds since the epoch, as i128: a four-digit year can lie beyond what i64 holds.
fn parse_iso(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs_of_day = 0i64;
    let mut nanos = 0i64;
    let mut offset_secs = 0i64;
    let mut rest = &b[10..];
    if !rest.is_empty() {
        if rest[0] != b'T' && rest[0] != b't' && rest[0] != b' ' {
            return None;
        }
        rest = &rest[1..];
        if rest.len() < 5 || rest[2] != b':' {
            return None;
        }
        let h = digits(&rest[0..2])?;
        let m = digits(&rest[3..5])?;
        rest = &rest[5..];
        let mut sec = 0;
        if rest.first() == Some(&b':') {
            if rest.len() < 3 {
                return None;
            }
            sec = digits(&rest[1..3])?;
            rest = &rest[3..];
        }
        if h > 23 || m > 59 || sec > 60 {
            return None;
        }
        secs_of_day = h * 3600 + m * 60 + sec;
        if matches!(rest.first(), Some(b'.') | Some(b',')) {
            let end = rest[1..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(rest.len(), |p| p + 1);
            let frac = &rest[1..end];
            if frac.is_empty() {
                return None;
            }
            let mut n = 0i64;
            for (i, d) in frac.iter().take(9).enumerate() {
                n += i64::from(d - b'0') * 10i64.pow(8 - i as u32);
            }
            nanos = n;
            rest = &rest[end..];
        }
        // .NET's and Serilog's `zzz` come after a space: `2017-12-27 06:10:35.057 -05:00`.
        if let [b' ', next @ ..] = rest
            && matches!(next.first(), Some(b'+' | b'-' | b'Z'))
        {
            rest = next;
        }
        match rest {
            [] | [b'Z'] | [b'z'] => {}
            [sign @ (b'+' | b'-'), tz @ ..] => {
                let tz: Vec<u8> = tz.iter().copied().filter(|c| *c != b':').collect();
                if tz.len() != 4 && tz.len() != 2 {
                    return None;
                }
                let oh = digits(&tz[0..2])?;
                let om = if tz.len() == 4 { digits(&tz[2..4])? } else { 0 };
                offset_secs = (oh * 3600 + om * 60) * if *sign == b'+' { 1 } else { -1 };
            }
            _ => return None,
        }
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + secs_of_day - offset_secs;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A duration in ns as `parse_duration` reads it, in the largest unit that divides it:
/// `1h`, `90s`, `500ms`, `250us`, `7ns`.
pub fn format_duration(ns: i64) -> String {
    const UNITS: [(i64, &str); 5] = [
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
    ];
    UNITS
        .iter()
        .find(|(unit, _)| ns != 0 && ns % unit == 0)
        .map_or_else(
            || format!("{ns}ns"),
            |(unit, name)| format!("{}{name}", ns / unit),
        )
}

/// Formats nanoseconds since the epoch as RFC 3339 UTC with milliseconds
/// (`2026-11-22T03:00:03.789Z`).
pub fn format_ts(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let ms = ns.rem_euclid(1_000_000_000) / 1_000_000;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

/// The longest duration [`parse_duration`] accepts: 10 years (of 365 days), beyond any incident
/// or setting, and small enough that a timestamp rift accepts (up to the year 2200) plus a dozen
/// such durations stays below `i64::MAX` ns (the year 2262).
pub(crate) const MAX_DURATION_NS: i64 = 10 * 365 * 86_400 * 1_000_000_000;

/// Why a duration cannot be read: [`parse_duration`]. Each message quotes the text and says
/// what is accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// No number where one is expected.
    #[error("invalid duration '{0}': expected a number and a unit, e.g. 1s or 500ms")]
    NotANumber(String),
    /// A unit rift does not know.
    #[error("invalid duration unit '{unit}' in '{text}': use ns, us, ms, s, m or h")]
    Unit {
        /// The unit as written.
        unit: String,
        /// The whole duration as written.
        text: String,
    },
    /// Zero, or too small to be a whole nanosecond.
    #[error("invalid duration '{0}': it must be positive")]
    NotPositive(String),
    /// Longer than ten years.
    #[error("invalid duration '{0}': longer than {longest} (10 years), the longest rift takes", longest = format_duration(MAX_DURATION_NS))]
    TooLong(String),
}

/// What a date that cannot be read should look like.
pub(crate) const DATE_HINT: &str = "not a date; write it as YYYY-MM-DD (e.g. 2024-03-05)";
/// What a time zone that cannot be read should look like.
pub(crate) const ZONE_HINT: &str =
    "not an IANA time zone name (e.g. Europe/Berlin, America/New_York, UTC)";

/// Reads a date written as `YYYY-MM-DD`, spaces around it allowed.
pub(crate) fn read_date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Reads an IANA time zone name, spaces around it allowed.
pub(crate) fn read_zone(s: &str) -> Option<chrono_tz::Tz> {
    s.trim().parse().ok()
}

/// Checks a date written as `YYYY-MM-DD` (`--date`), for a command line to refuse a malformed
/// one before reading anything.
pub fn check_date(s: &str) -> Result<String, String> {
    read_date(s)
        .map(|_| s.trim().to_owned())
        .ok_or_else(|| format!("'{}' is {DATE_HINT}", crate::inert::clip(s)))
}

/// Checks an IANA time zone name (`--timezone`), for a command line to refuse an unknown one
/// before reading anything.
pub fn check_zone(s: &str) -> Result<String, String> {
    read_zone(s)
        .map(|_| s.trim().to_owned())
        .ok_or_else(|| format!("'{}' is {ZONE_HINT}", crate::inert::clip(s)))
}

/// Parses a duration such as `1s`, `500ms`, `2m`, `1h`, `1.5s`, `250us`, `10ns` into
/// nanoseconds. A bare number means seconds.
pub fn parse_duration(s: &str) -> Result<i64, DurationError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| DurationError::NotANumber(s.to_owned()))?;
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1e9,
        "ms" => 1e6,
        "us" | "µs" => 1e3,
        "ns" => 1.0,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        other => {
            return Err(DurationError::Unit {
                unit: other.to_owned(),
                text: s.to_owned(),
            });
        }
    };
    let ns = (value * scale).round();
    if !(ns.is_finite() && ns > 0.0) {
        return Err(DurationError::NotPositive(s.to_owned()));
    }
    if ns > MAX_DURATION_NS as f64 {
        return Err(DurationError::TooLong(s.to_owned()));
    }
    Ok(ns as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_epoch_agree() {
        let iso = parse_ts("2026-11-22T02:59:43.768Z").unwrap();
        assert_eq!(parse_ts("1795316383768"), Some(iso));
        assert_eq!(parse_ts("1795316383.768"), Some(iso));
        assert_eq!(parse_ts("2026-11-22 03:59:43.768+01:00"), Some(iso));
        // .NET's `zzz` after a space (Serilog's default template).
        assert_eq!(parse_ts("2026-11-22 03:59:43.768 +01:00"), Some(iso));
        assert_eq!(parse_ts("2026-11-22 02:59:43.768 Z"), Some(iso));
        assert_eq!(parse_ts("2026-11-22 03:59:43.768 x"), None);
        assert_eq!(format_ts(iso), "2026-11-22T02:59:43.768Z");
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-11-22T25:00:00Z",
            "NaN",
            "inf",
        ] {
            assert_eq!(parse_ts(s), None, "{s}");
        }
    }

    #[test]
    fn times_outside_1970_to_2200_are_refused_in_every_notation() {
        for s in [
            "2262-04-12T00:00:00Z",
            "1677-09-21T00:12:44Z",
            "9999-12-31T23:59:59Z",
            "2200-01-01T00:00:00.000000001Z",
            "1969-12-31T23:59:59Z",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036.854775807",
            "-1",
            "1e300",
        ] {
            assert_eq!(read_ts(s), Err(TsError::OutsideWindow), "{s}");
        }
        for (s, unit) in [("9223372036854775807", 1), ("9300000000", 1_000_000_000)] {
            assert_eq!(epoch_in_unit(s, unit), Err(TsError::OutsideWindow), "{s}");
        }
        assert_eq!(read_ts("2200-01-01T00:00:00Z"), Ok((TS_MAX_NS, None)));
        assert_eq!(read_ts("0"), Ok((0, Some(EpochUnit::Seconds))));
        assert_eq!(read_ts("yesterday"), Err(TsError::Unparseable));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1s"), Ok(1_000_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_duration("2m"), Ok(120_000_000_000));
        assert!(parse_duration("0s").is_err());
        assert!(
            parse_duration("3 parsecs")
                .unwrap_err()
                .to_string()
                .contains("unit")
        );
    }
}
