//! Lima time. Peru keeps UTC-5 all year (no daylight saving since 1994), so a fixed offset
//! is exact and needs no time-zone database. Every date the API shows is a Lima date,
//! whatever the server's own time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

const LIMA_OFFSET_SECONDS: i32 = -5 * 3600;

pub fn lima() -> FixedOffset {
    FixedOffset::east_opt(LIMA_OFFSET_SECONDS).expect("UTC-5 is a valid offset")
}

/// Now, as stored: unix seconds.
pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}

/// The Lima date of an instant stored as unix seconds, `YYYY-MM-DD`.
pub fn lima_date(unix: i64) -> String {
    lima_datetime_of(unix).format("%Y-%m-%d").to_string()
}

/// The Lima date and time of an instant stored as unix seconds, `YYYY-MM-DD HH:MM:SS`.
pub fn lima_datetime(unix: i64) -> String {
    lima_datetime_of(unix)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Today in Lima.
pub fn lima_today() -> NaiveDate {
    lima_day(now_unix())
}

/// The Lima calendar day of an instant stored as unix seconds, whatever the server's own
/// time zone.
pub fn lima_day(unix: i64) -> NaiveDate {
    lima_datetime_of(unix).date_naive()
}

/// The instant (unix seconds) of a time of day on a Lima day.
pub fn lima_instant(day: NaiveDate, at: NaiveTime) -> i64 {
    day.and_time(at)
        .and_local_timezone(lima())
        .single()
        .map_or(i64::MAX, |moment| moment.timestamp())
}

/// A day as stored and shown: `YYYY-MM-DD`.
pub fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn lima_datetime_of(unix: i64) -> DateTime<FixedOffset> {
    lima()
        .timestamp_opt(unix, 0)
        .single()
        .unwrap_or_else(|| lima().timestamp_opt(0, 0).unwrap())
}

/// A calendar day written exactly `YYYY-MM-DD`, in years 2000 to 2100: no business date
/// of ours lies outside them, and a typo such as year 1 or 10000 is refused rather than
/// stored.
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let shaped = raw.len() == 10
        && raw.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped)?;
    (2000..=2100)
        .contains(&chrono::Datelike::year(&day))
        .then_some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_strict_and_in_range() {
        assert_eq!(
            parse_day("2026-12-03"),
            NaiveDate::from_ymd_opt(2026, 12, 3)
        );
        for bad in [
            "+10000-01-01",
            "0001-01-01",
            "2026-2-3",
            "2026-02-30",
            "03/12/2026",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn late_evening_in_lima_is_still_the_same_day() {
        // 2026-12-04 04:59:59 UTC is 2026-12-03 23:59:59 in Lima.
        let unix = Utc
            .with_ymd_and_hms(2026, 12, 4, 4, 59, 59)
            .unwrap()
            .timestamp();
        assert_eq!(lima_date(unix), "2026-12-03");
        assert_eq!(lima_datetime(unix), "2026-12-03 23:59:59");
        assert_eq!(lima_date(unix + 1), "2026-12-04");
    }
}
