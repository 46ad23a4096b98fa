//! What a resolve needs to know of the category's SOP checklist: the required steps not ticked
//! yet on the ticket. The lifecycle decides; this only reads.

use guanjia_domain::checklist::{Step, left};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{kb_checklist, kb_checklist_tick, ticket};
use crate::error::Result;

/// The texts of the steps of `t`'s required checklist not ticked yet, in order; empty when its
/// category requires none.
pub(crate) async fn required_left(
    db: &impl ConnectionTrait,
    t: &ticket::Model,
) -> Result<Vec<String>> {
    let Some(code) = &t.category else {
        return Ok(vec![]);
    };
    let list = kb_checklist::Entity::find_by_id((t.company_id.clone(), code.clone()))
        .one(db)
        .await?;
    let Some(list) = list.filter(|l| l.required) else {
        return Ok(vec![]);
    };
    let steps: Vec<Step> = serde_json::from_value(list.steps).unwrap_or_default();
    let ticked: Vec<String> = kb_checklist_tick::Entity::find()
        .select_only()
        .column(kb_checklist_tick::Column::StepId)
        .filter(kb_checklist_tick::Column::CompanyId.eq(&t.company_id))
        .filter(kb_checklist_tick::Column::TicketId.eq(&t.id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(left(&steps, &ticked)
        .into_iter()
        .map(|s| s.text.clone())
        .collect())
}
