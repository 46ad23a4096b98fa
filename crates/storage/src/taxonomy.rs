//! The company's editable category tree.

use chrono::{DateTime, Utc};
use guanjia_domain::setup::NewCategory;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::category;
use crate::error::{Result, StorageError};

use crate::principal::Principal;
use crate::support::{Audit, require_admin};

impl Store {
    pub async fn categories(&self, company_id: &str) -> Result<Vec<category::Model>> {
        Ok(category::Entity::find()
            .filter(category::Column::CompanyId.eq(company_id))
            .order_by_asc(category::Column::Position)
            .all(&self.db)
            .await?)
    }

    /// Adds a category, or updates the labels and state of an existing code.
    pub async fn save_category(
        &self,
        who: &Principal,
        input: NewCategory,
        now: DateTime<Utc>,
    ) -> Result<category::Model> {
        require_admin(who)?;
        let txn = self.begin_write().await?;
        let key = (who.company_id.clone(), input.code.clone());
        let saved = match category::Entity::find_by_id(key).one(&txn).await? {
            Some(existing) => {
                let mut model: category::ActiveModel = existing.into();
                model.label_zh = Set(input.label_zh);
                model.label_en = Set(input.label_en);
                model.active = Set(input.active);
                if let Some(policy) = input.follow_up_policy {
                    model.follow_up_policy = Set(Some(policy.into()));
                }
                if let Some(mode) = input.dispatch_mode {
                    model.dispatch_mode = Set(Some(mode.as_str().to_owned()));
                }
                if let Some(min_photos) = input.min_photos {
                    model.min_photos = Set(Some(min_photos));
                }
                model.update(&txn).await?
            }
            None => {
                let position = category::Entity::find()
                    .filter(category::Column::CompanyId.eq(&who.company_id))
                    .count(&txn)
                    .await?;
                category::ActiveModel {
                    company_id: Set(who.company_id.clone()),
                    code: Set(input.code),
                    kind: Set(input.kind.as_str().to_owned()),
                    label_zh: Set(input.label_zh),
                    label_en: Set(input.label_en),
                    active: Set(input.active),
                    position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                    follow_up_policy: Set(input.follow_up_policy.map(Into::into)),
                    dispatch_mode: Set(input.dispatch_mode.map(|m| m.as_str().to_owned())),
                    grab_minutes: Set(None),
                    min_photos: Set(input.min_photos),
                }
                .insert(&txn)
                .await?
            }
        };
        Audit::by(who, "category", &saved.code, "save")
            .record(&txn, json!({ "label_zh": saved.label_zh, "label_en": saved.label_en, "active": saved.active, "follow_up_policy": saved.follow_up_policy, "dispatch_mode": saved.dispatch_mode, "min_photos": saved.min_photos }), now)
            .await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Checks that `code` is an active category of the company: unknown is a 422 on `category`.
    pub(crate) async fn active_category(
        &self,
        company_id: &str,
        code: &str,
    ) -> Result<category::Model> {
        let found = category::Entity::find_by_id((company_id.to_owned(), code.to_owned()))
            .one(&self.db)
            .await?;
        match found {
            Some(c) if c.active => Ok(c),
            _ => Err(StorageError::field(
                "category",
                FieldErrorCode::UnknownReference,
            )),
        }
    }
}
