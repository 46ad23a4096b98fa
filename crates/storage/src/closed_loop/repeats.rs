//! Finding the earlier complaints a new one repeats.

use chrono::Duration;
use guanjia_domain::closed_loop::{REPEAT_WINDOW_DAYS, Report, repeats};
use guanjia_domain::taxonomy::Kind;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::ticket;
use crate::error::Result;

/// What the repeat rule found for a new ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Repeat {
    /// The most recent earlier complaint it repeats.
    pub original: Option<String>,
    /// How many earlier complaints it repeats: from two on, this is the third time (escalation risk).
    pub earlier: usize,
}

impl Store {
    /// The earlier complaints of the same category from the same household or room, within the
    /// window, that `new` repeats.
    pub(crate) async fn repeats(&self, company_id: &str, new: &Report) -> Result<Repeat> {
        let (Kind::Complaint, Some(category)) = (new.kind, &new.category) else {
            return Ok(Repeat::default());
        };
        let mut place = Condition::any();
        if let Some(household) = &new.household_id {
            place = place.add(ticket::Column::HouseholdId.eq(household));
        }
        if let Some(room) = &new.room_id {
            place = place.add(ticket::Column::RoomId.eq(room));
        }
        if new.household_id.is_none() && new.room_id.is_none() {
            return Ok(Repeat::default());
        }
        let rows = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company_id))
            .filter(ticket::Column::Kind.eq(Kind::Complaint.as_str()))
            .filter(ticket::Column::Category.eq(category))
            .filter(
                ticket::Column::ReportedAt
                    .gte(new.reported_at - Duration::days(REPEAT_WINDOW_DAYS)),
            )
            .filter(place)
            .order_by_desc(ticket::Column::ReportedAt)
            .limit(50)
            .all(&self.db)
            .await?;
        let earlier: Vec<Report> = rows
            .into_iter()
            .map(|t| Report {
                id: t.id,
                kind: Kind::Complaint,
                category: t.category,
                household_id: t.household_id,
                room_id: t.room_id,
                reported_at: t.reported_at,
            })
            .collect();
        let found = repeats(new, &earlier);
        Ok(Repeat {
            original: found.first().map(|r| r.id.clone()),
            earlier: found.len(),
        })
    }
}
