//! 业主画像 and 管家: a household's profile for staff, its important dates and preferences, its
//! butler (by building or by hand), and one person's data exported or erased on request (PIPL).

use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use guanjia_domain::delivery::PreferredChannel;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::profile::{
    ButlerSource, HistoryCursor, HistoryKind, HouseholdFacts, ImportantDate, ImportantDateKind,
    ProfileInput, profile_shows_phones,
};
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::entity::{contact_point, resident_tag};
use guanjia_storage::{Erased, HistoryEntry, HouseholdButler, HouseholdProfile, PersonExport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::routes::residents::ResidentView;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_profile, set_profile))
        .routes(routes!(set_household_butler))
        .routes(routes!(set_building_butler))
        .routes(routes!(export_resident))
        .routes(routes!(erase_resident))
}

/// History entries per page: default and most.
pub const HISTORY_PAGE: u64 = 20;
pub const MAX_HISTORY_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProfileQuery {
    /// `history.next_after` of the previous page.
    pub after: Option<String>,
    /// History entries, 1 to 50; default 20.
    pub limit: Option<u64>,
}

impl ProfileQuery {
    /// The history page asked for, checked.
    pub fn page(&self) -> Result<(Option<HistoryCursor>, u64), ValidationError> {
        let limit = self.limit.unwrap_or(HISTORY_PAGE);
        if !(1..=MAX_HISTORY_PAGE).contains(&limit) {
            return Err(ValidationError::single("limit", FieldErrorCode::OutOfRange));
        }
        let cursor = match &self.after {
            None => None,
            Some(raw) => Some(
                HistoryCursor::parse(raw)
                    .ok_or_else(|| ValidationError::single("after", FieldErrorCode::Invalid))?,
            ),
        };
        Ok((cursor, limit))
    }
}

/// A contact point; phones masked unless the caller calls the household.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPointView {
    /// phone, wechat, email
    pub kind: String,
    pub account: String,
    pub value: String,
}

/// A tag; sensitive ones (shown to butlers, managers and admins only) with their consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileTagView {
    pub code: String,
    pub sensitive: bool,
    /// Who recorded the resident's consent to a sensitive tag, and when.
    pub consent_by: Option<String>,
    pub consent_at: Option<DateTime<Utc>>,
}

impl From<resident_tag::Model> for ProfileTagView {
    fn from(t: resident_tag::Model) -> Self {
        ProfileTagView {
            code: t.code,
            sensitive: t.sensitive,
            consent_by: t.consent_by,
            consent_at: t.consent_at,
        }
    }
}

/// A member of the household.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: String,
    pub name: String,
    /// owner, family, tenant, merchant, company_contact
    pub role: String,
    pub tier: String,
    /// Masked unless the caller calls the household (its butler, those overseeing).
    pub phone: String,
    pub preferred_channel: PreferredChannel,
    pub contact_points: Vec<ContactPointView>,
    pub tags: Vec<ProfileTagView>,
}

/// The household's butler.
#[derive(Debug, Serialize, ToSchema)]
pub struct ButlerView {
    pub id: String,
    pub name: String,
    /// household (set by hand) or building (the building's butler).
    pub source: ButlerSource,
}

impl From<HouseholdButler> for ButlerView {
    fn from(b: HouseholdButler) -> Self {
        ButlerView {
            id: b.staff.id,
            name: b.staff.name,
            source: b.source,
        }
    }
}

/// How the household likes to be reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreferencesView {
    /// HH:MM: no calls before this local time; null: any time.
    pub call_not_before: Option<String>,
}

/// The stored facts of a household.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactsView {
    pub important_dates: Vec<ImportantDate>,
    pub preferences: PreferencesView,
}

impl From<HouseholdFacts> for FactsView {
    fn from(f: HouseholdFacts) -> Self {
        FactsView {
            important_dates: f.important_dates,
            preferences: PreferencesView {
                call_not_before: f
                    .preferences
                    .call_not_before
                    .map(|t| t.format("%H:%M").to_string()),
            },
        }
    }
}

