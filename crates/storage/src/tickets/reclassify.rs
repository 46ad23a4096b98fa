//! Reclassifying a ticket (改分类): kind, category and urgency as the desk decides, and the
//! corrections of what message understanding read from the text, so its accuracy is measured on
//! real tickets (`GET /api/v1/metrics/intake`).

use chrono::{DateTime, Utc};
use guanjia_domain::ticket::{
    CORRECTABLE, Classification, Correction, IntakeAccuracy, Reclassification, correction,
    intake_accuracy,
};
use guanjia_domain::validation::{FieldErrorCode, Problems};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};

use crate::closed_loop::{figures_projects, reported_between};
use crate::db::Store;
use crate::entity::{category, intake_correction, ticket};
use crate::error::{Result, StorageError};
use crate::principal::Principal;

/// How many of the most frequent corrections the figures list.
const TOP_CORRECTIONS: usize = 10;

/// What a stored ticket is.
fn classification_of(t: &ticket::Model) -> Classification {
    Classification {
        kind: *t.kind,
        category: t.category.clone(),
        urgency: *t.urgency,
    }
}

/// The fields of a ticket that message understanding filled in at creation.
fn filled_fields(t: &ticket::Model) -> Vec<String> {
    t.filled_from_text
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

fn correction_of(row: intake_correction::Model) -> Correction {
    Correction {
        field: row.field,
        analysed: row.analysed,
        chosen: row.chosen,
    }
}

impl Store {
    /// Writes a reclassification into `model` (its category's follow-up policy too) and keeps the
    /// corrections of the fields read from the text, in the action's transaction. The state
    /// machine has already accepted the action.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn reclassify(
        &self,
        txn: &DatabaseTransaction,
        who: &Principal,
        current: &ticket::Model,
        [kind, category, urgency]: [&Option<String>; 3],
        reason: Option<&str>,
        model: &mut ticket::ActiveModel,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut problems = Problems::new();
        let request = Reclassification::check(
            &mut problems,
            kind.as_deref(),
            category.as_deref(),
            urgency.as_deref(),
        );
        problems.into_result(())?;
        let Some(request) = request else {
            return Ok(());
        };
        let before = classification_of(current);
        let after = request.apply_to(&before);
        if let Some(code) = request.category() {
            let found = category::Entity::find_by_id((current.company_id.clone(), code.to_owned()))
                .one(txn)
                .await?;
            let found = found
                .filter(|c| c.active)
                .ok_or_else(|| StorageError::field("category", FieldErrorCode::UnknownReference))?;
            model.follow_up_policy = Set(found.follow_up_policy.map(|p| (*p).into()));
        } else if after.category.is_none() {
            model.follow_up_policy = Set(None);
        }
        model.kind = Set(after.kind.into());
        model.category = Set(after.category.clone());
        model.urgency = Set(after.urgency.into());
        let filled = filled_fields(current);
        for field in CORRECTABLE {
            let (was, will) = (before.value(field), after.value(field));
            if was == will {
                continue;
            }
            let key = (
                current.company_id.clone(),
                current.id.clone(),
                field.to_owned(),
            );
            let recorded = intake_correction::Entity::find_by_id(key.clone())
                .one(txn)
                .await?
                .map(correction_of);
            intake_correction::Entity::delete_by_id(key)
                .exec(txn)
                .await?;
            let read_from_text = filled.iter().any(|f| f == field);
            if let Some(c) = correction(field, read_from_text, recorded.as_ref(), was, will) {
                intake_correction::ActiveModel {
                    company_id: Set(current.company_id.clone()),
                    ticket_id: Set(current.id.clone()),
                    field: Set(c.field),
                    project_id: Set(current.project_id.clone()),
                    analysed: Set(c.analysed),
                    chosen: Set(c.chosen),
                    corrected_by: Set(who.id.clone()),
                    reason: Set(reason.map(str::to_owned)),
                    reported_at: Set(current.reported_at),
                    corrected_at: Set(now),
                }
                .insert(txn)
                .await?;
            }
        }
        Ok(())
    }

    /// How often the desk kept what was read from the text, per field, over the tickets reported
    /// in `[from, to)` in one project or every project the caller sees.
    pub async fn intake_accuracy(
        &self,
        who: &Principal,
        project_id: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<IntakeAccuracy> {
        let projects = figures_projects(who, project_id)?;
        let filled: Vec<Option<serde_json::Value>> =
            reported_between(&who.company_id, projects.as_ref(), from, to)
                .select_only()
                .column(ticket::Column::FilledFromText)
                .filter(ticket::Column::FilledFromText.is_not_null())
                .into_tuple()
                .all(&self.db)
                .await?;
        let filled: Vec<Vec<String>> = filled
            .into_iter()
            .flatten()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        let mut corrections = intake_correction::Entity::find()
            .filter(intake_correction::Column::CompanyId.eq(&who.company_id))
            .filter(intake_correction::Column::ReportedAt.gte(from))
            .filter(intake_correction::Column::ReportedAt.lt(to));
        if let Some(ids) = projects {
            corrections = corrections.filter(intake_correction::Column::ProjectId.is_in(ids));
        }
        let corrections: Vec<Correction> = corrections
            .all(&self.db)
            .await?
            .into_iter()
            .map(correction_of)
            .collect();
        Ok(intake_accuracy(
            filled.iter().map(Vec::as_slice),
            &corrections,
            TOP_CORRECTIONS,
        ))
    }
}
