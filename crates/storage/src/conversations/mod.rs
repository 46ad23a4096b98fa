//! Conversations (会话): every message in or out, whatever the channel, received the one way
//! ([`receive`]), read within scope ([`query`]), answered, given and closed ([`reply`]), turned
//! into a ticket ([`ticket`]); and the contact points that make one identity of a resident
//! ([`identity`]).

mod bot;
mod chat;
mod identity;
mod query;
mod receive;
mod reply;
mod ticket;

pub use identity::Merged;
pub use query::{ConversationFilter, ConversationPage, MessageDelivery, Thread};
pub(crate) use receive::Carried;
pub use receive::{MessageReceived, Receipt};

use guanjia_domain::conversation::ContactKind;
use guanjia_domain::role::Role;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::entity::{contact_point, conversation, resident};
use crate::principal::{Principal, ProjectScope};

/// The conversations a principal may see: staff at the desk their projects' (company-wide ones
/// also those of no project yet, an unknown sender's) and those they own; a resident their own,
/// by any of their resident records or by their phone.
pub(crate) fn visible_to(who: &Principal) -> Condition {
    let company = Condition::all().add(conversation::Column::CompanyId.eq(&who.company_id));
    let scope = match (who.role, &who.projects) {
        (Role::Resident, _) => {
            let theirs = resident::Entity::find()
                .select_only()
                .column(resident::Column::Id)
                .filter(resident::Column::CompanyId.eq(&who.company_id))
                .filter(resident::Column::Phone.eq(&who.id))
                .into_query();
            Condition::any()
                .add(conversation::Column::ResidentId.in_subquery(theirs))
                .add(
                    Condition::all()
                        .add(conversation::Column::ContactKind.eq(ContactKind::Phone.as_str()))
                        .add(conversation::Column::ContactValue.eq(&who.id)),
                )
        }
        (role, _) if !role.is_desk() => Condition::all().add(conversation::Column::Id.is_null()),
        (_, ProjectScope::All) => Condition::all(),
        (_, ProjectScope::Only(ids)) => Condition::any()
            .add(conversation::Column::ProjectId.is_in(ids.clone()))
            .add(conversation::Column::AssigneeId.eq(&who.id)),
    };
    company.add(scope)
}

/// The resident records a contact point belongs to: a phone is every record under it, and any
/// contact point bound to a record names that one.
pub(crate) fn residents_of(
    company_id: &str,
    kind: ContactKind,
    account: &str,
    value: &str,
) -> Condition {
    let bound = contact_point::Entity::find()
        .select_only()
        .column(contact_point::Column::ResidentId)
        .filter(contact_point::Column::CompanyId.eq(company_id))
        .filter(contact_point::Column::Kind.eq(kind.as_str()))
        .filter(contact_point::Column::Account.eq(account))
        .filter(contact_point::Column::Value.eq(value))
        .into_query();
    let mut any = Condition::any().add(resident::Column::Id.in_subquery(bound));
    if kind == ContactKind::Phone {
        any = any.add(resident::Column::Phone.eq(value));
    }
    Condition::all()
        .add(resident::Column::CompanyId.eq(company_id))
        .add(any)
}
