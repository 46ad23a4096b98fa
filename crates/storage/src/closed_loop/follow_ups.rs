//! Who calls the resident back after the work.

use guanjia_domain::role::Role;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use crate::db::Store;
use crate::entity::{staff, staff_project, ticket};
use crate::error::Result;
use crate::profiles::butlers_of;

impl Store {
    /// The first-contact owner (首问负责人) follows up; a ticket that has none (a resident's own
    /// report nobody at the desk touched) goes to its household's butler, else to a butler of
    /// the project.
    pub(crate) async fn follow_up_owner(
        &self,
        db: &impl ConnectionTrait,
        t: &ticket::Model,
    ) -> Result<Option<String>> {
        if let Some(owner) = &t.first_contact_owner_id {
            return Ok(Some(owner.clone()));
        }
        if let Some(household_id) = &t.household_id {
            let mut theirs =
                butlers_of(db, &t.company_id, std::slice::from_ref(household_id)).await?;
            if let Some((butler, _)) = theirs.remove(household_id) {
                return Ok(Some(butler));
            }
        }
        let members = staff_project::Entity::find()
            .select_only()
            .column(staff_project::Column::StaffId)
            .filter(staff_project::Column::CompanyId.eq(&t.company_id))
            .filter(staff_project::Column::ProjectId.eq(&t.project_id))
            .into_query();
        let butler = staff::Entity::find()
            .filter(staff::Column::CompanyId.eq(&t.company_id))
            .filter(staff::Column::Role.eq(Role::Butler.as_str()))
            .filter(staff::Column::Active.eq(true))
            .filter(staff::Column::Id.in_subquery(members))
            .order_by_asc(staff::Column::Id)
            .one(db)
            .await?;
        Ok(butler.map(|b| b.id))
    }
}
