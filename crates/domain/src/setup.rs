//! The company's set-up as admins enter it: projects, places, residents, staff, categories.
//! Each input checks itself and becomes a typed value, or lists every problem.

use serde::Deserialize;

use crate::closed_loop::FollowUpPolicy;
use crate::dispatch::DispatchMode;
use crate::dispatch::field_work::MAX_REQUIRED_PHOTOS;
use crate::phone::normalize_phone;
use crate::place::{DEFAULT_TIME_ZONE, ProjectKind, RoomKind, is_known_time_zone};
use crate::resident::{ResidentRole, ServiceTier, TeamKind};
use crate::role::Role;
use crate::taxonomy::{Kind, category_kind};
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

/// Shortest password a staff account may have.
pub const MIN_PASSWORD: usize = 8;
/// Longest password (in bytes) a staff account may have.
pub const MAX_PASSWORD: usize = 200;
/// Longest project code.
pub const MAX_CODE: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Short ASCII code, unique in the company (e.g. `cuihu`).
    pub code: String,
    pub name: String,
    /// residential (default), commercial, mixed
    pub kind: Option<String>,
    /// IANA time zone; default Asia/Shanghai.
    pub time_zone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    pub code: String,
    pub name: String,
    pub kind: ProjectKind,
    pub time_zone: String,
    pub address: Option<String>,
}

