//! 服务时限: the SLA policies (the most specific matching one sets each clock of a ticket), each
//! with what it applies to, its targets per clock, its early warnings and whether it is in use.
//! Admins add one and edit one; open tickets' deadlines follow, as with the API.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::Utc;
use guanjia_domain::resident::ServiceTier;
use guanjia_domain::sla::{ClockName, EscalationStep, PolicyInput, Target, Targets};
use guanjia_domain::taxonomy::{Kind, Urgency};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::entity::sla_policy;

use super::{Faults, Fields, admin_only, answer, render};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::choice::{Choice, choices};
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::place_rows::Column;
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text::{self, Labels};

/// How a target is typed: minutes, hours (kept as minutes) or business days.
const MINUTES: &str = "minutes";
const HOURS: &str = "hours";
const DAYS: &str = "business_days";

fn set(targets: &mut Targets, clock: ClockName, target: Option<Target>) {
    let slot = match clock {
        ClockName::FirstResponse => &mut targets.first_response,
        ClockName::Arrival => &mut targets.arrival,
        ClockName::Resolution => &mut targets.resolution,
        ClockName::FollowUp => &mut targets.follow_up,
        ClockName::Rectification => &mut targets.rectification,
        // The 12345 platform sets these with each order; no policy does.
        ClockName::HotlineAccept | ClockName::HotlineFinish => return,
    };
    *slot = target;
}

/// A target as the form shows it: the amount and its unit.
fn typed(target: Option<Target>) -> (String, &'static str) {
    match target {
        None => (String::new(), HOURS),
        Some(Target::BusinessDays(d)) => (d.to_string(), DAYS),
        Some(Target::Minutes(m)) if m % 60 == 0 => ((m / 60).to_string(), HOURS),
        Some(Target::Minutes(m)) => (m.to_string(), MINUTES),
    }
}

/// A target in words: "2 小时", "次日 (1 个工作日)".
fn spoken(lang: Lang, target: Target) -> String {
    let t = text::labels(lang);
    match typed(Some(target)) {
        (amount, DAYS) => format!("{amount} {}", t.unit_business_days),
        (amount, HOURS) => format!("{amount} {}", t.unit_hours),
        (amount, _) => format!("{amount} {}", t.unit_minutes),
    }
}

/// The policy input from the form; `escalation` is kept from the policy being edited.
fn input(form: &Fields, escalation: Option<Vec<EscalationStep>>) -> Result<PolicyInput, ApiError> {
    let mut targets = Targets::default();
    for &clock in ClockName::ALL.iter().filter(|c| c.set_by_policy()) {
        let field = format!("targets.{clock}");
        let Some(amount) = form.given(&field) else {
            continue;
        };
        let bad = || ValidationError::single(&field, FieldErrorCode::Invalid);
        let amount: u32 = amount.parse().map_err(|_| bad())?;
        let target = match form.one(&format!("unit.{clock}")).as_str() {
            DAYS => Target::BusinessDays(amount),
            HOURS => Target::Minutes(amount.checked_mul(60).ok_or_else(bad)?),
            _ => Target::Minutes(amount),
        };
        set(&mut targets, clock, Some(target));
    }
    let warnings = form.one("warn_at_percent");
    let warn_at_percent = if warnings.is_empty() {
        None
    } else {
        let parsed: Result<Vec<u8>, _> = warnings
            .split([',', '，', '、', ' '])
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_end_matches('%').parse())
            .collect();
        Some(
            parsed
                .map_err(|_| ValidationError::single("warn_at_percent", FieldErrorCode::Invalid))?,
        )
    };
    Ok(PolicyInput {
        name: form.one("name"),
        project_id: form.given("project_id"),
        kind: form.given("kind"),
        category: form.given("category"),
        urgency: form.given("urgency"),
        tier: form.given("tier"),
        calendar_id: form.given("calendar_id"),
        targets,
        warn_at_percent,
        escalation,
        active: Some(form.ticked("active")),
    })
}

