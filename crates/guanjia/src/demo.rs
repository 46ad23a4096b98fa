//! Loads the demo company through the same storage calls the API uses, replaying every ticket's
//! history through the real state machine, so the demo can only contain what the product allows.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Days, Duration, Utc};
use guanjia_demo::{DEMO_PASSWORD, DemoCompany, DemoLesson, DemoStep, DemoTicket, demo_company};
use guanjia_domain::checklist::ChecklistInput;
use guanjia_domain::closed_loop::CallOutcome;
use guanjia_domain::inspection::{
    InspectionState, ItemScoreInput, RedLine, ScoreInput, ScoreSheet, SheetItem, week_of,
};
use guanjia_domain::profile::{ImportantDateInput, PreferencesInput, ProfileInput};
use guanjia_domain::script::ScriptInput;
use guanjia_domain::setup::{NewProject, NewResident, NewRoom, NewStaff, NewTeam};
use guanjia_domain::ticket::{Action, ContactInput, TicketInput};
use guanjia_domain::training::{
    Course, Lesson, LessonSource, Question, Requirement, check_requirements,
};
use guanjia_kb::Draft;
use guanjia_storage::{
    InspectionFilter, PageRequest, Principal, Store, Understanding, hash_password, staff_principal,
};

/// Loads the demo company unless it is already there; prints the demo logins either way.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    let now = Utc::now();
    let demo = demo_company(now);
    let company = store.ensure_company(&demo.code, &demo.name, now).await?;
    let loader = Principal::system(&company.id, "demo-loader");
    let existing = store
        .projects(
            &loader,
            PageRequest {
                page: 1,
                per_page: 1,
            },
        )
        .await?;
    if existing.total == 0 {
        tracing::info!("loading the demo company {} …", demo.name);
        Loader {
            store,
            loader,
            keys: HashMap::new(),
        }
        .run(&demo)
        .await?;
        tracing::info!("demo company loaded: {} tickets", demo.tickets.len());
    }
    let logins: Vec<String> = demo
        .staff
        .iter()
        .map(|s| format!("{} ({})", s.username, s.role))
        .collect();
    tracing::info!(
        "demo logins, password {DEMO_PASSWORD:?}: {}",
        logins.join(", ")
    );
    Ok(())
}

/// The demo key of the household living in a room.
fn household_key(room_key: &str) -> String {
    format!("{room_key}#household")
}

struct Loader<'a> {
    store: &'a Store,
    loader: Principal,
    /// Demo keys to stored ids.
    keys: HashMap<String, String>,
}

