//! Lima time. Peru keeps UTC-5 all year (no daylight saving since 1994), so a fixed offset
//! is exact and needs no time-zone database. Every date the API shows is a Lima date,
//! whatever the server's own time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

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
    Utc::now().with_timezone(&lima()).date_naive()
}

fn lima_datetime_of(unix: i64) -> DateTime<FixedOffset> {
    lima()
        .timestamp_opt(unix, 0)
        .single()
        .unwrap_or_else(|| lima().timestamp_opt(0, 0).unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

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
