//! The actions of a ticket as forms: which inputs each one shows, and how a posted form becomes
//! the API's action (`{"action": "suspend", "reason": "…"}`), so the pages and the API share the
//! same wire format and the same rules.

use guanjia_domain::ticket::{Action, ActionName, ActionRequest};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ErrorCode};

/// How an action is asked for on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A button; the shared optional note goes to `field`.
    Button {
        field: &'static str,
    },
    /// A reason that must be given.
    Reason,
    Dispatch,
    /// A new assignee or team, and the reason.
    Transfer,
    FollowUp,
    Comment,
    LinkDuplicate,
    Review,
    /// Kind, category and urgency to correct, each kept when left on "unchanged".
    Reclassify,
}

pub fn shape(action: ActionName) -> Shape {
    match action {
        ActionName::Respond | ActionName::Resolve => Shape::Button { field: "body" },
        ActionName::Accept
        | ActionName::Arrive
        | ActionName::Close
        | ActionName::Resume
        | ActionName::Grab
        | ActionName::ConfirmCharges
        | ActionName::Chase => Shape::Button { field: "note" },
        ActionName::Reopen | ActionName::Escalate | ActionName::UnlinkDuplicate => {
            Shape::Button { field: "reason" }
        }
        ActionName::Reclassify => Shape::Reclassify,
        ActionName::Suspend
        | ActionName::Cancel
        | ActionName::CloseUnreachable
        | ActionName::Return => Shape::Reason,
        ActionName::Dispatch => Shape::Dispatch,
        ActionName::Transfer => Shape::Transfer,
        ActionName::FollowUp => Shape::FollowUp,
        ActionName::Comment => Shape::Comment,
        ActionName::LinkDuplicate => Shape::LinkDuplicate,
        ActionName::Review => Shape::Review,
    }
}

