//! Praise (表扬): crediting the staff a resident names.
//!
//! Residents name people the way they speak: the full name ("王建国"), or the surname with a
//! title ("王师傅", "李管家"). A full name credits its owner; a surname with a title credits the
//! one colleague of that role with that surname, and nobody when it is ambiguous (an agent can
//! credit by hand).

use crate::role::Role;

/// A staff member as the praise rule sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// The titles residents put after a surname, and the role each means.
const TITLES: [(&str, Role); 6] = [
    ("师傅", Role::Technician),
    ("工程师", Role::Technician),
    ("管家", Role::Butler),
    ("客服", Role::Agent),
    ("主管", Role::Supervisor),
    ("经理", Role::Manager),
];

/// The ids of the staff the text praises, without repeats, in the order of `staff`.
pub fn named_in(text: &str, staff: &[Named]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut credit = |id: &str| {
        if !found.iter().any(|f| f == id) {
            found.push(id.to_owned());
        }
    };
    for s in staff
        .iter()
        .filter(|s| s.name.chars().count() >= 2 && text.contains(s.name.as_str()))
    {
        credit(&s.id);
    }
    for (title, role) in TITLES {
        for (at, _) in text.match_indices(title) {
            let Some(surname) = text[..at].chars().next_back() else {
                continue;
            };
            let mut fits = staff
                .iter()
                .filter(|s| s.role == role && s.name.starts_with(surname));
            if let (Some(one), None) = (fits.next(), fits.next()) {
                credit(&one.id);
            }
        }
    }
    staff
        .iter()
        .filter(|s| found.contains(&s.id))
        .map(|s| s.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff() -> Vec<Named> {
        let n = |id: &str, name: &str, role| Named {
            id: id.into(),
            name: name.into(),
            role,
        };
        vec![
            n("wang", "王建国", Role::Technician),
            n("wang2", "王芳", Role::Agent),
            n("li", "李明", Role::Butler),
            n("zhang1", "张伟", Role::Technician),
            n("zhang2", "张强", Role::Technician),
        ]
    }

    #[test]
    fn full_names_and_unambiguous_titles_are_credited() {
        assert_eq!(
            named_in("感谢王师傅半夜来修水管，还有李管家跟进", &staff()),
            ["wang", "li"]
        );
        assert_eq!(named_in("表扬客服王芳，耐心细致", &staff()), ["wang2"]);
        assert!(
            named_in("张师傅很专业", &staff()).is_empty(),
            "two technicians named 张: an agent decides"
        );
        assert_eq!(
            named_in("张伟和王建国都很好，王建国尤其耐心", &staff()),
            ["wang", "zhang1"]
        );
        assert!(named_in("师傅很好", &staff()).is_empty());
    }
}
