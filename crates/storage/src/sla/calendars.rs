//! Business calendars (工作日历) and their dated exceptions. Every change is audited, bumps the
//! SLA configuration version, and is followed by recomputing open tickets' deadlines.

use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::calendar::input::{HoursText, NewCalendar, hours_text};
use guanjia_domain::calendar::{Calendar, Day, Exception, Span, WeeklyHours};
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

use super::version::bump_config;
use crate::db::Store;
use crate::entity::{calendar, calendar_day, project};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, new_id, require_admin, taken_or};

/// The seeded calendars' names and presets.
pub(crate) const CHINA_MAINLAND: (&str, &str) = ("中国大陆法定节假日", "china_mainland");
pub(crate) const ALWAYS_OPEN: (&str, &str) = ("7×24小时", "always_open");

pub(crate) fn hours_json(spans: &[Span]) -> Value {
    json!(hours_text(spans))
}

fn spans_of(value: &Value) -> Vec<Span> {
    let text: HoursText = serde_json::from_value(value.clone()).unwrap_or_default();
    text.iter()
        .filter_map(|[start, end]| Span::parse(start, end).ok())
        .collect()
}

pub(crate) fn weekly_of(value: &Value) -> WeeklyHours {
    let days: Vec<Value> = serde_json::from_value(value.clone()).unwrap_or_default();
    let mut weekly = WeeklyHours(Default::default());
    for (i, day) in days.iter().take(7).enumerate() {
        weekly.0[i] = spans_of(day);
    }
    weekly
}

pub(crate) fn weekly_json(weekly: &WeeklyHours) -> Value {
    Value::Array(weekly.0.iter().map(|d| hours_json(d)).collect())
}

/// Dated exceptions kept as one JSON list (a duty roster's): `[{date, is_workday, hours, name}]`.
pub(crate) fn exceptions_json(list: &[Exception]) -> Value {
    Value::Array(
        list.iter()
            .map(|e| json!({ "date": e.date, "is_workday": e.is_workday, "hours": hours_json(&e.hours), "name": e.name }))
            .collect(),
    )
}

