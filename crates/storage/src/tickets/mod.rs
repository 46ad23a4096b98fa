//! Tickets: create, read with scope, act, and the timeline.

mod act;
mod checklist_gate;
mod create;
mod duplicates;
mod following;
mod lifecycle;
mod news;
mod query;
mod reclassify;
mod refile;
pub(crate) mod timeline;

pub(crate) use act::SystemCause;
pub use act::allowed_actions;
pub(crate) use create::{AlsoWrite, Arrival};
pub use create::{Opened, Understanding};
pub(crate) use duplicates::problem_key_rows;
pub use lifecycle::follow_up_policy_of;
pub use query::{After, TicketFilter, TicketOrder, TicketPage};
pub(crate) use query::{NEXT_DUE_AT, clocks_in, earliest_open_due};
#[cfg(feature = "test-support")]
pub(crate) use refile::refile_in_pages;
pub(crate) use refile::refile_understood;

use guanjia_domain::role::Role;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::entity::{dispatch_offer, subtask, ticket};
use crate::principal::{Principal, ProjectScope};

/// The tickets a principal may see: residents their households', technicians the jobs given
/// to them, other staff their projects' (and always the tickets they own from first contact).
pub(crate) fn visible_to(who: &Principal) -> Condition {
    let company = Condition::all().add(ticket::Column::CompanyId.eq(&who.company_id));
    let scope = match (who.role, &who.projects) {
        (Role::Resident, _) => {
            Condition::all().add(ticket::Column::HouseholdId.is_in(who.households.clone()))
        }
        // A technician sees their jobs, the jobs offered to them to grab, and those they help on.
        (Role::Technician, _) => {
            let offered = dispatch_offer::Entity::find()
                .select_only()
                .column(dispatch_offer::Column::TicketId)
                .filter(dispatch_offer::Column::CompanyId.eq(&who.company_id))
                .filter(dispatch_offer::Column::StaffId.eq(&who.id))
                .into_query();
            let helping = subtask::Entity::find()
                .select_only()
                .column(subtask::Column::TicketId)
                .filter(subtask::Column::CompanyId.eq(&who.company_id))
                .filter(subtask::Column::AssigneeId.eq(&who.id))
                .into_query();
            Condition::any()
                .add(ticket::Column::AssigneeId.eq(&who.id))
                .add(ticket::Column::Id.in_subquery(offered))
                .add(ticket::Column::Id.in_subquery(helping))
        }
        (_, ProjectScope::All) => Condition::all(),
        (_, ProjectScope::Only(ids)) => Condition::any()
            .add(ticket::Column::ProjectId.is_in(ids.clone()))
            .add(ticket::Column::FirstContactOwnerId.eq(&who.id)),
    };
    company.add(scope)
}
