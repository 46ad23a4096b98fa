//! What a company shows residents of itself: the name they know it by and its logo, on the
//! residents' pages instead of the product's name. Admins set them; every change is audited.

use chrono::{DateTime, Utc};
use guanjia_domain::validation::{FieldErrorCode, Problems};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::db::Store;
use crate::dispatch::check_photo;
use crate::entity::company;
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::{Audit, require_admin};

/// Longest display name: it has to fit the top bar of a phone.
pub const MAX_DISPLAY_NAME: usize = 40;

impl Store {
    /// The caller's company, with what it shows residents.
    pub async fn company_settings(&self, who: &Principal) -> Result<company::Model> {
        company::Entity::find_by_id(who.company_id.clone())
            .one(&self.db)
            .await?
            .ok_or(StorageError::NotFound("company"))
    }

    /// Sets the name residents see (admins); empty goes back to the company's legal name.
    pub async fn set_company_display_name(
        &self,
        who: &Principal,
        display_name: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<company::Model> {
        require_admin(who)?;
        let display_name = display_name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let mut problems = Problems::new();
        problems.optional_text("display_name", display_name.as_deref(), MAX_DISPLAY_NAME);
        problems.into_result(())?;
        let txn = self.begin_write().await?;
        let current = company::Entity::find_by_id(who.company_id.clone())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("company"))?;
        let mut model: company::ActiveModel = current.into();
        model.display_name = Set(display_name.clone());
        let updated = model.update(&txn).await?;
        Audit::by(who, "company", &who.company_id, "set_display_name")
            .record(&txn, json!({ "display_name": display_name }), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Sets the logo (admins): checked like a photo (JPEG, PNG or WebP by content, within the
    /// photos' size limits) and kept as its thumbnail. A bad file is 422 on `file` and changes nothing.
    pub async fn set_company_logo(
        &self,
        who: &Principal,
        bytes: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<company::Model> {
        require_admin(who)?;
        if bytes.is_empty() {
            return Err(StorageError::field("file", FieldErrorCode::Required));
        }
        let checked = check_photo(bytes).await?;
        let txn = self.begin_write().await?;
        let current = company::Entity::find_by_id(who.company_id.clone())
            .one(&txn)
            .await?
            .ok_or(StorageError::NotFound("company"))?;
        let mut model: company::ActiveModel = current.into();
        model.logo = Set(Some(checked.thumbnail().to_vec()));
        let updated = model.update(&txn).await?;
        Audit::by(who, "company", &who.company_id, "set_logo")
            .record(&txn, json!({ "bytes": checked.thumbnail().len() }), now)
            .await?;
        txn.commit().await?;
        Ok(updated)
    }
}
