//! NPS campaigns: invitations through the outbox with signed single-use links, answers, and
//! the score of a campaign or of a project over a period.

use guanjia_domain::notice::NoticeKind;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use guanjia_domain::closed_loop::{NewCampaign, NpsAnswer, NpsSummary, summarize};
use guanjia_domain::role::Role;
use guanjia_domain::validation::FieldErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::json;

use super::signing;
use crate::db::Store;
use crate::entity::{building, nps_campaign, nps_invitation, nps_response, resident, room};
use crate::error::{Result, StorageError};
use crate::notify::{Subject, notify};
use crate::principal::Principal;
use crate::support::{Audit, new_id};

fn claims(
    company_id: &str,
    campaign: &nps_campaign::Model,
    invitation: &nps_invitation::Model,
) -> String {
    format!(
        "nps|{company_id}|{}|{}|{}|{}",
        campaign.id,
        invitation.phone,
        invitation.nonce,
        campaign.closes_at.timestamp()
    )
}

/// A campaign with what its answers add up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub campaign: nps_campaign::Model,
    pub summary: NpsSummary,
}

impl Store {
    /// Starts a campaign (admins and managers): every resident phone of the project (or of the
    /// building, or of the tier) gets one invitation with a signed single-use link.
    pub async fn create_nps_campaign(
        &self,
        who: &Principal,
        input: NewCampaign,
        now: DateTime<Utc>,
    ) -> Result<Campaign> {
        if !(who.role.administers() || who.role == Role::Manager) {
            return Err(StorageError::Forbidden);
        }
        let unknown = |field: &str| StorageError::field(field, FieldErrorCode::UnknownReference);
        let project = self
            .project(who, &input.project_id)
            .await
            .map_err(|_| unknown("project_id"))?;
        if let Some(building_id) = &input.building_id {
            building::Entity::find_by_id((who.company_id.clone(), building_id.clone()))
                .one(&self.db)
                .await?
                .filter(|b| b.project_id == project.id)
                .ok_or_else(|| unknown("building_id"))?;
        }
        let phones = self.segment_phones(&who.company_id, &input).await?;
        let txn = self.begin_write().await?;
        let campaign = nps_campaign::ActiveModel {
            company_id: Set(who.company_id.clone()),
            id: Set(new_id()),
            name: Set(input.name),
            project_id: Set(project.id),
            building_id: Set(input.building_id),
            tier: Set(input.tier.map(|t| t.as_str().to_owned())),
            question: Set(input.question),
            invited: Set(i32::try_from(phones.len()).unwrap_or(i32::MAX)),
            closes_at: Set(input.closes_at),
            created_by: Set(who.id.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        for phone in phones {
            let invitation = nps_invitation::ActiveModel {
                company_id: Set(who.company_id.clone()),
                nonce: Set(signing::nonce()?),
                campaign_id: Set(campaign.id.clone()),
                phone: Set(phone.clone()),
                used_at: Set(None),
            }
            .insert(&txn)
            .await?;
            let token = signing::token(
                &txn,
                &invitation.nonce,
                &claims(&who.company_id, &campaign, &invitation),
            )
            .await?;
            let details = json!({ "campaign": campaign.name, "question": campaign.question, "token": token, "path": format!("/survey/{token}"), "closes_at": campaign.closes_at });
            notify(
                &txn,
                &self.delivery,
                Subject {
                    company_id: &who.company_id,
                    ticket_id: None,
                },
                &[phone],
                NoticeKind::NpsSurvey,
                &details,
                now,
            )
            .await?;
        }
        Audit::by(who, "nps_campaign", &campaign.id, "create")
            .record(&txn, json!({ "name": campaign.name, "project_id": campaign.project_id, "invited": campaign.invited }), now)
            .await?;
        txn.commit().await?;
        Ok(Campaign {
            campaign,
            summary: NpsSummary::default(),
        })
    }

    /// The residents' phones a campaign reaches, each once.
    async fn segment_phones(
        &self,
        company_id: &str,
        input: &NewCampaign,
    ) -> Result<BTreeSet<String>> {
        let mut query = resident::Entity::find()
            .filter(resident::Column::CompanyId.eq(company_id))
            .filter(resident::Column::ProjectId.eq(&input.project_id));
        if let Some(tier) = input.tier {
            query = query.filter(resident::Column::Tier.eq(tier.as_str()));
        }
        if let Some(building_id) = &input.building_id {
            let rooms = room::Entity::find()
                .select_only()
                .column(room::Column::Id)
                .filter(room::Column::CompanyId.eq(company_id))
                .filter(room::Column::BuildingId.eq(building_id))
                .into_query();
            query = query.filter(resident::Column::RoomId.in_subquery(rooms));
        }
        Ok(query
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.phone)
            .collect())
    }

    /// The campaigns of the projects the caller sees, newest first, with their scores.
    pub async fn nps_campaigns(&self, who: &Principal) -> Result<Vec<Campaign>> {
        if !who.role.is_staff() {
            return Err(StorageError::Forbidden);
        }
        let campaigns = nps_campaign::Entity::find()
            .filter(nps_campaign::Column::CompanyId.eq(&who.company_id))
            .order_by_desc(nps_campaign::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let mut out = Vec::new();
        for campaign in campaigns
            .into_iter()
            .filter(|c| who.sees_project(&c.project_id))
        {
            let scores = scores(
                &self.db,
                &who.company_id,
                Condition::all().add(nps_response::Column::CampaignId.eq(&campaign.id)),
            )
            .await?;
            out.push(Campaign {
                campaign,
                summary: summarize(&scores),
            });
        }
        Ok(out)
    }

    /// The answers of residents of a project (or of every project the caller sees) in a period.
    pub(crate) async fn nps_between(
        &self,
        company_id: &str,
        projects: Option<Vec<String>>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<NpsSummary> {
        let mut when = Condition::all()
            .add(nps_response::Column::AnsweredAt.gte(from))
            .add(nps_response::Column::AnsweredAt.lt(to));
        if let Some(projects) = projects {
            when = when.add(nps_response::Column::ProjectId.is_in(projects));
        }
        Ok(summarize(&scores(&self.db, company_id, when).await?))
    }

    /// What a survey link asks, while it can still be answered.
    pub async fn survey(&self, token: &str, now: DateTime<Utc>) -> Result<nps_campaign::Model> {
        let (_, campaign) = self.open_invitation(&self.db, token, now).await?;
        Ok(campaign)
    }

    /// Records an answer and spends the link, once.
    pub async fn answer_survey(
        &self,
        token: &str,
        answer: NpsAnswer,
        now: DateTime<Utc>,
    ) -> Result<()> {
        answer.validate()?;
        let txn = self.begin_write().await?;
        let (invitation, campaign) = self.open_invitation(&txn, token, now).await?;
        let spent = nps_invitation::Entity::update_many()
            .col_expr(nps_invitation::Column::UsedAt, Expr::value(now))
            .filter(nps_invitation::Column::CompanyId.eq(&invitation.company_id))
            .filter(nps_invitation::Column::Nonce.eq(&invitation.nonce))
            .filter(nps_invitation::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(StorageError::LinkUsed);
        }
        nps_response::ActiveModel {
            company_id: Set(invitation.company_id),
            id: Set(new_id()),
            campaign_id: Set(campaign.id),
            project_id: Set(campaign.project_id),
            score: Set(i32::try_from(answer.score).unwrap_or_default()),
            reason: Set(answer
                .reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())),
            answered_at: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    async fn open_invitation(
        &self,
        db: &impl ConnectionTrait,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(nps_invitation::Model, nps_campaign::Model)> {
        let nonce = signing::nonce_of(token)?;
        let not_found = || StorageError::NotFound("link");
        let invitation = nps_invitation::Entity::find()
            .filter(nps_invitation::Column::Nonce.eq(nonce))
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let campaign = nps_campaign::Entity::find_by_id((
            invitation.company_id.clone(),
            invitation.campaign_id.clone(),
        ))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
        signing::verify(
            db,
            token,
            &claims(&invitation.company_id, &campaign, &invitation),
        )
        .await?;
        if invitation.used_at.is_some() {
            return Err(StorageError::LinkUsed);
        }
        if now > campaign.closes_at {
            return Err(StorageError::LinkExpired);
        }
        Ok((invitation, campaign))
    }
}

async fn scores(
    db: &impl ConnectionTrait,
    company_id: &str,
    filter: Condition,
) -> Result<Vec<i64>> {
    let rows: Vec<i32> = nps_response::Entity::find()
        .select_only()
        .column(nps_response::Column::Score)
        .filter(nps_response::Column::CompanyId.eq(company_id))
        .filter(filter)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(i64::from).collect())
}
