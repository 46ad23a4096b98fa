//! A household's one history across channels: its tickets, its members' conversations, the
//! ratings it gave and the announcements its members read, newest first, a keyset page at a
//! time. Each source reads at most a page past the cursor, so a page costs the same however
//! long the history is.

use chrono::{DateTime, Utc};
use guanjia_domain::profile::{HistoryCursor, HistoryKind, merge_history};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::Store;
use crate::entity::{announcement, announcement_recipient, conversation, household, ticket};
use crate::error::Result;
use crate::principal::Principal;

/// One entry of the history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub kind: HistoryKind,
    /// The ticket, conversation or announcement.
    pub id: String,
    pub at: DateTime<Utc>,
    /// The member it concerns, when known.
    pub resident_id: Option<String>,
    /// A ticket's title, a conversation's last words, an announcement's title.
    pub title: String,
    /// The channel it came on (tickets and conversations).
    pub channel: Option<String>,
    /// A ticket's status or a conversation's state.
    pub state: Option<String>,
    /// A ticket's number.
    pub number: Option<String>,
    /// A rating's satisfaction, 1 to 5.
    pub score: Option<i32>,
    /// An announcement the member acknowledged (已知晓).
    pub acknowledged: bool,
}

/// A page of history and where the next one starts.
#[derive(Debug, Clone, Default)]
pub struct HistoryPage {
    pub items: Vec<HistoryEntry>,
    pub next: Option<HistoryCursor>,
}

/// Entries of `kind` older than the cursor, by their time and id columns.
fn older(
    kind: HistoryKind,
    time: impl ColumnTrait,
    id: impl ColumnTrait,
    cursor: Option<&HistoryCursor>,
) -> Condition {
    let Some(c) = cursor else {
        return Condition::all();
    };
    match kind.cmp(&c.kind) {
        std::cmp::Ordering::Less => Condition::all().add(time.lte(c.at)),
        std::cmp::Ordering::Greater => Condition::all().add(time.lt(c.at)),
        std::cmp::Ordering::Equal => Condition::any()
            .add(time.lt(c.at))
            .add(Condition::all().add(time.eq(c.at)).add(id.lt(c.id.clone()))),
    }
}

impl Store {
    pub(super) async fn history(
        &self,
        who: &Principal,
        household: &household::Model,
        members: &[String],
        cursor: Option<&HistoryCursor>,
        limit: u64,
    ) -> Result<HistoryPage> {
        let company = &who.company_id;
        let fetch = limit + 1;
        let entry = |kind, id: &str, at, resident_id: Option<String>, title: String| HistoryEntry {
            kind,
            id: id.to_owned(),
            at,
            resident_id,
            title,
            channel: None,
            state: None,
            number: None,
            score: None,
            acknowledged: false,
        };
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::HouseholdId.eq(&household.id))
            .filter(older(
                HistoryKind::Ticket,
                ticket::Column::ReportedAt,
                ticket::Column::Id,
                cursor,
            ))
            .order_by_desc(ticket::Column::ReportedAt)
            .order_by_desc(ticket::Column::Id)
            .limit(fetch)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| HistoryEntry {
                channel: Some(t.channel.to_string()),
                state: Some(t.status.to_string()),
                number: Some(t.number.clone()),
                ..entry(
                    HistoryKind::Ticket,
                    &t.id,
                    t.reported_at,
                    t.resident_id.clone(),
                    t.title,
                )
            });
        let ratings = ticket::Entity::find()
            .filter(ticket::Column::CompanyId.eq(company))
            .filter(ticket::Column::HouseholdId.eq(&household.id))
            .filter(ticket::Column::RatedAt.is_not_null())
            .filter(older(
                HistoryKind::Rating,
                ticket::Column::RatedAt,
                ticket::Column::Id,
                cursor,
            ))
            .order_by_desc(ticket::Column::RatedAt)
            .order_by_desc(ticket::Column::Id)
            .limit(fetch)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|t| {
                Some(HistoryEntry {
                    number: Some(t.number.clone()),
                    score: t.satisfaction,
                    ..entry(
                        HistoryKind::Rating,
                        &t.id,
                        t.rated_at?,
                        t.resident_id.clone(),
                        t.title,
                    )
                })
            });
        let conversations = conversation::Entity::find()
            .filter(conversation::Column::CompanyId.eq(company))
            .filter(conversation::Column::ResidentId.is_in(members.iter().cloned()))
            .filter(older(
                HistoryKind::Conversation,
                conversation::Column::LastMessageAt,
                conversation::Column::Id,
                cursor,
            ))
            .order_by_desc(conversation::Column::LastMessageAt)
            .order_by_desc(conversation::Column::Id)
            .limit(fetch)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| HistoryEntry {
                channel: Some(c.channel.clone()),
                state: Some(c.state.clone()),
                ..entry(
                    HistoryKind::Conversation,
                    &c.id,
                    c.last_message_at,
                    c.resident_id.clone(),
                    c.last_text.unwrap_or_default(),
                )
            });
        let read = announcement_recipient::Entity::find()
            .filter(announcement_recipient::Column::CompanyId.eq(company))
            .filter(announcement_recipient::Column::ResidentId.is_in(members.iter().cloned()))
            .filter(announcement_recipient::Column::ReadAt.is_not_null())
            .filter(older(
                HistoryKind::Announcement,
                announcement_recipient::Column::ReadAt,
                announcement_recipient::Column::AnnouncementId,
                cursor,
            ))
            .order_by_desc(announcement_recipient::Column::ReadAt)
            .order_by_desc(announcement_recipient::Column::AnnouncementId)
            .limit(fetch)
            .all(&self.db)
            .await?;
        let titles: Vec<announcement::Model> = announcement::Entity::find()
            .filter(announcement::Column::CompanyId.eq(company))
            .filter(announcement::Column::Id.is_in(read.iter().map(|r| r.announcement_id.clone())))
            .all(&self.db)
            .await?;
        let announcements = read.into_iter().filter_map(|r| {
            let title = titles
                .iter()
                .find(|a| a.id == r.announcement_id)
                .map(|a| a.title.clone())
                .unwrap_or_default();
            Some(HistoryEntry {
                acknowledged: r.acknowledged_at.is_some(),
                ..entry(
                    HistoryKind::Announcement,
                    &r.announcement_id,
                    r.read_at?,
                    Some(r.resident_id.clone()),
                    title,
                )
            })
        });
        let keyed = |e: HistoryEntry| {
            (
                HistoryCursor {
                    at: e.at,
                    kind: e.kind,
                    id: e.id.clone(),
                },
                e,
            )
        };
        let (page, next) = merge_history(
            vec![
                tickets.map(keyed).collect(),
                ratings.map(keyed).collect(),
                conversations.map(keyed).collect(),
                announcements.map(keyed).collect(),
            ],
            limit as usize,
        );
        Ok(HistoryPage {
            items: page.into_iter().map(|(_, e)| e).collect(),
            next,
        })
    }
}
