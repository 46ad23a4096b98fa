//! 住户档案 and 我的住户: a household's profile for desk staff (members, tags as the reader's
//! role may see them, important dates and preferences to edit, its butler, one history across
//! channels), and a butler's households with what needs attention today.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use chrono_tz::Asia::Shanghai;
use guanjia_domain::delivery::PreferredChannel;
use guanjia_domain::phone::mask_phone;
use guanjia_domain::profile::{
    ButlerSource, ImportantDate, ImportantDateInput, ImportantDateKind, PreferencesInput,
    ProfileInput, profile_shows_phones,
};
use guanjia_domain::role::Role;
use guanjia_domain::taxonomy::Channel;
use guanjia_storage::{ButlerHousehold, HouseholdProfile};
use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::i18n::Lang;
use crate::routes::profiles::{HISTORY_PAGE, ProfileQuery};
use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::error::{Notice, UiError};
use crate::ui::redirect::see_other;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};
use crate::ui::time;

/// Empty rows the form offers for new important dates.
const NEW_DATE_ROWS: usize = 2;

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct MemberRow {
    pub name: String,
    pub role: &'static str,
    pub phone: String,
    pub channel: &'static str,
    pub tags: Vec<TagChip>,
}

pub struct TagChip {
    pub code: String,
    pub sensitive: bool,
    pub consented: bool,
}

pub struct DateRow {
    pub kinds: Vec<Choice>,
    pub date: String,
    pub members: Vec<Choice>,
    pub label: String,
}

pub struct HistoryRow {
    pub kind: &'static str,
    pub href: Option<String>,
    pub at: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    chrome: Chrome,
    t: &'static Labels,
    id: String,
    place: String,
    tier: &'static str,
    butler: Option<(String, &'static str)>,
    members: Vec<MemberRow>,
    dates: Vec<DateRow>,
    call_not_before: String,
    history: Vec<HistoryRow>,
    more: Option<String>,
    saved: bool,
    notice: Option<Notice>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    after: Option<String>,
    saved: Option<String>,
}

/// `GET /households/{id}`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, UiError> {
    let html = render(&state, &session, &id, &query, None).await?;
    Ok(Html(html).into_response())
}

/// `POST /households/{id}/profile`: the dates and preferences as the form lists them; a
/// refused form shows its problems over what is stored.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let now = Utc::now();
    let outcome: Result<(), ApiError> = async {
        let change = posted(pairs).validate()?;
        state
            .store
            .set_household_facts(&session.who, &id, change, now)
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(false, &format!("/households/{id}?saved=1"))),
        Err(error) if error.code == ErrorCode::ValidationFailed => {
            let notice = Some(Notice::of(&error, session.lang));
            let html = render(&state, &session, &id, &PageQuery::default(), notice).await?;
            Ok((error.code.status(), Html(html)).into_response())
        }
        Err(error) => Err(UiError::api(error, session.lang)),
    }
}

/// The form's rows, in order: a row whose date is empty is left out.
fn posted(pairs: Vec<(String, String)>) -> ProfileInput {
    let mut dates: Vec<ImportantDateInput> = vec![];
    let mut call_not_before = None;
    for (key, value) in pairs {
        match key.as_str() {
            "date_kind" => dates.push(ImportantDateInput {
                kind: value,
                date: String::new(),
                resident_id: None,
                label: None,
            }),
            "date_date" => {
                if let Some(last) = dates.last_mut() {
                    last.date = value;
                }
            }
            "date_member" => {
                if let Some(last) = dates.last_mut() {
                    last.resident_id = Some(value).filter(|v| !v.is_empty());
                }
            }
            "date_label" => {
                if let Some(last) = dates.last_mut() {
                    last.label = Some(value);
                }
            }
            "call_not_before" => call_not_before = Some(value).filter(|v| !v.trim().is_empty()),
            _ => {}
        }
    }
    dates.retain(|d| !d.date.trim().is_empty());
    ProfileInput {
        important_dates: Some(dates),
        preferences: Some(PreferencesInput { call_not_before }),
    }
}

async fn render(
    state: &AppState,
    session: &Session,
    id: &str,
    query: &PageQuery,
    notice: Option<Notice>,
) -> Result<String, UiError> {
    let lang = session.lang;
    let (cursor, limit) = ProfileQuery {
        after: query.after.clone(),
        limit: Some(HISTORY_PAGE),
    }
    .page()
    .map_err(|e| UiError::api(e, lang))?;
    let profile = state
        .store
        .household_profile(&session.who, id, cursor.as_ref(), limit)
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let t = text::labels(lang);
    let path = format!("/households/{id}");
    let page = HouseholdPage::new(
        profile,
        session.who.role,
        lang,
        Chrome::signed_in(session, t.household_title, Nav::None, &path),
        query.saved.is_some(),
        notice,
    );
    Ok(page.render()?)
}

