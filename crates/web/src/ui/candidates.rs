//! Who a job can go to, in the reader's words: the dispatch pipeline's own ranking of the
//! project's technicians, each option saying why it stands where it does
//! ("张师傅 · ✓ 技能 燃气 · 本网格 · 在岗 · 在办 2", "李师傅 · ✗ 无此技能"), and skills shown by
//! their names, never their codes.

use chrono::Utc;
use guanjia_domain::dispatch::{Exclusion, Ranked, is_field_work};
use guanjia_domain::role::Role;
use guanjia_domain::taxonomy::Kind;
use guanjia_storage::entity::ticket;

use super::directory::Directory;
use super::error::UiError;
use super::session::Session;
use super::text;
use crate::i18n::Lang;
use crate::state::AppState;

/// A skill by its name: a category's, or a kind's for all its categories.
pub fn skill_name(dir: &Directory, lang: Lang, code: &str) -> String {
    match code.parse::<Kind>() {
        Ok(kind) => text::kind(lang, kind).to_owned(),
        Err(_) => dir.category(Some(code)).unwrap_or_else(|| code.to_owned()),
    }
}

/// Skills by their names, as a list reads them.
pub fn skill_names(dir: &Directory, lang: Lang, codes: &[String]) -> String {
    let separator = if lang == Lang::Zh { "、" } else { ", " };
    codes
        .iter()
        .map(|code| skill_name(dir, lang, code))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Why the pipeline ranks a candidate where it does.
pub fn reasons(r: &Ranked, dir: &Directory, lang: Lang) -> String {
    let t = text::labels(lang);
    if r.exclusion == Some(Exclusion::NoSkill) {
        return format!("✗ {}", t.no_skill);
    }
    let mut parts = Vec::new();
    if let Some(skill) = &r.skill {
        parts.push(format!("{} {}", t.skill, skill_name(dir, lang, skill)));
    }
    parts.push((if r.in_grid { t.in_grid } else { t.outside_grid }).to_owned());
    parts.push((if r.on_duty { t.on_duty } else { t.off_duty }).to_owned());
    parts.push(format!("{} {}", t.open_jobs, r.open_jobs));
    if r.exclusion == Some(Exclusion::AtCapacity) {
        parts.push(t.at_capacity.to_owned());
    }
    let mark = if r.exclusion.is_none() { "✓" } else { "✗" };
    format!("{mark} {}", parts.join(" · "))
}

/// The option of one candidate: their name, then the reasons.
pub fn option_label(r: &Ranked, dir: &Directory, lang: Lang) -> String {
    format!("{} · {}", r.name, reasons(r, dir, lang))
}

/// The assignees a ticket's dispatch and transfer forms offer, as (staff id, label): for field
/// work the project's technicians in the pipeline's order with its reasons; for the rest the
/// project's staff, technicians first, with their role and skills by name.
pub async fn assignee_options(
    state: &AppState,
    session: &Session,
    dir: &Directory,
    t: &ticket::Model,
) -> Result<Vec<(String, String)>, UiError> {
    let lang = session.lang;
    let kind = *t.kind;
    if is_field_work(kind, t.category.as_deref()) {
        let ranking = state
            .store
            .dispatch_candidates(&session.who, &t.id, Utc::now())
            .await
            .map_err(|e| UiError::api(e, lang))?;
        return Ok(ranking
            .candidates
            .iter()
            .map(|r| (r.id.clone(), option_label(r, dir, lang)))
            .collect());
    }
    let mut staff: Vec<_> = dir.staff_of(&t.project_id).collect();
    staff.sort_by_key(|s| (s.role() != Role::Technician, s.staff.name.clone()));
    Ok(staff
        .into_iter()
        .map(|s| {
            let role = text::role(lang, s.role());
            let skills = skill_names(dir, lang, &s.skills());
            let label = if skills.is_empty() {
                format!("{} · {role}", s.staff.name)
            } else {
                format!("{} · {role} · {skills}", s.staff.name)
            };
            (s.staff.id.clone(), label)
        })
        .collect())
}
