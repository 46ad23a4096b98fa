//! Collaboration (协办): sub-tasks for other teams on the same ticket, each with its own assignee
//! and state. A ticket is not resolved while a sub-task is open.

use serde::Deserialize;

use crate::code::code_enum;
use crate::validation::{FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// Whether the other team's part is still to do.
    pub enum SubtaskStatus ("sub-task status") {
        Open = "open",
        Done = "done",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubtaskInput {
    /// What the other team is asked to do.
    pub title: String,
    pub team_id: Option<String>,
    pub assignee_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubtask {
    pub title: String,
    pub team_id: Option<String>,
    pub assignee_id: Option<String>,
}

impl SubtaskInput {
    pub fn validate(self) -> Result<NewSubtask, ValidationError> {
        let mut p = Problems::new();
        p.text("title", &self.title, 200);
        if self.team_id.is_none() && self.assignee_id.is_none() {
            p.add("assignee_id", FieldErrorCode::Required);
        }
        p.into_result(NewSubtask {
            title: self.title.trim().to_owned(),
            team_id: self.team_id,
            assignee_id: self.assignee_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subtask_says_what_and_for_whom() {
        let ok = SubtaskInput {
            title: "保洁清理积水".into(),
            team_id: Some("cleaning".into()),
            assignee_id: None,
        }
        .validate()
        .unwrap();
        assert_eq!(ok.title, "保洁清理积水");
        let bad = SubtaskInput {
            title: " ".into(),
            team_id: None,
            assignee_id: None,
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = bad.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["title", "assignee_id"]);
    }
}
