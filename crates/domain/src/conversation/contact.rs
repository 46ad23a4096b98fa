//! Contact points (联系方式): a phone, a WeChat openid on one official account, or an e-mail
//! address by which a resident is known, each in one normal form so the same one always matches.

use crate::code::code_enum;
use crate::phone::normalize_phone;
use crate::validation::{Allowed, FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// How a person is reached.
    pub enum ContactKind ("contact kind") {
        Phone = "phone",
        /// An openid: one per person and official account, so it is kept with the account.
        Wechat = "wechat",
        Email = "email",
    }
}

/// The longest value or account kept (an e-mail address may be 254 characters).
pub const MAX_CONTACT: usize = 254;

/// One contact point in its normal form: a national phone number, an e-mail address in lower
/// case, an openid as WeChat gives it with its account. Made only by [`ContactPoint::new`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContactPoint {
    kind: ContactKind,
    /// The WeChat official account's id for an openid; empty for the others.
    account: String,
    value: String,
}

impl ContactPoint {
    /// Checks and normalises a contact point; `field` names it in the errors. An openid needs
    /// its account; the others take none.
    pub fn new(
        field: &str,
        kind: ContactKind,
        account: Option<&str>,
        value: &str,
    ) -> Result<ContactPoint, ValidationError> {
        let mut p = Problems::new();
        let value = value.trim();
        let account = account.map(str::trim).filter(|a| !a.is_empty());
        let normal = match kind {
            ContactKind::Phone => normalize_phone(value).or_else(|| {
                p.refuse(field, FieldErrorCode::Invalid, Allowed::Phone);
                None
            }),
            ContactKind::Email => {
                let lower = value.to_lowercase();
                let well_formed = lower.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                }) && !lower.chars().any(char::is_whitespace);
                if !well_formed {
                    p.add(field, FieldErrorCode::Invalid);
                }
                Some(lower)
            }
            ContactKind::Wechat => {
                // WeChat openids are 28 characters of [A-Za-z0-9_-]; kept as given, bounded.
                let well_formed = (1..=64).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !well_formed {
                    p.add(field, FieldErrorCode::Invalid);
                }
                if account.is_none() {
                    p.add(format!("{field}.account"), FieldErrorCode::Required);
                }
                Some(value.to_owned())
            }
        };
        if value.chars().count() > MAX_CONTACT
            || account.is_some_and(|a| a.chars().count() > MAX_CONTACT)
        {
            p.refuse(
                field,
                FieldErrorCode::TooLong,
                Allowed::Length {
                    min: 1,
                    max: MAX_CONTACT,
                },
            );
        }
        let account = match kind {
            ContactKind::Wechat => account.unwrap_or_default().to_owned(),
            ContactKind::Phone | ContactKind::Email => String::new(),
        };
        p.into_result(ContactPoint {
            kind,
            account,
            value: normal.unwrap_or_default(),
        })
    }

    /// A contact point read back from storage, where it was stored normalised.
    pub fn stored(kind: ContactKind, account: &str, value: &str) -> ContactPoint {
        ContactPoint {
            kind,
            account: account.to_owned(),
            value: value.to_owned(),
        }
    }

    pub fn kind(&self) -> ContactKind {
        self.kind
    }

    /// The official account of an openid; empty for the others.
    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// The phone number, for a phone.
    pub fn phone(&self) -> Option<&str> {
        (self.kind == ContactKind::Phone).then_some(self.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_addresses_have_one_normal_form() {
        let a = ContactPoint::new("from", ContactKind::Phone, None, "+86 138-0013-8000").unwrap();
        let b = ContactPoint::new("from", ContactKind::Phone, None, "13800138000").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.phone(), Some("13800138000"));
        let e = ContactPoint::new(
            "from",
            ContactKind::Email,
            Some("x"),
            " Li.Wei@Example.COM ",
        )
        .unwrap();
        assert_eq!(e.value(), "li.wei@example.com");
        assert_eq!(e.account(), "", "only openids carry an account");
    }

    #[test]
    fn an_openid_is_kept_with_its_account() {
        let o = ContactPoint::new(
            "from",
            ContactKind::Wechat,
            Some("gh_1"),
            "oHh7U5Pn2FcQvxS3abcdEFGH1234",
        )
        .unwrap();
        assert_eq!((o.account(), o.phone()), ("gh_1", None));
        let err = ContactPoint::new("from", ContactKind::Wechat, None, "oHh7U5").unwrap_err();
        assert_eq!(err.0[0].field, "from.account");
    }

    #[test]
    fn bad_contact_points_name_their_field() {
        for (kind, value) in [
            (ContactKind::Phone, "12345"),
            (ContactKind::Email, "no-at-sign"),
            (ContactKind::Email, "a@b"),
            (ContactKind::Wechat, "has space"),
            (ContactKind::Wechat, ""),
        ] {
            let err = ContactPoint::new("sender", kind, Some("gh_1"), value).unwrap_err();
            assert_eq!(err.0[0].field, "sender", "{kind} {value:?}");
            assert_eq!(err.0[0].code, FieldErrorCode::Invalid);
        }
    }
}