pub(crate) fn exception_of_json(value: &Value) -> Vec<Exception> {
    let items: Vec<Value> = serde_json::from_value(value.clone()).unwrap_or_default();
    items
        .iter()
        .filter_map(|item| {
            Some(Exception {
                date: serde_json::from_value(item["date"].clone()).ok()?,
                is_workday: item["is_workday"].as_bool()?,
                hours: spans_of(&item["hours"]),
                name: item["name"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

pub(crate) fn exception_of(row: &calendar_day::Model) -> Exception {
    Exception {
        date: row.date,
        is_workday: row.is_workday,
        hours: spans_of(&row.hours),
        name: row.name.clone(),
    }
}

fn day_row(company_id: &str, calendar_id: &str, e: &Exception) -> calendar_day::ActiveModel {
    calendar_day::ActiveModel {
        company_id: Set(company_id.to_owned()),
        calendar_id: Set(calendar_id.to_owned()),
        date: Set(e.date),
        is_workday: Set(e.is_workday),
        hours: Set(hours_json(&e.hours)),
        name: Set(e.name.clone()),
    }
}

/// Inserts or replaces dated exceptions, in chunks the databases' parameter limits allow.
async fn upsert_days(
    db: &impl ConnectionTrait,
    company_id: &str,
    calendar_id: &str,
    days: &[Exception],
) -> Result<()> {
    for chunk in days.chunks(200) {
        calendar_day::Entity::insert_many(
            chunk.iter().map(|e| day_row(company_id, calendar_id, e)),
        )
        .on_conflict(
            OnConflict::columns([
                calendar_day::Column::CompanyId,
                calendar_day::Column::CalendarId,
                calendar_day::Column::Date,
            ])
            .update_columns([
                calendar_day::Column::IsWorkday,
                calendar_day::Column::Hours,
                calendar_day::Column::Name,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Creates a calendar with its exceptions inside the caller's transaction.
pub(crate) async fn insert_calendar(
    db: &impl ConnectionTrait,
    company_id: &str,
    name: &str,
    preset: Option<&str>,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Result<calendar::Model> {
    let model = calendar::ActiveModel {
        company_id: Set(company_id.to_owned()),
        id: Set(new_id()),
        name: Set(name.to_owned()),
        preset: Set(preset.map(str::to_owned)),
        weekly_hours: Set(weekly_json(&calendar.weekly)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| taken_or(e, "name"))?;
    let days: Vec<Exception> = calendar.exceptions.values().cloned().collect();
    upsert_days(db, company_id, &model.id, &days).await?;
    Ok(model)
}

impl Store {
    /// The company's calendars, oldest first; every staff member may read them.
    pub async fn calendars(&self, who: &Principal) -> Result<Vec<calendar::Model>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        Ok(calendar::Entity::find()
            .filter(calendar::Column::CompanyId.eq(&who.company_id))
            .order_by_asc(calendar::Column::CreatedAt)
            .order_by_asc(calendar::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn calendar(&self, who: &Principal, id: &str) -> Result<calendar::Model> {
        if !who.role.is_staff() {
            return Err(StorageError::NotFound("calendar"));
        }
        calendar::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("calendar"))
    }

    /// The calendar as the domain computes with it (in the company's default time zone).
    async fn domain_calendar(&self, who: &Principal, id: &str) -> Result<Calendar> {
        let row = self.calendar(who, id).await?;
        Ok(Calendar {
            time_zone: chrono_tz::Asia::Shanghai,
            weekly: weekly_of(&row.weekly_hours),
            exceptions: self
                .exceptions(who, id)
                .await?
                .into_iter()
                .map(|e| (e.date, e))
                .collect(),
        })
    }

    /// Each day from `from` to `to` as the calendar resolves it.
    pub async fn calendar_days(
        &self,
        who: &Principal,
        id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Day>> {
        Ok(self.domain_calendar(who, id).await?.days(from, to))
    }

    /// The calendar's dated exceptions, by date.
    pub async fn exceptions(&self, who: &Principal, id: &str) -> Result<Vec<Exception>> {
        self.calendar(who, id).await?;
        Ok(calendar_day::Entity::find()
            .filter(calendar_day::Column::CompanyId.eq(&who.company_id))
            .filter(calendar_day::Column::CalendarId.eq(id))
            .order_by_asc(calendar_day::Column::Date)
            .all(&self.db)
            .await?
            .iter()
            .map(exception_of)
            .collect())
    }

    pub async fn create_calendar(
        &self,
        who: &Principal,
        input: NewCalendar,
        now: DateTime<Utc>,
    ) -> Result<calendar::Model> {
        require_admin(who)?;
        let txn = self.begin_write().await?;
        let calendar = Calendar {
            time_zone: chrono_tz::Asia::Shanghai,
            weekly: input.weekly,
            exceptions: Default::default(),
        };
        let model =
            insert_calendar(&txn, &who.company_id, &input.name, None, &calendar, now).await?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "calendar", &model.id, "create")
            .record(
                &txn,
                json!({ "name": model.name, "weekly_hours": model.weekly_hours }),
                now,
            )
            .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// Renames a calendar or changes its weekly hours; open tickets' deadlines follow.
    pub async fn update_calendar(
        &self,
        who: &Principal,
        id: &str,
        input: NewCalendar,
        now: DateTime<Utc>,
    ) -> Result<calendar::Model> {
        require_admin(who)?;
        let current = self.calendar(who, id).await?;
        let txn = self.begin_write().await?;
        let mut model: calendar::ActiveModel = current.into();
        model.name = Set(input.name);
        model.weekly_hours = Set(weekly_json(&input.weekly));
        model.updated_at = Set(now);
        let updated = model.update(&txn).await.map_err(|e| taken_or(e, "name"))?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "calendar", id, "update")
            .record(
                &txn,
                json!({ "name": updated.name, "weekly_hours": updated.weekly_hours }),
                now,
            )
            .await?;
        txn.commit().await?;
        self.recompute_clocks(&who.company_id, now).await?;
        Ok(updated)
    }

    /// Adds or replaces dated exceptions (one day, or an imported file). With `replace`, the
    /// calendar's other exceptions are removed first. Returns how many days were written.
    pub async fn put_calendar_days(
        &self,
        who: &Principal,
        id: &str,
        days: Vec<Exception>,
        replace: bool,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        require_admin(who)?;
        self.calendar(who, id).await?;
        let txn = self.begin_write().await?;
        if replace {
            calendar_day::Entity::delete_many()
                .filter(calendar_day::Column::CompanyId.eq(&who.company_id))
                .filter(calendar_day::Column::CalendarId.eq(id))
                .exec(&txn)
                .await?;
        }
        upsert_days(&txn, &who.company_id, id, &days).await?;
        bump_config(&txn, &who.company_id).await?;
        let dates: Vec<String> = days.iter().take(50).map(|d| d.date.to_string()).collect();
        Audit::by(
            who,
            "calendar",
            id,
            if replace { "replace_days" } else { "put_days" },
        )
        .record(&txn, json!({ "count": days.len(), "dates": dates }), now)
        .await?;
        txn.commit().await?;
        self.recompute_clocks(&who.company_id, now).await?;
        Ok(days.len())
    }

    /// Removes a dated exception: the day follows the weekly hours again.
    pub async fn remove_calendar_day(
        &self,
        who: &Principal,
        id: &str,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_admin(who)?;
        self.calendar(who, id).await?;
        let txn = self.begin_write().await?;
        let removed =
            calendar_day::Entity::delete_by_id((who.company_id.clone(), id.to_owned(), date))
                .exec(&txn)
                .await?;
        if removed.rows_affected == 0 {
            return Err(StorageError::NotFound("calendar day"));
        }
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "calendar", id, "remove_day")
            .record(&txn, json!({ "date": date }), now)
            .await?;
        txn.commit().await?;
        self.recompute_clocks(&who.company_id, now).await?;
        Ok(())
    }

    /// Gives a project its own calendar, or (None) the company's default again.
    pub async fn set_project_calendar(
        &self,
        who: &Principal,
        project_id: &str,
        calendar_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<project::Model> {
        require_admin(who)?;
        let current = self.project(who, project_id).await?;
        if let Some(calendar_id) = &calendar_id {
            self.calendar(who, calendar_id).await.map_err(|_| {
                StorageError::field("calendar_id", FieldErrorCode::UnknownReference)
            })?;
        }
        let txn = self.begin_write().await?;
        let mut model: project::ActiveModel = current.into();
        model.calendar_id = Set(calendar_id.clone());
        let updated = model.update(&txn).await?;
        bump_config(&txn, &who.company_id).await?;
        Audit::by(who, "project", project_id, "set_calendar")
            .record(&txn, json!({ "calendar_id": calendar_id }), now)
            .await?;
        txn.commit().await?;
        self.recompute_clocks(&who.company_id, now).await?;
        Ok(updated)
    }
}