impl HouseholdPage {
    fn new(
        p: HouseholdProfile,
        role: Role,
        lang: Lang,
        chrome: Chrome,
        saved: bool,
        notice: Option<Notice>,
    ) -> Self {
        let t = text::labels(lang);
        let shows_phones = profile_shows_phones(role);
        let member_choices = |chosen: Option<&str>| -> Vec<Choice> {
            std::iter::once(Choice {
                value: String::new(),
                label: t.household_whole.to_owned(),
                selected: chosen.is_none(),
            })
            .chain(p.members.iter().map(|m| Choice {
                value: m.resident.id.clone(),
                label: m.resident.name.clone(),
                selected: chosen == Some(m.resident.id.as_str()),
            }))
            .collect()
        };
        let kinds = |chosen: Option<ImportantDateKind>| -> Vec<Choice> {
            ImportantDateKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().to_owned(),
                    label: text::important_date_kind(lang, *k).to_owned(),
                    selected: chosen == Some(*k),
                })
                .collect()
        };
        let mut dates: Vec<DateRow> = p
            .facts
            .important_dates
            .iter()
            .map(|d: &ImportantDate| DateRow {
                kinds: kinds(Some(d.kind)),
                date: d.date.to_string(),
                members: member_choices(d.resident_id.as_deref()),
                label: d.label.clone().unwrap_or_default(),
            })
            .collect();
        dates.extend((0..NEW_DATE_ROWS).map(|_| DateRow {
            kinds: kinds(None),
            date: String::new(),
            members: member_choices(None),
            label: String::new(),
        }));
        let premium = p.members.iter().any(|m| m.resident.tier == "premium");
        let members = p
            .members
            .iter()
            .map(|m| MemberRow {
                name: m.resident.name.clone(),
                role: text::resident_role(lang, &m.resident.role),
                phone: if shows_phones {
                    m.resident.phone.clone()
                } else {
                    mask_phone(&m.resident.phone)
                },
                channel: text::preferred_channel(
                    lang,
                    m.resident
                        .preferred_channel
                        .parse()
                        .unwrap_or(PreferredChannel::Sms),
                ),
                tags: m
                    .tags
                    .iter()
                    .map(|tag| TagChip {
                        code: tag.code.clone(),
                        sensitive: tag.sensitive,
                        consented: tag.consent_at.is_some(),
                    })
                    .collect(),
            })
            .collect();
        let history = p
            .history
            .items
            .into_iter()
            .map(|e| {
                let channel = e
                    .channel
                    .as_deref()
                    .and_then(|c| c.parse::<Channel>().ok())
                    .map(|c| text::channel(lang, c));
                let detail = match (e.score, e.acknowledged, channel) {
                    (Some(score), _, _) => format!("{} {score}/5", t.household_score),
                    (_, true, _) => t.household_acknowledged.to_owned(),
                    (_, _, Some(channel)) => channel.to_owned(),
                    _ => String::new(),
                };
                HistoryRow {
                    kind: text::history_kind(lang, e.kind),
                    href: matches!(
                        e.kind,
                        guanjia_domain::profile::HistoryKind::Ticket
                            | guanjia_domain::profile::HistoryKind::Rating
                    )
                    .then(|| format!("/tickets/{}", e.id)),
                    at: time::short(e.at, Shanghai),
                    title: match e.number {
                        Some(number) => format!("{number} {}", e.title),
                        None => e.title,
                    },
                    detail,
                }
            })
            .collect();
        HouseholdPage {
            chrome,
            t,
            more: p
                .history
                .next
                .map(|c| format!("/households/{}?after={}", p.household.id, c.to_param())),
            id: p.household.id,
            place: format!("{} {} {}", p.building.name, p.room.unit, p.room.number)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            tier: text::tier(
                lang,
                if premium {
                    guanjia_domain::resident::ServiceTier::Premium
                } else {
                    guanjia_domain::resident::ServiceTier::Basic
                },
            ),
            butler: p.butler.map(|b| {
                let how = match b.source {
                    ButlerSource::Household => t.household_butler_by_hand,
                    ButlerSource::Building => t.household_butler_by_building,
                };
                (b.staff.name, how)
            }),
            members,
            dates,
            call_not_before: p
                .facts
                .preferences
                .call_not_before
                .map(|c| c.format("%H:%M").to_string())
                .unwrap_or_default(),
            history,
            saved,
            notice,
        }
    }
}

pub struct DayRow {
    pub href: String,
    pub place: String,
    pub members: String,
    pub follow_ups: Vec<(String, String)>,
    pub notices: Vec<String>,
    pub dates: Vec<String>,
    pub attention: bool,
}

#[derive(Template)]
#[template(path = "butler.html")]
struct ButlerPage {
    chrome: Chrome,
    t: &'static Labels,
    rows: Vec<DayRow>,
    attention: usize,
}

/// `GET /butler`: the signed-in butler's households, those needing attention today first.
pub async fn butler(State(state): State<AppState>, session: Session) -> Result<Response, UiError> {
    let lang = session.lang;
    let day = state
        .store
        .butler_day(&session.who, Utc::now())
        .await
        .map_err(|e| UiError::api(e, lang))?;
    let t = text::labels(lang);
    let rows: Vec<DayRow> = day
        .households
        .into_iter()
        .map(|h| day_row(h, lang))
        .collect();
    let page = ButlerPage {
        chrome: Chrome::signed_in(&session, t.butler_title, Nav::Butler, "/butler"),
        t,
        attention: rows.iter().filter(|r| r.attention).count(),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}

fn day_row(h: ButlerHousehold, lang: Lang) -> DayRow {
    let name_of = |id: &str| {
        h.members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    DayRow {
        attention: h.needs_attention(),
        href: format!("/households/{}", h.household.id),
        place: format!("{} {} {}", h.building_name, h.room.unit, h.room.number)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        members: h
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        follow_ups: h
            .follow_ups
            .iter()
            .map(|t| {
                (
                    format!("/tickets/{}", t.id),
                    format!("{} {}", t.number, t.title),
                )
            })
            .collect(),
        notices: h
            .notices
            .iter()
            .map(|(a, resident)| format!("{} · {}", a.title, name_of(resident)))
            .collect(),
        dates: h
            .dates_today
            .iter()
            .map(|d| {
                let whose = d.resident_id.as_deref().map(name_of).unwrap_or_default();
                [
                    text::important_date_kind(lang, d.kind).to_owned(),
                    whose,
                    d.label.clone().unwrap_or_default(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .collect(),
    }
}
