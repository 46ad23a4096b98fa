//! The options of a `<select>`, with the current one selected.

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options from (value, label) pairs, selecting the one equal to `current`.
pub fn choices<'a>(
    current: Option<&str>,
    options: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: current == Some(value),
        })
        .collect()
}

/// A labelled `<select>` of a filter form.
pub struct Select {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Choice>,
}
