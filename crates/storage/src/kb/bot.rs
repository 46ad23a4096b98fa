//! The FAQ bot (智能客服) over the company's published articles: one question answered from an
//! article or handed to a person, each recorded (what was asked, answered or why not) so its
//! figures can be counted and the resident can say whether the answer helped.

use chrono::{DateTime, Utc};
use guanjia_domain::kb::Handoff;
use guanjia_domain::taxonomy::Channel;
use guanjia_domain::validation::{FieldErrorCode, Problems, ValidationError};
use guanjia_kb::{Reading, ask};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::search::Shelf;
use crate::db::Store;
use crate::entity::{bot_answer, household, project};
use crate::error::{Result, StorageError};
use crate::principal::Principal;
use crate::support::new_id;

/// Most characters of a question.
const MAX_QUESTION: usize = 500;

/// A question put to the bot.
#[derive(Debug, Clone)]
pub struct BotQuestion {
    pub text: String,
    /// The channel's code, checked here.
    pub channel: String,
    pub project_id: String,
}

/// A checked question as the bot takes it: who asked, where and on which channel.
pub(crate) struct Asked<'a> {
    pub company_id: &'a str,
    /// A staff id, a resident's phone or a WeChat sender's openid: who may rate the answer.
    pub asked_by: &'a str,
    pub project_id: &'a str,
    pub channel: Channel,
    pub text: &'a str,
}

/// The article the bot answers with, as published.
#[derive(Debug, Clone, PartialEq)]
pub struct BotAnswer {
    pub article_id: String,
    pub title: String,
    /// Markdown.
    pub text: String,
    /// 0–1.
    pub confidence: f32,
}

/// An article that may help, for the resident or the agent to pick.
#[derive(Debug, Clone, PartialEq)]
pub struct BotSuggestion {
    pub article_id: String,
    pub title: String,
    pub score: f32,
}

/// What the bot did with a question: answered it or handed it off, never both.
#[derive(Debug, Clone, PartialEq)]
pub struct BotReply {
    /// The recorded answer; its id is what feedback names.
    pub record: bot_answer::Model,
    pub answer: Option<BotAnswer>,
    pub handoff: Option<Handoff>,
    pub suggestions: Vec<BotSuggestion>,
}

impl Store {
    /// Answers `question` from the published articles that apply in its project, or hands it
    /// off; staff ask within their projects, residents in the projects of their households.
    pub async fn ask_bot(
        &self,
        who: &Principal,
        question: BotQuestion,
        now: DateTime<Utc>,
    ) -> Result<BotReply> {
        let mut problems = Problems::new();
        problems.text("text", &question.text, MAX_QUESTION);
        let channel = problems.one_of("channel", &question.channel, Channel::ALL);
        if question.project_id.trim().is_empty() {
            problems.add("project_id", FieldErrorCode::Required);
        }
        let Some(channel) = problems.into_result(channel)? else {
            return Err(ValidationError::single("channel", FieldErrorCode::Invalid).into());
        };
        self.may_ask_in(who, &question.project_id).await?;
        let shelf = self.shelf(&who.company_id).await?;
        let asked = Asked {
            company_id: &who.company_id,
            asked_by: &who.id,
            project_id: &question.project_id,
            channel,
            text: &question.text,
        };
        let reply = self.bot_reply(&shelf, asked, now).await?;
        // Everything is read first: the write transaction waits for no other connection.
        let txn = self.begin_write().await?;
        bot_answer::ActiveModel::from(reply.record.clone())
            .reset_all()
            .insert(&txn)
            .await?;
        txn.commit().await?;
        Ok(reply)
    }

