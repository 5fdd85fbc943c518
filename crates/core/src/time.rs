//! Instants as Unix milliseconds (UTC), and their one printed form.

/// `2026-11-25 14:03:09 UTC`: the form used in messages and reports (SPEC §7.5, §9).
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The calendar date (year, month 1–12, day 1–31) of an instant, in UTC.
pub fn utc_date(ms: i64) -> (i64, u32, u32) {
    civil_from_days(ms.div_euclid(1000).div_euclid(86_400))
}

/// The instant (Unix ms) of midnight UTC starting the first day of `month` (1–12) of `year`.
pub fn month_start_ms(year: i64, month: u32) -> i64 {
    days_from_civil(year, month, 1) * 86_400_000
}

/// Howard Hinnant's civil-to-days algorithm: days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(1_795_000_000_000), "2026-11-18 11:06:40 UTC");
    }

    #[test]
    fn month_starts_and_dates_agree() {
        assert_eq!(month_start_ms(1970, 1), 0);
        assert_eq!(format_utc(month_start_ms(2000, 3)), "2000-03-01 00:00:00 UTC");
        assert_eq!(format_utc(month_start_ms(2026, 12) - 1000), "2026-11-30 23:59:59 UTC");
        for days in [-800_000i64, -1, 0, 59, 11_000, 20_500, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(utc_date(1_795_000_000_000), (2026, 11, 18));
    }
}
