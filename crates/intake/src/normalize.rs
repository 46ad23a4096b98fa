//! Text as the rest of the analysis sees it: half-width, lower-case ASCII, typos rewritten.

use crate::phrases::{PhraseSet, TooLarge};
use crate::vocabulary::Synonym;

/// Rewrites a message into its normal form.
#[derive(Debug, Clone)]
pub struct Normalizer {
    /// Owned by the index of the replacement.
    variants: PhraseSet<usize>,
    replacements: Vec<String>,
}

impl Normalizer {
    pub fn new(synonyms: &[Synonym]) -> Result<Self, TooLarge> {
        let folded: Vec<String> = synonyms
            .iter()
            .map(|synonym| fold_width(&synonym.from))
            .collect();
        let variants = PhraseSet::longest(folded.iter().map(String::as_str).enumerate())?;
        let replacements = synonyms
            .iter()
            .map(|synonym| fold_width(&synonym.to))
            .collect();
        Ok(Normalizer {
            variants,
            replacements,
        })
    }

    /// Full-width forms folded, ASCII lower-cased, then every synonym replaced by its canonical word
    /// (longest variant first, so 业主委员会 is rewritten whole).
    pub fn normalize(&self, text: &str) -> String {
        let folded = fold_width(text);
        let mut out = String::with_capacity(folded.len());
        let mut copied = 0;
        for hit in self.variants.hits(&folded) {
            out.push_str(&folded[copied..hit.start]);
            out.push_str(&self.replacements[hit.owner]);
            copied = hit.end;
        }
        out.push_str(&folded[copied..]);
        out
    }
}

/// Residents type on phones that mix full-width (１２３４５, Ｂ座, ！) and half-width forms; the
/// word lists and the place grammar are written once, in half-width lower case.
fn fold_width(text: &str) -> String {
    text.chars()
        .map(|ch| match ch {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
            '\u{3000}' => ' ',
            '—' | '–' => '-',
            _ => ch,
        })
        .map(|ch| ch.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalizer() -> Normalizer {
        let synonyms =
            [("电悌", "电梯"), ("漏氺", "漏水"), ("业主委员会", "业委会")].map(|(from, to)| {
                Synonym {
                    from: from.into(),
                    to: to.into(),
                }
            });
        Normalizer::new(&synonyms).unwrap()
    }

    #[test]
    fn folds_full_width_forms_and_case() {
        assert_eq!(normalizer().normalize("Ｂ座１５０２！？"), "b座1502!?");
        assert_eq!(normalizer().normalize("L2－15"), "l2-15");
    }

    #[test]
    fn rewrites_homophone_typos() {
        assert_eq!(
            normalizer().normalize("电悌又坏了，还漏氺"),
            "电梯又坏了,还漏水"
        );
        assert_eq!(normalizer().normalize("找业主委员会"), "找业委会");
    }
}
