//! Review-by reminders: once an article's review-by date has come in its company's time zone,
//! its owner is told, once; a later date set by an edit reminds again. Every node may run this:
//! each reminder is claimed by a conditional update in the transaction that writes it, so
//! exactly one node writes it whatever runs at the same time.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use guanjia_domain::kb::ArticleState;
use guanjia_domain::notice::NoticeKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

use crate::db::Store;
use crate::entity::{company, kb_article};
use crate::error::Result;
use crate::notify::{Subject, notify};

/// Reminders written per company and run; the rest wait for the next run.
const BATCH: u64 = 200;

/// Not yet reminded of `date`.
fn not_reminded_of(date: NaiveDate) -> Condition {
    Condition::any()
        .add(kb_article::Column::RemindedFor.is_null())
        .add(kb_article::Column::RemindedFor.ne(date))
}

impl Store {
    /// Reminds the owners of the articles whose review-by date has come; how many were reminded
    /// by this call.
    pub async fn remind_kb_reviews(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut reminded = 0;
        for c in company::Entity::find().all(&self.db).await? {
            let zone: Tz = c.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
            let today = now.with_timezone(&zone).date_naive();
            let due = kb_article::Entity::find()
                .filter(kb_article::Column::CompanyId.eq(&c.id))
                .filter(kb_article::Column::ReviewBy.lte(today))
                .filter(kb_article::Column::State.ne(ArticleState::Archived.as_str()))
                .filter(
                    Condition::any()
                        .add(kb_article::Column::RemindedFor.is_null())
                        .add(
                            Expr::col(kb_article::Column::RemindedFor)
                                .ne(Expr::col(kb_article::Column::ReviewBy)),
                        ),
                )
                .limit(BATCH)
                .all(&self.db)
                .await?;
            for article in due {
                let Some(date) = article.review_by else {
                    continue;
                };
                let txn = self.begin_write().await?;
                let claimed = kb_article::Entity::update_many()
                    .col_expr(kb_article::Column::RemindedFor, Expr::value(date))
                    .filter(kb_article::Column::CompanyId.eq(&article.company_id))
                    .filter(kb_article::Column::Id.eq(&article.id))
                    .filter(kb_article::Column::ReviewBy.eq(date))
                    .filter(not_reminded_of(date))
                    .exec(&txn)
                    .await?
                    .rows_affected
                    == 1;
                if claimed {
                    let details = json!({ "article_id": article.id, "title": article.title, "review_by": date });
                    let subject = Subject {
                        company_id: &article.company_id,
                        ticket_id: None,
                    };
                    let to = [article.owner_id.clone()];
                    notify(
                        &txn,
                        &self.delivery,
                        subject,
                        &to,
                        NoticeKind::ArticleReview,
                        &details,
                        now,
                    )
                    .await?;
                    reminded += 1;
                }
                txn.commit().await?;
            }
        }
        Ok(reminded)
    }
}
