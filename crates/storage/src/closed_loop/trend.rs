//! The service figures month by month (趋势), added up from the day facts: a year's trend reads
//! a year's project days, not a year's tickets.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use guanjia_domain::closed_loop::{DayFacts, TicketFigures, day_start};

use super::figures::figures_projects;
use crate::db::Store;
use crate::error::Result;
use crate::principal::Principal;

/// The most months a trend shows.
pub const TREND_MONTHS_MAX: u32 = 24;

/// One month of a trend: its first day, where it starts and ends (the last one ends now), and
/// the figures of the tickets reported in it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    pub month: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub figures: TicketFigures,
}

/// The first days of the `months` months up to the one `now` falls in (in `zone`), oldest first.
fn month_starts(zone: Tz, now: DateTime<Utc>, months: u32) -> Vec<NaiveDate> {
    let today = now.with_timezone(&zone).date_naive();
    let this = today.with_day(1).unwrap_or(today);
    (0..months)
        .rev()
        .filter_map(|back| this.checked_sub_months(Months::new(back)))
        .collect()
}

impl Store {
    /// The time zone figures are counted in: the project's, or the first one the caller sees.
    pub async fn figures_zone(&self, who: &Principal, project_id: Option<&str>) -> Result<Tz> {
        let projects = figures_projects(who, project_id)?;
        let zones = self
            .project_zones(&who.company_id, projects.as_ref())
            .await?;
        Ok(zones
            .into_values()
            .next()
            .unwrap_or(chrono_tz::Asia::Shanghai))
    }

    /// The figures of each of the last `months` months (this one so far), in one project or in
    /// every project the caller sees; months counted in `zone`.
    pub async fn monthly_figures(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        months: u32,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Vec<MonthFigures>> {
        let projects = figures_projects(who, project_id)?;
        let starts = month_starts(zone, now, months.clamp(1, TREND_MONTHS_MAX));
        let Some(first) = starts.first() else {
            return Ok(Vec::new());
        };
        let from = day_start(zone, *first);
        let days = self
            .project_days(&who.company_id, projects.as_ref(), from, now)
            .await?;
        let mut by_month: BTreeMap<NaiveDate, DayFacts> = BTreeMap::new();
        for (_, day, facts) in &days {
            let month = day.with_day(1).unwrap_or(*day);
            by_month.entry(month).or_default().add(facts);
        }
        Ok(starts
            .iter()
            .map(|month| {
                let from = day_start(zone, *month);
                let next = month
                    .checked_add_months(Months::new(1))
                    .map_or(now, |m| day_start(zone, m));
                let to = next.min(now);
                let length = (to - from).num_seconds() as f64 / 86_400.0;
                let facts = by_month.remove(month).unwrap_or_default();
                MonthFigures {
                    month: *month,
                    from,
                    to,
                    figures: facts.figures(length),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_trend_ends_with_this_month() {
        let zone = chrono_tz::Asia::Shanghai;
        // 1 March 01:00 in Shanghai is still February in UTC.
        let now = zone.with_ymd_and_hms(2026, 3, 1, 1, 0, 0).unwrap().to_utc();
        let months = month_starts(zone, now, 3);
        let day = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        assert_eq!(months, vec![day(1), day(2), day(3)]);
    }
}
