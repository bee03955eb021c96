//! Timestamps and durations as users write them.

/// Parses a timestamp into nanoseconds since the Unix epoch (UTC).
///
/// Accepts RFC 3339 / ISO 8601 (`2026-11-22T03:00:03.789Z`, `+01:00` offsets, a space instead of
/// `T`, no zone meaning UTC, 0–9 fractional digits) and epoch numbers, whose unit is told by
/// magnitude: seconds below 10¹¹, milliseconds below 10¹⁴, microseconds below 10¹⁷, else
/// nanoseconds (a fractional part is allowed). Returns `None` for anything else.
pub fn parse_ts(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.contains('-') && s.len() >= 10 && s.as_bytes()[4] == b'-' {
        return parse_iso(s);
    }
    parse_epoch(s)
}

fn parse_epoch(s: &str) -> Option<i64> {
    if let Ok(v) = s.parse::<i64>() {
        let a = v.unsigned_abs();
        return if a < 100_000_000_000 {
            v.checked_mul(1_000_000_000)
        } else if a < 100_000_000_000_000 {
            v.checked_mul(1_000_000)
        } else if a < 100_000_000_000_000_000 {
            v.checked_mul(1_000)
        } else {
            Some(v)
        };
    }
    let v: f64 = s.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let a = v.abs();
    let scale = if a < 1e11 {
        1e9
    } else if a < 1e14 {
        1e6
    } else if a < 1e17 {
        1e3
    } else {
        1.0
    };
    ns_from_f64(v * scale)
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

fn parse_iso(s: &str) -> Option<i64> {
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
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
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

/// Parses a duration such as `1s`, `500ms`, `2m`, `1h`, `1.5s`, `250us`, `10ns` into
/// nanoseconds. A bare number means seconds. Returns an error message naming the accepted units.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| {
        format!("invalid duration '{s}': expected a number and a unit, e.g. 1s or 500ms")
    })?;
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1e9,
        "ms" => 1e6,
        "us" | "µs" => 1e3,
        "ns" => 1.0,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        other => {
            return Err(format!(
                "invalid duration unit '{other}' in '{s}': use ns, us, ms, s, m or h"
            ));
        }
    };
    let ns = (value * scale).round();
    if !(ns.is_finite() && ns > 0.0) {
        return Err(format!("invalid duration '{s}': it must be positive"));
    }
    if ns > MAX_DURATION_NS as f64 {
        return Err(format!(
            "invalid duration '{s}': longer than {} (10 years), the longest rift takes",
            format_duration(MAX_DURATION_NS)
        ));
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
    fn durations() {
        assert_eq!(parse_duration("1s"), Ok(1_000_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_duration("2m"), Ok(120_000_000_000));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("3 parsecs").unwrap_err().contains("unit"));
    }
}
