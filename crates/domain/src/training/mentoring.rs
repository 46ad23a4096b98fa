//! 导师制: a new staff member's mentor and the checklist of their first weeks, each item due a
//! number of days after they started and ticked done by the mentor or the mentee.

use serde::{Deserialize, Serialize};

use super::{range, text};
use crate::validation::{FieldErrorCode, Problems, ValidationError};

pub const MAX_CHECKLIST: usize = 50;
pub const MAX_DUE_DAY: u32 = 180;
pub const MAX_ITEM_TITLE: usize = 200;

/// One item of a mentee's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub title: String,
    /// The day after starting it is due by, 1 to 180.
    pub due_day: u32,
    #[serde(default)]
    pub done: bool,
}

/// A checklist trimmed and in order of due day, or its problems named by field
/// (`checklist[1].due_day`).
pub fn check_checklist(items: Vec<ChecklistItem>) -> Result<Vec<ChecklistItem>, ValidationError> {
    let mut p = Problems::new();
    if items.len() > MAX_CHECKLIST {
        p.add("checklist", FieldErrorCode::TooLong);
    }
    let mut items: Vec<ChecklistItem> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let title = text(
                &mut p,
                &format!("checklist[{i}].title"),
                &item.title,
                MAX_ITEM_TITLE,
            );
            range(
                &mut p,
                &format!("checklist[{i}].due_day"),
                item.due_day,
                1,
                MAX_DUE_DAY,
            );
            ChecklistItem { title, ..item }
        })
        .collect();
    p.into_result(())?;
    items.sort_by_key(|i| i.due_day);
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, due_day: u32) -> ChecklistItem {
        ChecklistItem {
            title: title.into(),
            due_day,
            done: false,
        }
    }

    #[test]
    fn a_checklist_is_ordered_by_due_day() {
        let list = check_checklist(vec![item(" 独立接听热线 ", 14), item("熟悉小区", 3)]).unwrap();
        assert_eq!(list[0].title, "熟悉小区");
        assert_eq!(list[1].title, "独立接听热线");
    }

    #[test]
    fn blank_titles_and_days_out_of_range_are_refused_by_field() {
        let fields: Vec<String> = check_checklist(vec![item(" ", 3), item("x", 0), item("y", 181)])
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| format!("{}={}", e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                "checklist[0].title=required",
                "checklist[1].due_day=out_of_range",
                "checklist[2].due_day=out_of_range"
            ]
        );
    }
}