/// One entry of the household's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryView {
    /// ticket, conversation, rating, announcement
    pub kind: HistoryKind,
    /// The ticket, conversation or announcement.
    pub id: String,
    pub at: DateTime<Utc>,
    pub resident_id: Option<String>,
    /// A ticket's title, a conversation's last words, an announcement's title.
    pub title: String,
    pub channel: Option<String>,
    /// A ticket's status or a conversation's state.
    pub state: Option<String>,
    pub number: Option<String>,
    /// A rating's satisfaction, 1 to 5.
    pub score: Option<i32>,
    /// An announcement acknowledged (已知晓).
    pub acknowledged: bool,
}

impl From<HistoryEntry> for HistoryEntryView {
    fn from(e: HistoryEntry) -> Self {
        HistoryEntryView {
            kind: e.kind,
            id: e.id,
            at: e.at,
            resident_id: e.resident_id,
            title: e.title,
            channel: e.channel,
            state: e.state,
            number: e.number,
            score: e.score,
            acknowledged: e.acknowledged,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    /// Newest first.
    pub items: Vec<HistoryEntryView>,
    /// Pass as `after` for the next page; null on the last one.
    pub next_after: Option<String>,
}

/// 业主画像: a household as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdProfileView {
    pub id: String,
    pub project_id: String,
    pub room_id: String,
    pub building_id: String,
    pub building: String,
    /// 2单元 1502, as the rooms name it.
    pub room: String,
    /// residential, shop, office, parking
    pub room_kind: String,
    /// The highest of its members' tiers.
    pub tier: ServiceTier,
    pub members: Vec<MemberView>,
    pub important_dates: Vec<ImportantDate>,
    pub preferences: PreferencesView,
    pub butler: Option<ButlerView>,
    pub history: HistoryView,
}

impl HouseholdProfileView {
    pub fn new(p: HouseholdProfile, shows_phones: bool) -> Self {
        let phone = |value: String| {
            if shows_phones {
                value
            } else {
                mask_phone(&value)
            }
        };
        let point = |c: contact_point::Model| ContactPointView {
            value: if c.kind == "phone" {
                phone(c.value)
            } else {
                c.value
            },
            kind: c.kind,
            account: c.account,
        };
        let tier = if p
            .members
            .iter()
            .any(|m| m.resident.tier == ServiceTier::Premium.as_str())
        {
            ServiceTier::Premium
        } else {
            ServiceTier::Basic
        };
        let facts = FactsView::from(p.facts);
        HouseholdProfileView {
            id: p.household.id,
            project_id: p.household.project_id,
            room_id: p.room.id,
            building_id: p.building.id,
            building: p.building.name,
            room: format!("{} {}", p.room.unit, p.room.number)
                .trim()
                .to_owned(),
            room_kind: p.room.kind,
            tier,
            members: p
                .members
                .into_iter()
                .map(|m| MemberView {
                    id: m.resident.id,
                    name: m.resident.name,
                    role: m.resident.role,
                    tier: m.resident.tier,
                    phone: phone(m.resident.phone),
                    preferred_channel: m
                        .resident
                        .preferred_channel
                        .parse()
                        .unwrap_or(PreferredChannel::Sms),
                    contact_points: m.contact_points.into_iter().map(point).collect(),
                    tags: m.tags.into_iter().map(ProfileTagView::from).collect(),
                })
                .collect(),
            important_dates: facts.important_dates,
            preferences: facts.preferences,
            butler: p.butler.map(ButlerView::from),
            history: HistoryView {
                next_after: p.history.next.map(|c| c.to_param()),
                items: p
                    .history
                    .items
                    .into_iter()
                    .map(HistoryEntryView::from)
                    .collect(),
            },
        }
    }
}

/// A household's profile: members with roles, contact points and tags (sensitive ones for
/// butlers, managers and admins only), tier, important dates, preferences, butler, and one
/// history across channels, newest first, a keyset page at a time (desk staff of the project;
/// residents 403).
#[utoipa::path(get, path = "/api/v1/households/{id}/profile", tag = "households", params(ProfileQuery),
    responses((status = 200, body = HouseholdProfileView), (status = 403), (status = 404), (status = 422)))]
