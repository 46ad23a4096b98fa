//! Reading the audit trail: what was changed of one object, by whom and when (admins only).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::Store;
use crate::entity::audit_entry;
use crate::error::Result;
use crate::principal::Principal;
use crate::support::require_admin;

impl Store {
    /// The entries of one object of the company's set-up (`entity` as the trail names it:
    /// `project`, `staff`, …), oldest first.
    pub async fn audit_trail(
        &self,
        who: &Principal,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<audit_entry::Model>> {
        require_admin(who)?;
        Ok(audit_entry::Entity::find()
            .filter(audit_entry::Column::CompanyId.eq(&who.company_id))
            .filter(audit_entry::Column::Entity.eq(entity))
            .filter(audit_entry::Column::EntityId.eq(entity_id))
            .order_by_asc(audit_entry::Column::CreatedAt)
            .order_by_asc(audit_entry::Column::Id)
            .all(&self.db)
            .await?)
    }
}