impl ProjectInput {
    pub fn validate(self) -> Result<NewProject, ValidationError> {
        let mut p = Problems::new();
        let rule = Allowed::Code {
            min: 1,
            max: MAX_CODE,
        };
        if self.code.trim().is_empty() {
            p.refuse("code", FieldErrorCode::Required, rule);
        } else if self.code.trim().len() > MAX_CODE {
            p.refuse("code", FieldErrorCode::TooLong, rule);
        } else if !self
            .code
            .trim()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            p.refuse("code", FieldErrorCode::Invalid, rule);
        }
        p.text("name", &self.name, 200);
        p.optional_text("address", self.address.as_deref(), 500);
        let kind = match self.kind.as_deref() {
            Some(code) => p.code("kind", code),
            None => Some(ProjectKind::Residential),
        };
        let time_zone = self
            .time_zone
            .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
        if !is_known_time_zone(&time_zone) {
            p.refuse("time_zone", FieldErrorCode::Invalid, Allowed::TimeZone);
        }
        let kind = kind.unwrap_or(ProjectKind::Residential);
        p.into_result(NewProject {
            code: self.code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            kind,
            time_zone,
            address: self.address,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BuildingInput {
    /// As residents say it: 3栋, B座.
    pub name: String,
}

impl BuildingInput {
    pub fn validate(self) -> Result<String, ValidationError> {
        let mut p = Problems::new();
        p.text("name", &self.name, 100);
        p.into_result(self.name.trim().to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoomInput {
    /// 单元, e.g. 2单元; leave out where the building has none.
    pub unit: Option<String>,
    /// 房号 or 铺位: 1502, L2-15, B1-023.
    pub number: String,
    /// residential (default), shop, office, parking
    pub kind: Option<String>,
    pub floor: Option<i32>,
    pub area_m2: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRoom {
    pub unit: String,
    pub number: String,
    pub kind: RoomKind,
    pub floor: Option<i32>,
    pub area_m2: Option<f64>,
}

impl RoomInput {
    pub fn validate(self) -> Result<NewRoom, ValidationError> {
        let mut p = Problems::new();
        p.text("number", &self.number, 50);
        p.optional_text("unit", self.unit.as_deref(), 50);
        let kind = match self.kind.as_deref() {
            Some(code) => p.code("kind", code),
            None => Some(RoomKind::Residential),
        };
        if self.floor.is_some_and(|f| !(-10..=300).contains(&f)) {
            p.refuse(
                "floor",
                FieldErrorCode::OutOfRange,
                Allowed::Range { min: -10, max: 300 },
            );
        }
        if self
            .area_m2
            .is_some_and(|a| !(a.is_finite() && a > 0.0 && a < 1_000_000.0))
        {
            p.refuse(
                "area_m2",
                FieldErrorCode::OutOfRange,
                Allowed::Positive { max: 1_000_000 },
            );
        }
        p.into_result(NewRoom {
            unit: self.unit.unwrap_or_default().trim().to_owned(),
            number: self.number.trim().to_owned(),
            kind: kind.unwrap_or(RoomKind::Residential),
            floor: self.floor,
            area_m2: self.area_m2,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResidentInput {
    pub name: String,
    pub phone: String,
    pub room_id: String,
    /// owner, family, tenant, merchant
    pub role: String,
    /// basic (default) or premium
    pub tier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResident {
    pub name: String,
    pub phone: String,
    pub room_id: String,
    pub role: ResidentRole,
    pub tier: ServiceTier,
}

impl ResidentInput {
    pub fn validate(self) -> Result<NewResident, ValidationError> {
        let mut p = Problems::new();
        p.text("name", &self.name, 100);
        p.text("room_id", &self.room_id, 64);
        let phone = normalize_phone(&self.phone);
        if phone.is_none() {
            p.refuse("phone", FieldErrorCode::Invalid, Allowed::Phone);
        }
        let role = p.code("role", &self.role);
        let tier = match self.tier.as_deref() {
            Some(code) => p.code("tier", code),
            None => Some(ServiceTier::Basic),
        };
        let (Some(phone), Some(role), Some(tier)) = (phone, role, tier) else {
            return Err(p.into_result(()).expect_err("recorded"));
        };
        p.into_result(NewResident {
            name: self.name.trim().to_owned(),
            phone,
            room_id: self.room_id,
            role,
            tier,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub username: String,
    pub password: String,
    pub name: String,
    /// admin, manager, supervisor, agent, butler, technician
    pub role: String,
    #[serde(default)]
    pub project_ids: Vec<String>,
    /// Category codes this person can handle (technicians), or a kind for all its categories
    /// (`repair`: a general handyman, 综合维修).
    #[serde(default)]
    pub skills: Vec<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    pub username: String,
    pub password: String,
    pub name: String,
    pub role: Role,
    pub project_ids: Vec<String>,
    pub skills: Vec<String>,
    pub phone: Option<String>,
}

impl StaffInput {
    pub fn validate(self) -> Result<NewStaff, ValidationError> {
        let mut p = Problems::new();
        let username_ok = (2..=64).contains(&self.username.len())
            && self
                .username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !username_ok {
            p.refuse(
                "username",
                FieldErrorCode::Invalid,
                Allowed::Username { min: 2, max: 64 },
            );
        }
        check_password(&mut p, &self.password);
        let profile = StaffEditInput {
            name: self.name,
            role: self.role,
            project_ids: self.project_ids,
            skills: self.skills,
            phone: self.phone,
        }
        .check(&mut p);
        let Some(profile) = profile else {
            return Err(p.into_result(()).expect_err("recorded"));
        };
        p.into_result(NewStaff {
            username: self.username.to_lowercase(),
            password: self.password,
            name: profile.name,
            role: profile.role,
            project_ids: profile.project_ids,
            skills: profile.skills,
            phone: profile.phone,
        })
    }
}

/// A password an admin gives: at least [`MIN_PASSWORD`] characters, at most [`MAX_PASSWORD`] bytes.
fn check_password(p: &mut Problems, password: &str) {
    let rule = Allowed::Length {
        min: MIN_PASSWORD,
        max: MAX_PASSWORD,
    };
    if password.chars().count() < MIN_PASSWORD {
        p.refuse("password", FieldErrorCode::TooShort, rule);
    } else if password.len() > MAX_PASSWORD {
        p.refuse("password", FieldErrorCode::TooLong, rule);
    }
}

/// What an admin changes of a staff member: everything but the username and the password.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffEditInput {
    pub name: String,
    /// admin, manager, supervisor, agent, butler, technician
    pub role: String,
    #[serde(default)]
    pub project_ids: Vec<String>,
    /// Category codes, or a kind for all its categories.
    #[serde(default)]
    pub skills: Vec<String>,
    pub phone: Option<String>,
}

/// A staff member's name, role, projects, skills and phone, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffProfile {
    pub name: String,
    pub role: Role,
    pub project_ids: Vec<String>,
    pub skills: Vec<String>,
    pub phone: Option<String>,
}

impl StaffEditInput {
    pub fn validate(self) -> Result<StaffProfile, ValidationError> {
        let mut p = Problems::new();
        let profile = self.check(&mut p);
        let Some(profile) = profile else {
            return Err(p.into_result(()).expect_err("recorded"));
        };
        p.into_result(profile)
    }

    /// The rules a new account and an edited one share; None when the role is unusable.
    fn check(self, p: &mut Problems) -> Option<StaffProfile> {
        p.text("name", &self.name, 100);
        let role = p.code::<Role>("role", &self.role).filter(|r| {
            let staff = r.is_staff();
            if !staff {
                p.add("role", FieldErrorCode::Invalid);
            }
            staff
        });
        if let Some(role) = role
            && self.project_ids.is_empty()
            && !role.may_span_company()
        {
            p.add("project_ids", FieldErrorCode::Required);
        }
        for (i, skill) in self.skills.iter().enumerate() {
            if category_kind(skill).is_none() && skill.parse::<Kind>().is_err() {
                p.add(format!("skills[{i}]"), FieldErrorCode::Invalid);
            }
        }
        let phone = self
            .phone
            .as_deref()
            .filter(|raw| !raw.trim().is_empty())
            .map(|raw| {
                let normal = normalize_phone(raw);
                if normal.is_none() {
                    p.refuse("phone", FieldErrorCode::Invalid, Allowed::Phone);
                }
                normal
            });
        let mut project_ids: Vec<String> = Vec::new();
        for id in self.project_ids {
            if !project_ids.contains(&id) {
                project_ids.push(id);
            }
        }
        Some(StaffProfile {
            name: self.name.trim().to_owned(),
            role: role?,
            project_ids,
            skills: self.skills,
            phone: phone.flatten(),
        })
    }
}

/// A new password an admin sets for a staff member.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    pub password: String,
}

impl PasswordInput {
    pub fn validate(self) -> Result<String, ValidationError> {
        let mut p = Problems::new();
        check_password(&mut p, &self.password);
        p.into_result(self.password)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    pub project_id: String,
    pub name: String,
    /// engineering, cleaning, security, customer_service, greening, other
    pub kind: String,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTeam {
    pub project_id: String,
    pub name: String,
    pub kind: TeamKind,
    pub member_ids: Vec<String>,
}

impl TeamInput {
    pub fn validate(self) -> Result<NewTeam, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 64);
        let edit = TeamEditInput {
            name: self.name,
            kind: self.kind,
        }
        .check(&mut p);
        let Some(edit) = edit else {
            return Err(p.into_result(()).expect_err("recorded"));
        };
        p.into_result(NewTeam {
            project_id: self.project_id,
            name: edit.name,
            kind: edit.kind,
            member_ids: self.member_ids,
        })
    }
}

/// What an admin changes of a team: its name and kind (members have their own call).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamEditInput {
    pub name: String,
    /// engineering, cleaning, security, customer_service, greening, other
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamEdit {
    pub name: String,
    pub kind: TeamKind,
}

impl TeamEditInput {
    pub fn validate(self) -> Result<TeamEdit, ValidationError> {
        let mut p = Problems::new();
        let edit = self.check(&mut p);
        let Some(edit) = edit else {
            return Err(p.into_result(()).expect_err("recorded"));
        };
        p.into_result(edit)
    }

    fn check(self, p: &mut Problems) -> Option<TeamEdit> {
        p.text("name", &self.name, 100);
        let kind = p.code("kind", &self.kind)?;
        Some(TeamEdit {
            name: self.name.trim().to_owned(),
            kind,
        })
    }
}

/// Adds a category, or edits the labels and state of one (codes never change once used).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    /// `kind.category`, ASCII.
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub active: Option<bool>,
    /// Whether staff call back after resolve: always, unless_rated (default) or never.
    /// Complaints are always followed up whatever this says.
    pub follow_up_policy: Option<String>,
    /// How its jobs are given out automatically: least_load (default) or round_robin.
    pub dispatch_mode: Option<String>,
    /// Photos of the work a technician's finish needs, 0–10 (null: unchanged; none for a new one).
    #[serde(default)]
    pub min_photos: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCategory {
    pub code: String,
    pub kind: Kind,
    pub label_zh: String,
    pub label_en: String,
    pub active: bool,
    /// None: unchanged (unless_rated for a new category).
    pub follow_up_policy: Option<FollowUpPolicy>,
    /// None: unchanged (least_load for a new category).
    pub dispatch_mode: Option<DispatchMode>,
    /// None: unchanged (none required for a new category).
    pub min_photos: Option<i32>,
}

impl CategoryInput {
    pub fn validate(self) -> Result<NewCategory, ValidationError> {
        let mut p = Problems::new();
        let kind = category_kind(&self.code);
        if kind.is_none() || self.code.len() > 64 {
            p.add("code", FieldErrorCode::Invalid);
        }
        p.text("label_zh", &self.label_zh, 100);
        p.text("label_en", &self.label_en, 100);
        let follow_up_policy = self
            .follow_up_policy
            .as_deref()
            .and_then(|f| p.code("follow_up_policy", f));
        let dispatch_mode = self
            .dispatch_mode
            .as_deref()
            .and_then(|m| p.code("dispatch_mode", m));
        if self
            .min_photos
            .is_some_and(|n| !(0..=MAX_REQUIRED_PHOTOS).contains(&n))
        {
            p.add("min_photos", FieldErrorCode::OutOfRange);
        }
        let Some(kind) = kind else {
            return Err(p.into_result(()).expect_err("recorded"));
        };
        p.into_result(NewCategory {
            code: self.code,
            kind,
            label_zh: self.label_zh.trim().to_owned(),
            label_en: self.label_en.trim().to_owned(),
            active: self.active.unwrap_or(true),
            follow_up_policy,
            dispatch_mode,
            min_photos: self.min_photos.and_then(|n| i32::try_from(n).ok()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_need_a_project_unless_company_wide() {
        let input = |role: &str, projects: Vec<String>| StaffInput {
            username: "Agent1".into(),
            password: "correct horse".into(),
            name: "王芳".into(),
            role: role.into(),
            project_ids: projects,
            skills: vec![],
            phone: None,
        };
        assert!(input("manager", vec![]).validate().is_ok());
        assert_eq!(
            input("agent", vec!["p1".into()])
                .validate()
                .unwrap()
                .username,
            "agent1"
        );
        let err = input("agent", vec![]).validate().unwrap_err();
        assert_eq!(err.0[0].field, "project_ids");
        assert!(input("resident", vec!["p1".into()]).validate().is_err());
    }

    #[test]
    fn residents_need_a_real_phone_and_role() {
        let err = ResidentInput {
            name: "李娜".into(),
            phone: "123".into(),
            room_id: "r1".into(),
            role: "landlord".into(),
            tier: None,
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["phone", "role"]);
    }

    #[test]
    fn rooms_and_projects_have_sensible_defaults() {
        let room = RoomInput {
            unit: None,
            number: " 1502 ".into(),
            kind: None,
            floor: Some(15),
            area_m2: Some(89.5),
        }
        .validate()
        .unwrap();
        assert_eq!(
            (room.unit.as_str(), room.number.as_str(), room.kind),
            ("", "1502", RoomKind::Residential)
        );
        let project = ProjectInput {
            code: "cuihu".into(),
            name: "翠湖花园".into(),
            kind: None,
            time_zone: None,
            address: None,
        }
        .validate()
        .unwrap();
        assert_eq!(project.time_zone, "Asia/Shanghai");
        let bad = ProjectInput {
            code: "翠湖".into(),
            name: "翠湖花园".into(),
            kind: None,
            time_zone: Some("Mars/Base".into()),
            address: None,
        }
        .validate()
        .unwrap_err();
        assert_eq!(bad.0.len(), 2);
    }

    #[test]
    fn a_refused_field_carries_what_its_rule_allows() {
        let bad = ProjectInput {
            code: "翠 湖".into(),
            name: "x".repeat(201),
            kind: None,
            time_zone: None,
            address: None,
        }
        .validate()
        .unwrap_err();
        let allowed: Vec<_> = bad
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code, e.allowed.clone()))
            .collect();
        assert_eq!(
            allowed,
            [
                (
                    "code",
                    FieldErrorCode::Invalid,
                    Some(Allowed::Code {
                        min: 1,
                        max: MAX_CODE
                    })
                ),
                (
                    "name",
                    FieldErrorCode::TooLong,
                    Some(Allowed::Length { min: 1, max: 200 })
                ),
            ]
        );
        let room = RoomInput {
            unit: None,
            number: "1".into(),
            kind: None,
            floor: Some(301),
            area_m2: Some(-1.0),
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            room.0[0].allowed.clone(),
            Some(Allowed::Range { min: -10, max: 300 })
        );
        assert_eq!(
            room.0[1].allowed.clone(),
            Some(Allowed::Positive { max: 1_000_000 })
        );
        let password = PasswordInput {
            password: "short".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            (password.0[0].code, password.0[0].allowed.clone()),
            (
                FieldErrorCode::TooShort,
                Some(Allowed::Length {
                    min: MIN_PASSWORD,
                    max: MAX_PASSWORD
                })
            )
        );
    }

    #[test]
    fn an_edited_staff_member_follows_the_rules_of_a_new_one() {
        let edit = |role: &str, projects: Vec<String>, phone: Option<&str>| StaffEditInput {
            name: " 张师傅 ".into(),
            role: role.into(),
            project_ids: projects,
            skills: vec!["repair".into()],
            phone: phone.map(str::to_owned),
        };
        let profile = edit("supervisor", vec!["p1".into(), "p1".into()], Some(""))
            .validate()
            .unwrap();
        assert_eq!(
            (
                profile.name.as_str(),
                profile.role,
                profile.project_ids,
                profile.phone
            ),
            ("张师傅", Role::Supervisor, vec!["p1".to_owned()], None),
            "an empty phone clears it; projects once each"
        );
        let err = edit("agent", vec![], Some("123")).validate().unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["project_ids", "phone"]);
        assert!(
            edit("resident", vec!["p1".into()], None)
                .validate()
                .is_err(),
            "residents are not staff"
        );
        let team = TeamEditInput {
            name: " 工程部 ".into(),
            kind: "engineering".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(
            team,
            TeamEdit {
                name: "工程部".into(),
                kind: TeamKind::Engineering
            }
        );
        assert!(
            TeamEditInput {
                name: "".into(),
                kind: "plumbing".into()
            }
            .validate()
            .is_err()
        );
    }
}
