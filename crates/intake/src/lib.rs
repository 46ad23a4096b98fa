//! Understanding residents' messages (issue 7): kind, category, urgency, escalation risk and place
//! of a message, each with a confidence and the words that decided it; duplicate and incident
//! detection between tickets; and the evaluation that measures all of it.
//!
//! Pure: no I/O, no model, no network. Everything the analyser knows is a [`Vocabulary`] (plain
//! data, editable by admins); [`Analyzer::new`] compiles one, [`Analyzer::analyze`] reads a message.
//!
//! ```
//! use guanjia_intake::{Analyzer, Vocabulary};
//!
//! let analyzer = Analyzer::new(Vocabulary::default());
//! let analysis = analyzer.analyze("三号楼左边那部电梯困人了!!!", Some("wechat"));
//! assert_eq!(analysis.category.as_deref(), Some("repair.elevator"));
//! assert_eq!(analysis.urgency, "emergency");
//! assert_eq!(analysis.location.building.as_deref(), Some("3栋"));
//! ```

mod analysis;
mod bench;
mod classify;
mod danger;
mod default_vocabulary;
mod duplicates;
mod eval;
mod evidence;
mod labelled;
mod location;
mod normalize;
mod numerals;
mod phrases;
mod risk;
mod urgency;
mod vocabulary;

pub use analysis::{Analysis, Analyzer, Confidence};
pub use bench::mean_analysis_time;
pub use duplicates::{
    DuplicateCandidate, Incident, LINK_THRESHOLD, TicketFacts, duplicate_candidates, duplicate_of,
    group_incidents, look_back_minutes, problem_keys,
};
pub use eval::{
    CaseTicket, DuplicateCase, EvalReport, EvalSet, Mistake, Ratio, TARGETS, Target,
    builtin_dev_set, builtin_external_set, builtin_test_set, evaluate,
};
pub use evidence::Evidence;
pub use labelled::{EvalDataError, LabelledMessage, parse_jsonl};
pub use location::Location;
pub use vocabulary::{
    CategoryRule, EscalationRule, KINDS, KeywordGroup, KindCue, Scope, Synonym, Urgency,
    UrgencyRule, Vocabulary, VocabularyError,
};
