//! Companies: the tenants of an installation, and what each starts with.

use chrono::{DateTime, Utc};
use guanjia_domain::place::DEFAULT_TIME_ZONE;
use guanjia_domain::taxonomy::DEFAULT_CATEGORIES;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::db::Store;
use crate::entity::{category, company};
use crate::error::Result;
use crate::sla::seed_sla;
use crate::support::{Audit, new_id};

/// The code of the company an empty installation gets for its first admin.
pub const DEFAULT_COMPANY_CODE: &str = "default";

impl Store {
    /// The company with `code`, created with the default taxonomy if it does not exist yet.
    pub async fn ensure_company(
        &self,
        code: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<company::Model> {
        if let Some(found) = self.company_by_code(code).await? {
            return Ok(found);
        }
        let txn = self.begin_write().await?;
        // Another node may have created it between the look-up and the write lock.
        if let Some(found) = company::Entity::find()
            .filter(company::Column::Code.eq(code))
            .one(&txn)
            .await?
        {
            return Ok(found);
        }
        let created = company::ActiveModel {
            id: Set(new_id()),
            code: Set(code.to_owned()),
            name: Set(name.to_owned()),
            time_zone: Set(DEFAULT_TIME_ZONE.to_owned()),
            created_at: Set(now),
            display_name: Set(None),
            logo: Set(None),
        }
        .insert(&txn)
        .await?;
        let categories =
            DEFAULT_CATEGORIES
                .iter()
                .enumerate()
                .map(|(position, c)| category::ActiveModel {
                    company_id: Set(created.id.clone()),
                    code: Set(c.code.to_owned()),
                    kind: Set(c.kind().as_str().to_owned()),
                    label_zh: Set(c.label_zh.to_owned()),
                    label_en: Set(c.label_en.to_owned()),
                    active: Set(true),
                    position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                    follow_up_policy: Set(None),
                    dispatch_mode: Set(None),
                    grab_minutes: Set(None),
                    min_photos: Set(None),
                });
        category::Entity::insert_many(categories).exec(&txn).await?;
        seed_sla(&txn, &created.id, now).await?;
        let audit = Audit {
            company_id: &created.id,
            actor: None,
            entity: "company",
            entity_id: &created.id,
            action: "create",
        };
        audit
            .record(&txn, json!({ "code": code, "name": name }), now)
            .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The company with `code`, if there is one.
    pub async fn company_by_code(&self, code: &str) -> Result<Option<company::Model>> {
        Ok(company::Entity::find()
            .filter(company::Column::Code.eq(code))
            .one(&self.db)
            .await?)
    }

    /// The installation's companies, oldest first.
    pub async fn companies(&self) -> Result<Vec<company::Model>> {
        Ok(company::Entity::find()
            .order_by_asc(company::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }
}