/// The edit form of a stored policy.
fn filled(p: &sla_policy::Model) -> Fields {
    let targets: Targets = serde_json::from_value(p.targets.clone()).unwrap_or_default();
    let warnings: Vec<u8> = serde_json::from_value(p.warn_at_percent.clone()).unwrap_or_default();
    let mut pairs = vec![
        ("name", p.name.clone()),
        (
            "warn_at_percent",
            warnings
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];
    for (field, value) in [
        ("project_id", &p.project_id),
        ("kind", &p.kind),
        ("category", &p.category),
        ("urgency", &p.urgency),
        ("tier", &p.tier),
        ("calendar_id", &p.calendar_id),
    ] {
        pairs.extend(value.clone().map(|v| (field, v)));
    }
    if p.active {
        pairs.push(("active", "true".to_owned()));
    }
    let mut fields: Vec<(String, String)> =
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for &clock in ClockName::ALL.iter().filter(|c| c.set_by_policy()) {
        let (amount, unit) = typed(targets.get(clock));
        fields.push((format!("targets.{clock}"), amount));
        fields.push((format!("unit.{clock}"), unit.to_owned()));
    }
    Fields::of(fields.iter().map(|(k, v)| (k.as_str(), v.clone())))
}

/// One clock's row of the form.
pub struct ClockField {
    pub name: String,
    pub label: &'static str,
    pub amount: String,
    pub units: Vec<Choice>,
    pub why: Option<String>,
}

pub struct PolicyRow {
    pub id: String,
    pub name: String,
    pub applies_to: String,
    pub targets: String,
    pub warnings: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_policies.html")]
struct PoliciesPage {
    chrome: Chrome,
    t: &'static Labels,
    policies: Vec<PolicyRow>,
    /// The policy being edited, or none for a new one.
    editing: Option<String>,
    selects: Vec<(&'static str, &'static str, Vec<Choice>)>,
    clocks: Vec<ClockField>,
    form: Fields,
    faults: Faults,
}

impl PoliciesPage {
    async fn load(
        state: &AppState,
        session: &Session,
        rooms: &RoomBook,
        editing: Option<String>,
        form: Fields,
        faults: Faults,
    ) -> Result<Self, UiError> {
        let lang = session.lang;
        let t = text::labels(lang);
        let fail = |e| UiError::api(e, lang);
        let (dir, policies, calendars) = tokio::try_join!(
            Directory::load(state, session, rooms),
            async { state.store.sla_policies(&session.who).await.map_err(fail) },
            async { state.store.calendars(&session.who).await.map_err(fail) },
        )?;
        let row = |p: sla_policy::Model| {
            let targets: Targets = serde_json::from_value(p.targets.clone()).unwrap_or_default();
            let warnings: Vec<u8> =
                serde_json::from_value(p.warn_at_percent.clone()).unwrap_or_default();
            let scope: Vec<String> = [
                p.project_id.as_deref().map(|id| dir.project_name(id)),
                p.kind
                    .as_deref()
                    .and_then(|k| k.parse().ok())
                    .map(|k| text::kind(lang, k).to_owned()),
                dir.category(p.category.as_deref()),
                p.urgency
                    .as_deref()
                    .and_then(|u| u.parse().ok())
                    .map(|u| text::urgency(lang, u).to_owned()),
                p.tier
                    .as_deref()
                    .map(|tier| Column::Tier.label(lang, tier).to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect();
            PolicyRow {
                applies_to: if scope.is_empty() {
                    t.every_ticket.to_owned()
                } else {
                    scope.join(" · ")
                },
                targets: ClockName::ALL
                    .iter()
                    .filter_map(|&c| {
                        targets.get(c).map(|target| {
                            format!("{} {}", text::clock(lang, c), spoken(lang, target))
                        })
                    })
                    .collect::<Vec<_>>()
                    .join("；"),
                warnings: warnings
                    .iter()
                    .map(|w| format!("{w}%"))
                    .collect::<Vec<_>>()
                    .join("、"),
                active: p.active,
                id: p.id,
                name: p.name,
            }
        };
        let any = |label: &'static str| ("", label);
        let pick = |name: &str| form.given(name);
        let selects = vec![
            (
                "project_id",
                t.project,
                choices(
                    pick("project_id").as_deref(),
                    [any(t.any)].into_iter().chain(
                        dir.projects
                            .iter()
                            .map(|p| (p.id.as_str(), p.name.as_str())),
                    ),
                ),
            ),
            (
                "kind",
                t.kind,
                choices(
                    pick("kind").as_deref(),
                    [any(t.any)]
                        .into_iter()
                        .chain(Kind::ALL.iter().map(|k| (k.as_str(), text::kind(lang, *k)))),
                ),
            ),
            (
                "category",
                t.category,
                choices(
                    pick("category").as_deref(),
                    [any(t.any)].into_iter().chain(
                        dir.categories
                            .iter()
                            .map(|c| (c.code.as_str(), c.label.as_str())),
                    ),
                ),
            ),
            (
                "urgency",
                t.urgency,
                choices(
                    pick("urgency").as_deref(),
                    [any(t.any)].into_iter().chain(
                        Urgency::ALL
                            .iter()
                            .map(|u| (u.as_str(), text::urgency(lang, *u))),
                    ),
                ),
            ),
            (
                "tier",
                t.tier,
                choices(
                    pick("tier").as_deref(),
                    [any(t.any)].into_iter().chain(
                        ServiceTier::ALL
                            .iter()
                            .map(|s| (s.as_str(), Column::Tier.label(lang, s.as_str()))),
                    ),
                ),
            ),
            (
                "calendar_id",
                t.policy_calendar,
                choices(
                    pick("calendar_id").as_deref(),
                    [any(t.project_calendar)]
                        .into_iter()
                        .chain(calendars.iter().map(|c| (c.id.as_str(), c.name.as_str()))),
                ),
            ),
        ];
        let units = [
            (MINUTES, t.unit_minutes),
            (HOURS, t.unit_hours),
            (DAYS, t.unit_business_days),
        ];
        let clocks = ClockName::ALL
            .iter()
            .filter(|c| c.set_by_policy())
            .map(|&c| {
                let name = format!("targets.{c}");
                let unit = form.given(&format!("unit.{c}"));
                ClockField {
                    label: text::clock(lang, c),
                    amount: form.one(&name),
                    units: choices(unit.as_deref().or(Some(HOURS)), units),
                    why: faults.at(&name),
                    name: c.as_str().to_owned(),
                }
            })
            .collect();
        let title = if editing.is_some() {
            t.edit_policy
        } else {
            t.admin_policies
        };
        let here = editing.as_ref().map_or_else(
            || "/admin/policies".to_owned(),
            |id| format!("/admin/policies/{id}"),
        );
        Ok(PoliciesPage {
            chrome: Chrome::signed_in(session, title, Nav::Admin, &here),
            t,
            policies: policies.into_iter().map(row).collect(),
            editing,
            selects,
            clocks,
            form,
            faults,
        })
    }
}

/// `GET /admin/policies`: the list and the form of a new policy.
pub async fn list(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let form = Fields::of([
        ("active", "true".to_owned()),
        ("warn_at_percent", "50,80".to_owned()),
    ]);
    render(
        PoliciesPage::load(&state, &session, &rooms, None, form, Faults::default()).await?,
        None,
    )
}

/// `POST /admin/policies`: adds a policy (the default escalation ladder).
pub async fn create(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let created = async {
        Ok::<_, ApiError>(
            state
                .store
                .create_sla_policy(&session.who, input(&form, None)?.validate()?, Utc::now())
                .await?,
        )
    };
    answer(
        session.lang,
        created.await,
        |p| format!("/admin/policies#p-{}", p.id),
        async |faults| PoliciesPage::load(&state, &session, &rooms, None, form, faults).await,
    )
    .await
}

/// `GET /admin/policies/{id}`: the list and the policy's form, filled in.
pub async fn edit(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let policy = state
        .store
        .sla_policy(&session.who, &id)
        .await
        .map_err(|e| UiError::api(e, session.lang))?;
    render(
        PoliciesPage::load(
            &state,
            &session,
            &rooms,
            Some(id),
            filled(&policy),
            Faults::default(),
        )
        .await?,
        None,
    )
}

/// `POST /admin/policies/{id}`: saves the policy (its escalation ladder unchanged).
pub async fn update(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Result<Response, UiError> {
    admin_only(&session)?;
    let saved = async {
        let current = state.store.sla_policy(&session.who, &id).await?;
        let escalation: Vec<EscalationStep> =
            serde_json::from_value(current.escalation).unwrap_or_default();
        Ok::<_, ApiError>(
            state
                .store
                .update_sla_policy(
                    &session.who,
                    &id,
                    input(&form, Some(escalation))?.validate()?,
                    Utc::now(),
                )
                .await?,
        )
    };
    answer(
        session.lang,
        saved.await,
        |p| format!("/admin/policies#p-{}", p.id),
        async |faults| PoliciesPage::load(&state, &session, &rooms, Some(id), form, faults).await,
    )
    .await
}