impl Loader<'_> {
    fn id(&self, key: &str) -> anyhow::Result<String> {
        self.keys
            .get(key)
            .cloned()
            .ok_or_else(|| anyhow!("demo key {key} was not loaded"))
    }

    async fn run(&mut self, demo: &DemoCompany) -> anyhow::Result<()> {
        let start = Utc::now() - Duration::days(61);
        for project in &demo.projects {
            let input = NewProject {
                code: project.code.clone(),
                name: project.name.clone(),
                kind: project.kind.parse()?,
                time_zone: project.time_zone.into(),
                address: Some(project.address.clone()),
            };
            let stored = self
                .store
                .create_project(&self.loader, input, start)
                .await?;
            self.keys.insert(project.key.clone(), stored.id.clone());
            for building in &project.buildings {
                let stored_building = self
                    .store
                    .create_building(&self.loader, &stored.id, building.name.clone(), start)
                    .await?;
                self.keys
                    .insert(building.key.clone(), stored_building.id.clone());
                for room in &building.rooms {
                    let input = NewRoom {
                        unit: room.unit.clone().unwrap_or_default(),
                        number: room.number.clone(),
                        kind: room.kind.parse()?,
                        floor: Some(room.floor),
                        area_m2: room.area_m2,
                    };
                    let stored_room = self
                        .store
                        .create_room(&self.loader, &stored_building.id, input, start)
                        .await?;
                    self.keys.insert(room.key.clone(), stored_room.id.clone());
                    for resident in &room.residents {
                        let input = NewResident {
                            name: resident.name.clone(),
                            phone: resident.phone.clone(),
                            room_id: stored_room.id.clone(),
                            role: resident.role.parse()?,
                            tier: resident.tier.parse()?,
                        };
                        let stored_resident = self
                            .store
                            .create_resident(&self.loader, input, start)
                            .await?;
                        self.keys
                            .insert(household_key(&room.key), stored_resident.household_id);
                        self.keys.insert(resident.key.clone(), stored_resident.id);
                    }
                }
            }
        }
        // Every demo account has the same password: hash it once.
        let password_hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
        let mut members = HashMap::new();
        for staff in &demo.staff {
            let input = NewStaff {
                username: staff.username.clone(),
                password: String::new(),
                name: staff.name.clone(),
                role: staff.role.parse()?,
                project_ids: staff
                    .project_keys
                    .iter()
                    .map(|k| self.id(k))
                    .collect::<anyhow::Result<_>>()?,
                skills: staff.skills.clone(),
                phone: Some(staff.phone.clone()),
            };
            let member = self
                .store
                .insert_staff(
                    Some(&self.loader),
                    &self.loader.company_id,
                    input,
                    password_hash.clone(),
                    start,
                )
                .await?;
            self.keys.insert(staff.key.clone(), member.staff.id.clone());
            members.insert(staff.key.clone(), staff_principal(member));
        }
        for team in &demo.teams {
            let member_ids = demo
                .staff
                .iter()
                .filter(|s| s.team_key.as_deref() == Some(team.key.as_str()))
                .map(|s| self.id(&s.key))
                .collect::<anyhow::Result<_>>()?;
            let input = NewTeam {
                project_id: self.id(&team.project_key)?,
                name: team.name.clone(),
                kind: team.kind.parse()?,
                member_ids,
            };
            let stored = self.store.create_team(&self.loader, input, start).await?;
            self.keys.insert(team.key.clone(), stored.team.id);
        }
        for ticket in &demo.tickets {
            self.ticket(ticket, &members)
                .await
                .with_context(|| format!("demo ticket {}", ticket.key))?;
        }
        self.care(demo, start).await?;
        // After the history: its resolves predate the checklists they would now need.
        let sources = self.knowledge(demo, Utc::now()).await?;
        self.training(demo, &sources, Utc::now()).await?;
        self.inspections(demo, Utc::now()).await?;
        // The history was replayed with no scheduler watching: the warnings and escalations it
        // passed are settled, not fired all at once on the first sweep.
        self.store
            .settle_past_steps(&self.loader, Utc::now())
            .await?;
        // Thousands of rows just arrived: the planner learns of them now, not minutes later.
        self.store.analyze().await?;
        Ok(())
    }

    /// The buildings' butlers, and the households with a butler by hand, important dates and
    /// preferences.
    async fn care(&self, demo: &DemoCompany, at: DateTime<Utc>) -> anyhow::Result<()> {
        for (building_key, butler_key) in &demo.care.building_butlers {
            let building = self.id(building_key)?;
            self.store
                .set_building_butler(&self.loader, &building, Some(self.id(butler_key)?), at)
                .await?;
        }
        for home in &demo.care.households {
            let household = self.id(&household_key(&home.room_key))?;
            if let Some(butler) = &home.butler_key {
                self.store
                    .set_household_butler(&self.loader, &household, Some(self.id(butler)?), at)
                    .await?;
            }
            let input = ProfileInput {
                important_dates: Some(
                    home.dates
                        .iter()
                        .map(|d| {
                            Ok(ImportantDateInput {
                                kind: d.kind.to_owned(),
                                date: d.date.to_string(),
                                resident_id: d
                                    .resident_key
                                    .as_deref()
                                    .map(|k| self.id(k))
                                    .transpose()?,
                                label: d.label.clone(),
                            })
                        })
                        .collect::<anyhow::Result<_>>()?,
                ),
                preferences: Some(PreferencesInput {
                    call_not_before: home.call_not_before.map(str::to_owned),
                }),
            };
            self.store
                .set_household_facts(&self.loader, &household, input.validate()?, at)
                .await?;
        }
        Ok(())
    }

    /// The knowledge base's articles (published), the standard scripts and SOP checklists; the
    /// ids of the articles and scripts by title.
    async fn knowledge(
        &self,
        demo: &DemoCompany,
        at: DateTime<Utc>,
    ) -> anyhow::Result<HashMap<&'static str, String>> {
        let mut ids = HashMap::new();
        for a in &demo.articles {
            let draft = Draft {
                title: a.title.into(),
                body: a.body.into(),
                category: a.category.map(Into::into),
                questions: a.questions.iter().map(|&q| q.into()).collect(),
                tags: vec![],
                project_ids: vec![],
            };
            let article = self
                .store
                .create_kb_article(&self.loader, draft, None, at)
                .await?;
            self.store
                .publish_kb_article(&self.loader, &article.article.id, at)
                .await?;
            ids.insert(a.title, article.article.id);
        }
        for s in &demo.scripts {
            let script = ScriptInput {
                title: s.title.into(),
                situation: s.situation.into(),
                category: s.category.map(Into::into),
                states: s.states.iter().map(|&c| c.into()).collect(),
                body: s.body.into(),
                active: true,
            }
            .validate()?;
            let stored = self
                .store
                .create_kb_script(&self.loader, script, at)
                .await?;
            ids.insert(s.title, stored.id);
        }
        for c in &demo.checklists {
            let input = ChecklistInput {
                steps: c.steps.iter().map(|&s| s.into()).collect(),
                required: c.required,
            };
            self.store
                .put_checklist(&self.loader, c.category, input, at)
                .await?;
        }
        Ok(ids)
    }

    /// The desk's onboarding course from the articles and scripts (`sources` by title), and the
    /// roles that must pass it.
    async fn training(
        &self,
        demo: &DemoCompany,
        sources: &HashMap<&'static str, String>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let d = &demo.course;
        let id_of = |title: &str| {
            sources
                .get(title)
                .cloned()
                .ok_or_else(|| anyhow!("no demo article or script {title}"))
        };
        let course = Course {
            title: d.title.into(),
            description: Some(d.description.into()),
            lessons: d
                .lessons
                .iter()
                .map(|(title, lesson)| {
                    let source = match lesson {
                        DemoLesson::Article(a) => LessonSource::Article {
                            article_id: id_of(a)?,
                        },
                        DemoLesson::Script(s) => LessonSource::Script {
                            script_id: id_of(s)?,
                        },
                        DemoLesson::Text(body) => LessonSource::Text {
                            body: (*body).into(),
                        },
                    };
                    Ok(Lesson {
                        title: (*title).into(),
                        source,
                    })
                })
                .collect::<anyhow::Result<_>>()?,
            questions: d
                .questions
                .iter()
                .map(|&(kind, text, options, correct)| {
                    Ok(Question {
                        kind: kind.parse()?,
                        text: text.into(),
                        options: options.iter().map(|&o| o.into()).collect(),
                        correct: correct.to_vec(),
                    })
                })
                .collect::<anyhow::Result<_>>()?,
            pass_mark: d.pass_mark,
            max_attempts: d.max_attempts,
            certificate_months: d.certificate_months,
        }
        .validate()?;
        let stored = self
            .store
            .create_training_course(&self.loader, course, at)
            .await?;
        let requirements = d
            .required_for
            .iter()
            .map(|role| {
                Ok(Requirement {
                    role: role.parse()?,
                    course_id: stored.id.clone(),
                    due_days: d.due_days,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        self.store
            .set_training_requirements(&self.loader, check_requirements(requirements)?, at)
            .await?;
        Ok(())
    }

    /// The standard score sheet, the last four weeks' sampling rounds of every project, and
    /// the first few inspections of each scored, so the inspection pages show a queue, results
    /// and scores on first start.
    async fn inspections(&self, demo: &DemoCompany, at: DateTime<Utc>) -> anyhow::Result<()> {
        let d = &demo.inspection_sheet;
        let sheet = ScoreSheet {
            name: d.name.into(),
            items: d
                .items
                .iter()
                .map(|&(kind, name, weight, max_score)| {
                    Ok(SheetItem {
                        kind: kind.parse()?,
                        name: name.map(Into::into),
                        weight,
                        max_score,
                    })
                })
                .collect::<anyhow::Result<_>>()?,
            red_lines: d
                .red_lines
                .iter()
                .map(|&name| RedLine { name: name.into() })
                .collect(),
        }
        .validate()?;
        let stored = self
            .store
            .create_inspection_sheet(&self.loader, sheet.clone(), at)
            .await?;
        let this_week = week_of(at.date_naive());
        for project in &demo.projects {
            let project_id = self.id(&project.key)?;
            for weeks_back in 1..=4 {
                let week = this_week - Days::new(7 * weeks_back);
                self.store
                    .run_inspection_round(&self.loader, &project_id, Some(week), at)
                    .await?;
            }
        }
        let pending = self
            .store
            .inspections(
                &self.loader,
                &InspectionFilter {
                    state: Some(InspectionState::Pending),
                    ..InspectionFilter::default()
                },
                PageRequest {
                    page: 1,
                    per_page: 200,
                },
            )
            .await?;
        // Every other pending one scored, each item a point or so short of its most now and then.
        for (n, row) in pending.items.iter().enumerate().filter(|(n, _)| n % 2 == 0) {
            let input = ScoreInput {
                items: sheet
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| ItemScoreInput {
                        score: item.max_score - u32::from((n + i) % 3 == 0),
                        note: None,
                    })
                    .collect(),
                red_lines: vec![],
                comment: Some("整体规范，注意开场白完整".into()),
            };
            self.store
                .score_inspection(&self.loader, &row.inspection.id, &stored.id, input, at)
                .await?;
        }
        Ok(())
    }

    async fn ticket(
        &self,
        ticket: &DemoTicket,
        members: &HashMap<String, Principal>,
    ) -> anyhow::Result<()> {
        let owner = members
            .get(&ticket.first_contact_owner_key)
            .ok_or_else(|| anyhow!("unknown owner"))?;
        let input = TicketInput {
            project_id: self.id(&ticket.project_key)?,
            channel: ticket.channel.into(),
            description: ticket.description.clone(),
            kind: Some(ticket.kind.into()),
            category: ticket.category.map(Into::into),
            urgency: Some(ticket.urgency.into()),
            room_id: ticket.room_key.as_deref().map(|k| self.id(k)).transpose()?,
            resident_id: ticket
                .resident_key
                .as_deref()
                .map(|k| self.id(k))
                .transpose()?,
            contact: ticket.contact.as_ref().map(|c| ContactInput {
                name: Some(c.name.clone()),
                phone: Some(c.phone.clone()),
            }),
            title: Some(ticket.title.clone()),
            attachments: vec![],
            reported_at: None,
        };
        let created = self
            .store
            .open_ticket(owner, input, ticket.reported_at, Understanding::AsGiven)
            .await?
            .ticket;
        for step in &ticket.steps {
            let actor = match step.actor_key.as_str() {
                "resident" => Principal::resident(
                    &self.loader.company_id,
                    created.contact_phone.as_deref().unwrap_or_default(),
                    created.contact_name.as_deref().unwrap_or_default(),
                    created.household_id.iter().cloned().collect(),
                ),
                key => members
                    .get(key)
                    .cloned()
                    .ok_or_else(|| anyhow!("unknown actor {key}"))?,
            };
            let action = self.action(step)?;
            self.store
                .act_on_ticket(&actor, &created.id, action, step.at)
                .await
                .with_context(|| format!("{} by {} at {}", step.action, step.actor_key, step.at))?;
        }
        Ok(())
    }

    fn action(&self, step: &DemoStep) -> anyhow::Result<Action> {
        let body = step.body.clone();
        let reason = step.reason.clone();
        Ok(match step.action {
            "respond" => Action::Respond { body },
            "accept" => Action::Accept { note: body },
            "dispatch" => Action::Dispatch {
                assignee_id: step
                    .assignee_key
                    .as_deref()
                    .map(|k| self.id(k))
                    .transpose()?,
                team_id: None,
                note: body,
            },
            "arrive" => Action::Arrive {
                note: body,
                location: None,
            },
            "resolve" => Action::Resolve {
                body,
                materials: vec![],
                charges: vec![],
            },
            "follow_up" => Action::FollowUp {
                outcome: CallOutcome::Reached,
                satisfaction: step.satisfaction.map(i64::from),
                timeliness: None,
                attitude: None,
                comment: body,
            },
            "close" => Action::Close { note: body },
            "reopen" => Action::Reopen { reason },
            "suspend" => Action::Suspend {
                reason: reason.unwrap_or_default(),
            },
            "resume" => Action::Resume { note: body },
            "escalate" => Action::Escalate { reason },
            "cancel" => Action::Cancel {
                reason: reason.unwrap_or_default(),
            },
            "comment" => Action::Comment {
                body: body.unwrap_or_default(),
                visibility: step.visibility.unwrap_or("internal").parse()?,
            },
            other => return Err(anyhow!("unknown demo action {other}")),
        })
    }
}