async fn get_profile(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ProfileQuery>,
) -> ApiResult<axum::Json<HouseholdProfileView>> {
    let (cursor, limit) = query.page()?;
    let profile = state
        .store
        .household_profile(&who, &id, cursor.as_ref(), limit)
        .await?;
    Ok(axum::Json(HouseholdProfileView::new(
        profile,
        profile_shows_phones(who.role),
    )))
}

/// Replaces a household's important dates and/or preferences; a part left out stays (desk
/// staff of the project; audited). Bad input is 422 naming the field and changes nothing.
#[utoipa::path(put, path = "/api/v1/households/{id}/profile", tag = "households", request_body = ProfileInput,
    responses((status = 200, body = FactsView), (status = 403), (status = 404), (status = 422)))]
async fn set_profile(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<axum::Json<FactsView>> {
    let change = input.validate()?;
    let facts = state
        .store
        .set_household_facts(&who, &id, change, Utc::now())
        .await?;
    Ok(axum::Json(facts.into()))
}

/// A butler to set; null clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ButlerInput {
    /// An active butler of the project.
    pub butler_id: Option<String>,
}

/// The butler set on a building or household.
#[derive(Debug, Serialize, ToSchema)]
pub struct ButlerSetView {
    pub id: String,
    pub butler_id: Option<String>,
}

/// Sets a building's butler: its households without one set by hand are theirs (admins and
/// managers; audited). The staff member must be an active butler of the project (422
/// `butler_id` otherwise).
#[utoipa::path(put, path = "/api/v1/buildings/{id}/butler", tag = "households", request_body = ButlerInput,
    responses((status = 200, body = ButlerSetView), (status = 403), (status = 404), (status = 422)))]
async fn set_building_butler(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ButlerInput>,
) -> ApiResult<axum::Json<ButlerSetView>> {
    let b = state
        .store
        .set_building_butler(&who, &id, input.butler_id, Utc::now())
        .await?;
    Ok(axum::Json(ButlerSetView {
        id: b.id,
        butler_id: b.butler_id,
    }))
}

/// Sets a household's butler by hand, over its building's (admins, managers and supervisors;
/// audited). The staff member must be an active butler of the project (422 `butler_id`).
#[utoipa::path(put, path = "/api/v1/households/{id}/butler", tag = "households", request_body = ButlerInput,
    responses((status = 200, body = ButlerSetView), (status = 403), (status = 404), (status = 422)))]
async fn set_household_butler(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ButlerInput>,
) -> ApiResult<axum::Json<ButlerSetView>> {
    let h = state
        .store
        .set_household_butler(&who, &id, input.butler_id, Utc::now())
        .await?;
    Ok(axum::Json(ButlerSetView {
        id: h.id,
        butler_id: h.butler_id,
    }))
}

/// A ticket a person opened, as exported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedTicket {
    pub id: String,
    pub number: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub channel: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub reported_at: DateTime<Utc>,
}

/// A rating a person gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedRating {
    pub ticket_id: String,
    pub satisfaction: Option<i32>,
    pub timeliness: Option<i32>,
    pub attitude: Option<i32>,
    pub rated_at: DateTime<Utc>,
}

/// A message of one of their conversations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedMessage {
    pub conversation_id: String,
    /// in (theirs), out (to them)
    pub direction: String,
    pub channel: String,
    pub text: Option<String>,
    pub sent_at: DateTime<Utc>,
}

/// An announcement sent to them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedNotice {
    pub id: String,
    pub title: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// One person's data, as PIPL gives them the right to have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonExportView {
    pub exported_at: DateTime<Utc>,
    pub resident: ResidentView,
    pub contact_points: Vec<ContactPointView>,
    pub tags: Vec<ProfileTagView>,
    pub tickets: Vec<ExportedTicket>,
    pub ratings: Vec<ExportedRating>,
    pub messages: Vec<ExportedMessage>,
    pub announcements: Vec<ExportedNotice>,
    /// The household's important dates that are theirs.
    pub important_dates: Vec<ExportedDate>,
}

