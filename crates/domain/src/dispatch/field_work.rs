//! Field work (现场作业): where the technician checked in, what they used, and what a paid
//! service (有偿服务) costs, from the project's price list, for the resident to confirm.

use serde::{Deserialize, Serialize};

use crate::code::code_enum;
use crate::validation::{FieldErrorCode, Problems, ValidationError};

code_enum! {
    /// Where a paid service's bill stands with the resident.
    pub enum ChargeStatus ("charge status") {
        /// Waiting for the resident to confirm; the ticket is not closed meanwhile.
        Pending = "pending",
        Accepted = "accepted",
        Disputed = "disputed",
    }
}

/// A check-in position (WGS-84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

/// A material used on the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub quantity: f64,
    /// 个, 米, 卷 …
    pub unit: Option<String>,
}

/// A paid item of the project's price list, and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChargeLine {
    pub price_item_id: String,
    pub quantity: u32,
}

/// The most lines a job may list.
pub const MAX_LINES: usize = 50;

/// The most photos a category may require of a finish (the form takes a few at a time).
pub const MAX_REQUIRED_PHOTOS: i64 = 10;

/// A technician's finish shows the work as the category asks: at least `required` photos on
/// the ticket. Fewer is a 422 on `photos`.
pub fn check_finish_photos(required: i32, have: u64) -> Result<(), ValidationError> {
    if have < u64::try_from(required).unwrap_or(0) {
        return Err(ValidationError::single("photos", FieldErrorCode::Required));
    }
    Ok(())
}

#[cfg(test)]
mod finish_photo_tests {
    use super::*;

    #[test]
    fn a_finish_has_the_photos_its_category_asks_for() {
        assert!(check_finish_photos(0, 0).is_ok());
        assert_eq!(check_finish_photos(2, 1).unwrap_err().0[0].field, "photos");
        assert!(check_finish_photos(2, 2).is_ok());
    }
}

pub(crate) fn check_location(p: &mut Problems, location: Option<&GeoPoint>) {
    if let Some(g) = location
        && !((-90.0..=90.0).contains(&g.latitude) && (-180.0..=180.0).contains(&g.longitude))
    {
        p.add("location", FieldErrorCode::OutOfRange);
    }
}

pub(crate) fn check_work(p: &mut Problems, materials: &[Material], charges: &[ChargeLine]) {
    if materials.len() > MAX_LINES || charges.len() > MAX_LINES {
        p.add("materials", FieldErrorCode::TooLong);
    }
    for (i, m) in materials.iter().enumerate() {
        p.text(&format!("materials.{i}.name"), &m.name, 100);
        p.optional_text(&format!("materials.{i}.unit"), m.unit.as_deref(), 20);
        if !(m.quantity.is_finite() && m.quantity > 0.0 && m.quantity <= 1_000_000.0) {
            p.add(
                format!("materials.{i}.quantity"),
                FieldErrorCode::OutOfRange,
            );
        }
    }
    for (i, c) in charges.iter().enumerate() {
        p.text(&format!("charges.{i}.price_item_id"), &c.price_item_id, 36);
        if !(1..=10_000).contains(&c.quantity) {
            p.add(format!("charges.{i}.quantity"), FieldErrorCode::OutOfRange);
        }
    }
}

/// A line of the price list (价目表) as an admin writes it; the price in yuan with at most two
/// decimals.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceItemInput {
    pub project_id: String,
    pub name: String,
    /// 次, 个, 米 …
    pub unit: String,
    /// Yuan, e.g. 80 or 12.5.
    pub price: f64,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPriceItem {
    pub project_id: String,
    pub name: String,
    pub unit: String,
    /// 分 (fen): money is counted in whole cents, never in floating point.
    pub price_cents: i64,
    pub active: bool,
}

impl PriceItemInput {
    pub fn validate(self) -> Result<NewPriceItem, ValidationError> {
        let mut p = Problems::new();
        p.text("project_id", &self.project_id, 36);
        p.text("name", &self.name, 100);
        p.text("unit", &self.unit, 20);
        let cents = (self.price * 100.0).round();
        if !(self.price.is_finite()
            && (0.0..=1_000_000.0).contains(&self.price)
            && (cents - self.price * 100.0).abs() < 1e-6)
        {
            p.add("price", FieldErrorCode::Invalid);
        }
        p.into_result(NewPriceItem {
            project_id: self.project_id,
            name: self.name.trim().to_owned(),
            unit: self.unit.trim().to_owned(),
            price_cents: cents as i64,
            active: self.active.unwrap_or(true),
        })
    }
}

/// The amount of a line and of a bill, in cents.
pub fn amount(price_cents: i64, quantity: u32) -> i64 {
    price_cents.saturating_mul(i64::from(quantity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_whole_cents_and_work_is_checked() {
        let item = |price| PriceItemInput {
            project_id: "p".into(),
            name: "更换水龙头".into(),
            unit: "个".into(),
            price,
            active: None,
        };
        assert_eq!(item(80.0).validate().unwrap().price_cents, 8000);
        assert_eq!(item(12.5).validate().unwrap().price_cents, 1250);
        assert!(item(12.345).validate().is_err(), "no fractions of a fen");
        assert!(item(-1.0).validate().is_err());
        assert_eq!(amount(1250, 3), 3750);

        let mut p = Problems::new();
        check_location(
            &mut p,
            Some(&GeoPoint {
                latitude: 91.0,
                longitude: 0.0,
            }),
        );
        check_work(
            &mut p,
            &[Material {
                name: "PPR管".into(),
                quantity: 0.0,
                unit: Some("米".into()),
            }],
            &[ChargeLine {
                price_item_id: "x".into(),
                quantity: 0,
            }],
        );
        let fields: Vec<String> = p
            .into_result(())
            .unwrap_err()
            .0
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            ["location", "materials.0.quantity", "charges.0.quantity"]
        );
    }
}