/// Every input any action form has; each action reads its own.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub action: String,
    /// The free text: note, reason, body or comment, depending on the action.
    pub text: Option<String>,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub outcome: Option<String>,
    pub satisfaction: Option<String>,
    pub timeliness: Option<String>,
    pub attitude: Option<String>,
    pub visibility: Option<String>,
    /// A duplicate's original, by its number (what an agent can read off another screen).
    pub original_number: Option<String>,
    pub adopted: Option<String>,
    /// A correction of what the ticket is (taxonomy codes); empty keeps the current one.
    pub kind: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    /// Where a technician checked in on arrival, when their phone told the page (WGS-84 degrees).
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    /// 告知住户: ticked, the note or reason is for the resident too; otherwise it stays internal.
    pub tell_resident: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ActionForm {
    /// The check-in position, when both coordinates came; the rules check their range.
    fn location(&self) -> Result<Option<Value>, ValidationError> {
        let degrees = |value: &Option<String>| {
            given(value)
                .map(|v| {
                    v.parse::<f64>()
                        .map_err(|_| ValidationError::single("location", FieldErrorCode::Invalid))
                })
                .transpose()
        };
        Ok(
            match (degrees(&self.latitude)?, degrees(&self.longitude)?) {
                (Some(latitude), Some(longitude)) => {
                    Some(json!({ "latitude": latitude, "longitude": longitude }))
                }
                _ => None,
            },
        )
    }

    pub fn name(&self) -> Result<ActionName, ApiError> {
        self.action
            .parse()
            .map_err(|_| ValidationError::single("action", FieldErrorCode::Invalid).into())
    }

    /// The action as asked for, with whether its words are told to the resident.
    pub fn request(&self, original_id: Option<String>) -> Result<ActionRequest, ApiError> {
        Ok(ActionRequest {
            action: self.action(original_id)?,
            tell_resident: given(&self.tell_resident).is_some(),
        })
    }

    /// The action; `original_id` is the duplicate's original once its number was looked up.
    pub fn action(&self, original_id: Option<String>) -> Result<Action, ApiError> {
        let name = self.name()?;
        let mut body = Map::new();
        body.insert("action".into(), json!(name.as_str()));
        let text = given(&self.text);
        let mut put = |field: &str, value: Option<Value>| {
            if let Some(value) = value {
                body.insert(field.to_owned(), value);
            }
        };
        if name == ActionName::ConfirmCharges {
            // At the desk, on the resident's word; a dispute comes from the resident themselves.
            put("accepted", Some(json!(true)));
        }
        if name == ActionName::Arrive {
            put("location", self.location()?);
        }
        match shape(name) {
            Shape::Button { field } => put(field, text.map(Value::from)),
            // Sent even when empty, so that the rules say it is required.
            Shape::Reason => put("reason", Some(json!(text.unwrap_or_default()))),
            Shape::Comment => {
                put("body", Some(json!(text.unwrap_or_default())));
                put("visibility", given(&self.visibility).map(Value::from));
            }
            Shape::Dispatch | Shape::Transfer => {
                put("assignee_id", given(&self.assignee_id).map(Value::from));
                put("team_id", given(&self.team_id).map(Value::from));
                if name == ActionName::Transfer {
                    put("reason", Some(json!(text.unwrap_or_default())));
                } else {
                    put("note", text.map(Value::from));
                }
            }
            Shape::FollowUp => {
                put("outcome", given(&self.outcome).map(Value::from));
                for (field, value) in [
                    ("satisfaction", &self.satisfaction),
                    ("timeliness", &self.timeliness),
                    ("attitude", &self.attitude),
                ] {
                    let rating = given(value)
                        .map(|v| {
                            v.parse::<i64>().map_err(|_| {
                                ValidationError::single(field, FieldErrorCode::Invalid)
                            })
                        })
                        .transpose()?;
                    put(field, rating.map(Value::from));
                }
                put("comment", text.map(Value::from));
            }
            Shape::LinkDuplicate => {
                put("original_id", Some(json!(original_id.unwrap_or_default())))
            }
            Shape::Review => {
                put("adopted", Some(json!(given(&self.adopted) == Some("true"))));
                put("reason", text.map(Value::from));
            }
            Shape::Reclassify => {
                for (field, value) in [
                    ("kind", &self.kind),
                    ("category", &self.category),
                    ("urgency", &self.urgency),
                ] {
                    put(field, given(value).map(Value::from));
                }
                put("reason", text.map(Value::from));
            }
        }
        serde_json::from_value(Value::Object(body)).map_err(|e| {
            ApiError::with_details(
                ErrorCode::InvalidRequest,
                json!({ "reason": e.to_string() }),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(action: &str, text: Option<&str>) -> ActionForm {
        ActionForm {
            action: action.into(),
            text: text.map(Into::into),
            ..ActionForm::default()
        }
    }

    #[test]
    fn every_action_has_a_form_that_parses() {
        for &name in ActionName::ALL {
            let mut input = form(name.as_str(), Some("说明"));
            input.assignee_id = Some("s1".into());
            input.satisfaction = Some("4".into());
            let parsed = input
                .action(Some("t1".into()))
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(parsed.name(), name);
        }
    }

    #[test]
    fn the_note_goes_where_the_action_keeps_it() {
        let suspend = form("suspend", None).action(None).unwrap();
        assert!(
            suspend.validate().is_err(),
            "a suspension without a reason is refused by the rules"
        );
        let accept = form("accept", Some("  ")).action(None).unwrap();
        assert_eq!(
            serde_json::to_value(&accept).unwrap(),
            json!({ "action": "accept", "note": null })
        );
        assert!(form("fly", None).action(None).is_err());
        let mut rated = form("follow_up", None);
        rated.satisfaction = Some("five".into());
        assert_eq!(
            rated.action(None).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
        let mut arrived = form("arrive", None);
        (arrived.latitude, arrived.longitude) =
            (Some("30.274100".into()), Some("120.155100".into()));
        let located = serde_json::to_value(arrived.action(None).unwrap()).unwrap();
        assert_eq!(
            located["location"],
            json!({ "latitude": 30.2741, "longitude": 120.1551 })
        );
        arrived.longitude = Some("东经".into());
        assert_eq!(
            arrived.action(None).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
        let mut corrected = form("reclassify", Some("住户说是楼上漏下来的"));
        (corrected.category, corrected.urgency) =
            (Some("complaint.neighbor".into()), Some(" ".into()));
        assert_eq!(
            serde_json::to_value(corrected.action(None).unwrap()).unwrap(),
            json!({ "action": "reclassify", "kind": null, "category": "complaint.neighbor", "urgency": null, "reason": "住户说是楼上漏下来的" })
        );
        arrived.longitude = Some("200".into());
        assert!(
            arrived.action(None).unwrap().validate().is_err(),
            "the rules check the range"
        );
    }

    #[test]
    fn notes_stay_internal_unless_the_box_is_ticked() {
        let mut dispatch = form("dispatch", Some("师傅十点到"));
        dispatch.assignee_id = Some("s1".into());
        assert!(!dispatch.request(None).unwrap().tell_resident);
        dispatch.tell_resident = Some("on".into());
        assert!(dispatch.request(None).unwrap().tell_resident);
    }
}