/// An important date of theirs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedDate {
    pub kind: ImportantDateKind,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub label: Option<String>,
}

impl PersonExportView {
    fn new(e: PersonExport, now: DateTime<Utc>) -> Self {
        PersonExportView {
            exported_at: now,
            important_dates: e
                .important_dates
                .into_iter()
                .map(|d| ExportedDate {
                    kind: d.kind,
                    date: d.date,
                    label: d.label,
                })
                .collect(),
            resident: e.resident.into(),
            contact_points: e
                .contact_points
                .into_iter()
                .map(|c| ContactPointView {
                    kind: c.kind,
                    account: c.account,
                    value: c.value,
                })
                .collect(),
            tags: e.tags.into_iter().map(ProfileTagView::from).collect(),
            ratings: e
                .tickets
                .iter()
                .filter_map(|t| {
                    Some(ExportedRating {
                        ticket_id: t.id.clone(),
                        satisfaction: t.satisfaction,
                        timeliness: t.timeliness,
                        attitude: t.attitude,
                        rated_at: t.rated_at?,
                    })
                })
                .collect(),
            tickets: e
                .tickets
                .into_iter()
                .map(|t| ExportedTicket {
                    id: t.id,
                    number: t.number,
                    title: t.title,
                    description: t.description,
                    status: t.status.to_string(),
                    channel: t.channel.to_string(),
                    contact_name: t.contact_name,
                    contact_phone: t.contact_phone,
                    reported_at: t.reported_at,
                })
                .collect(),
            messages: e
                .messages
                .into_iter()
                .map(|m| ExportedMessage {
                    conversation_id: m.conversation_id,
                    direction: m.direction,
                    channel: m.channel,
                    text: m.text,
                    sent_at: m.sent_at,
                })
                .collect(),
            announcements: e
                .announcements
                .into_iter()
                .map(|(a, mark)| ExportedNotice {
                    id: a.id,
                    title: a.title,
                    sent_at: a.sent_at,
                    read_at: mark.read_at,
                    acknowledged_at: mark.acknowledged_at,
                })
                .collect(),
        }
    }
}

/// One person's data as JSON: their record, contact points, tags, the tickets they opened and
/// their ratings, their conversations' messages, the announcements sent to them and their
/// important dates (admins and managers of their project; audited).
#[utoipa::path(get, path = "/api/v1/residents/{id}/export", tag = "residents",
    responses((status = 200, body = PersonExportView), (status = 403), (status = 404)))]
async fn export_resident(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PersonExportView>> {
    let now = Utc::now();
    let export = state.store.export_resident(&who, &id, now).await?;
    Ok(axum::Json(PersonExportView::new(export, now)))
}

/// What an erasure removed or anonymised.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasedView {
    /// Kept for the company's records, without their name or phone.
    pub tickets: u64,
    pub conversations: u64,
    /// Their messages, emptied.
    pub messages: u64,
    pub contact_points: u64,
    pub tags: u64,
    pub sessions: u64,
}

impl From<Erased> for ErasedView {
    fn from(e: Erased) -> Self {
        ErasedView {
            tickets: e.tickets,
            conversations: e.conversations,
            messages: e.messages,
            contact_points: e.contact_points,
            tags: e.tags,
            sessions: e.sessions,
        }
    }
}

/// Erases a person on request (PIPL): their record, contact points, tags, sessions and
/// messages go; their tickets stay without their name or phone (admins and managers of their
/// project; audited without their name).
#[utoipa::path(post, path = "/api/v1/residents/{id}/erase", tag = "residents",
    responses((status = 200, body = ErasedView), (status = 403), (status = 404)))]
async fn erase_resident(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ErasedView>> {
    let erased = state.store.erase_resident(&who, &id, Utc::now()).await?;
    Ok(axum::Json(erased.into()))
}
