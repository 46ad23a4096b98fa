//! The default exceptions: 中国大陆法定节假日, from the State Council General Office's yearly
//! notices (国务院办公厅关于某年部分节假日安排的通知), 2020–2026.
//!
//! Every official rest date is listed, weekends included, so the calendar shows the festival's name
//! on each day of a holiday; every make-up workday (调休上班) is a workday exception. 2020's Spring
//! Festival runs to Feb 2 as extended by 国办发明电〔2020〕1号, which also cancelled the Feb 1
//! make-up day. A new year is a new block of lines in `china_mainland.csv`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;

use super::Exception;

const DATA: &str = include_str!("china_mainland.csv");

static EXCEPTIONS: LazyLock<BTreeMap<NaiveDate, Exception>> = LazyLock::new(|| {
    // The file is part of the source and its tests read it whole, so a failure here is a bug in
    // this crate, not bad input.
    let exceptions = super::csv::import(DATA).expect("china_mainland.csv is valid");
    exceptions
        .into_iter()
        .map(|exception| (exception.date, exception))
        .collect()
});

pub(super) fn exceptions() -> &'static BTreeMap<NaiveDate, Exception> {
    &EXCEPTIONS
}