    /// What the bot does with a question, from the company's `shelf` of published articles (the
    /// caller has it already); its record is made, not yet written: the caller writes it with
    /// whatever else the answer changes.
    pub(crate) async fn bot_reply(
        &self,
        shelf: &Shelf,
        asked: Asked<'_>,
        now: DateTime<Utc>,
    ) -> Result<BotReply> {
        let Asked {
            company_id,
            asked_by,
            project_id,
            channel,
            text,
        } = asked;
        let analysis = self
            .analyzer(company_id)
            .await?
            .analyze(text, Some(channel.as_str()));
        let reading = Reading::of_codes(
            analysis.kind.as_deref(),
            analysis.confidence.kind,
            &analysis.urgency,
        );
        let library = &shelf.library;
        let reply = ask(library, text, Some(project_id), reading)
            .map_err(|e| StorageError::Search(e.to_string()))?;
        let answer = reply.answer.map(|a| {
            let article = &library.articles()[a.article];
            BotAnswer {
                article_id: article.id.clone(),
                title: article.title.clone(),
                text: article.body.clone(),
                confidence: a.confidence,
            }
        });
        let suggestions = reply
            .suggestions
            .iter()
            .map(|s| {
                let article = &library.articles()[s.article];
                BotSuggestion {
                    article_id: article.id.clone(),
                    title: article.title.clone(),
                    score: s.score,
                }
            })
            .collect();
        let record = bot_answer::Model {
            company_id: company_id.to_owned(),
            id: new_id(),
            project_id: project_id.to_owned(),
            channel: channel.as_str().to_owned(),
            asked_by: asked_by.to_owned(),
            question: text.to_owned(),
            article_id: answer.as_ref().map(|a| a.article_id.clone()),
            confidence: answer
                .as_ref()
                .map(|a| a.confidence)
                .or(reply.suggestions.first().map(|s| s.score))
                .unwrap_or(0.0),
            handoff: reply.handoff.map(|h| h.as_str().to_owned()),
            helpful: None,
            created_at: now,
        };
        Ok(BotReply {
            record,
            answer,
            handoff: reply.handoff,
            suggestions,
        })
    }

    /// Records whether an answer helped; only whoever asked may say so, and saying it again
    /// replaces what was said. An answer the bot gave in a conversation that did not help hands
    /// the conversation to a person.
    pub async fn rate_bot_answer(
        &self,
        who: &Principal,
        id: &str,
        helpful: bool,
        now: DateTime<Utc>,
    ) -> Result<bot_answer::Model> {
        let found = bot_answer::Entity::find_by_id((who.company_id.clone(), id.to_owned()))
            .one(&self.db)
            .await?
            .filter(|a| a.asked_by == who.id)
            .ok_or(StorageError::NotFound("bot_answer"))?;
        if found.article_id.is_none() {
            // A hand-off answered nothing: there is nothing to find helpful.
            return Err(ValidationError::single("helpful", FieldErrorCode::Invalid).into());
        }
        // An answer that did not help, given in a conversation, hands it to a person.
        let unhelped = match helpful {
            false => self.conversation_of_answer(&who.company_id, id).await?,
            true => None,
        };
        let mut row = found.into_active_model();
        row.helpful = Set(Some(helpful));
        let txn = self.begin_write().await?;
        let row = row.update(&txn).await?;
        if let Some(c) = &unhelped {
            self.hand_off_unhelped(&txn, c, &who.id, now).await?;
        }
        txn.commit().await?;
        Ok(row)
    }

    /// Staff ask within their projects; residents in a project one of their households is in.
    async fn may_ask_in(&self, who: &Principal, project_id: &str) -> Result<()> {
        let exists = project::Entity::find_by_id((who.company_id.clone(), project_id.to_owned()))
            .one(&self.db)
            .await?
            .is_some();
        let allowed = if who.role.is_staff() {
            who.sees_project(project_id)
        } else {
            !who.households.is_empty()
                && household::Entity::find()
                    .filter(household::Column::CompanyId.eq(&who.company_id))
                    .filter(household::Column::ProjectId.eq(project_id))
                    .filter(household::Column::Id.is_in(who.households.clone()))
                    .one(&self.db)
                    .await?
                    .is_some()
        };
        if exists && allowed {
            Ok(())
        } else {
            Err(StorageError::NotFound("project"))
        }
    }
}
