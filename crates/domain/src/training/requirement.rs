//! Required courses per role (必修课): every staff member of the role must pass the course
//! within its number of days after they started.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::range;
use crate::role::Role;
use crate::validation::{FieldErrorCode, Problems, ValidationError};

pub const MAX_DUE_DAYS: u32 = 365;
pub const MAX_REQUIREMENTS: usize = 200;

/// A course a role must pass, and by how many days after a person starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub role: Role,
    pub course_id: String,
    /// Days after the person started, 1 to 365 (e.g. 14).
    pub due_days: u32,
}

impl Requirement {
    /// When a person who started at `started_at` must have passed.
    pub fn due_at(&self, started_at: DateTime<Utc>) -> DateTime<Utc> {
        started_at + Duration::days(i64::from(self.due_days))
    }
}

/// The company's whole set of requirements, checked: staff roles only, each role and course
/// once, due days in range; problems named `requirements[2].role`, …
pub fn check_requirements(list: Vec<Requirement>) -> Result<Vec<Requirement>, ValidationError> {
    let mut p = Problems::new();
    if list.len() > MAX_REQUIREMENTS {
        p.add("requirements", FieldErrorCode::TooLong);
    }
    for (i, r) in list.iter().enumerate() {
        if !r.role.is_staff() {
            p.add(format!("requirements[{i}].role"), FieldErrorCode::Invalid);
        }
        if r.course_id.trim().is_empty() {
            p.add(
                format!("requirements[{i}].course_id"),
                FieldErrorCode::Required,
            );
        }
        if list[..i]
            .iter()
            .any(|o| o.role == r.role && o.course_id == r.course_id)
        {
            p.add(
                format!("requirements[{i}].course_id"),
                FieldErrorCode::Taken,
            );
        }
        range(
            &mut p,
            &format!("requirements[{i}].due_days"),
            r.due_days,
            1,
            MAX_DUE_DAYS,
        );
    }
    p.into_result(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(role: Role, course: &str, due_days: u32) -> Requirement {
        Requirement {
            role,
            course_id: course.into(),
            due_days,
        }
    }

    #[test]
    fn due_counts_days_from_the_start() {
        let start: DateTime<Utc> = "2026-03-01T09:00:00Z".parse().unwrap();
        assert_eq!(
            req(Role::Agent, "c", 14).due_at(start),
            "2026-03-15T09:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn residents_twins_and_bad_days_are_refused_by_field() {
        let fields: Vec<String> = check_requirements(vec![
            req(Role::Agent, "c", 14),
            req(Role::Resident, "c", 14),
            req(Role::Agent, "c", 7),
            req(Role::Butler, "c", 0),
        ])
        .unwrap_err()
        .0
        .into_iter()
        .map(|e| format!("{}={}", e.field, e.code))
        .collect();
        assert_eq!(
            fields,
            [
                "requirements[1].role=invalid",
                "requirements[2].course_id=taken",
                "requirements[3].due_days=out_of_range"
            ]
        );
        assert!(
            check_requirements(vec![req(Role::Agent, "c", 14), req(Role::Butler, "c", 30)]).is_ok()
        );
    }
}
