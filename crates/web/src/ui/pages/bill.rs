//! A paid service's bill (有偿服务收费) as the pages show it: lines from the project's price list,
//! the total, and whether the resident confirmed it. Money stays in whole fen until shown.

use guanjia_domain::dispatch::ChargeStatus;
use guanjia_storage::entity::ticket_charge;

use crate::i18n::Lang;
use crate::ui::text;

pub struct BillLine {
    pub name: String,
    /// "2 个 × ¥80.00".
    pub quantity: String,
    pub amount: String,
}

pub struct Bill {
    pub lines: Vec<BillLine>,
    pub total: String,
    /// Waiting for the resident, confirmed or disputed.
    pub status: Option<&'static str>,
}

/// "¥80.00" from fen.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}¥{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

impl Bill {
    /// The bill of a ticket with `status` (its `charge_status`); none without lines.
    pub fn of(
        lines: Vec<ticket_charge::Model>,
        status: Option<ChargeStatus>,
        lang: Lang,
    ) -> Option<Bill> {
        if lines.is_empty() {
            return None;
        }
        let t = text::labels(lang);
        let total = money(lines.iter().map(|l| l.amount_cents).sum());
        let lines = lines
            .into_iter()
            .map(|l| BillLine {
                quantity: format!("{} {} × {}", l.quantity, l.unit, money(l.unit_price_cents)),
                amount: money(l.amount_cents),
                name: l.name,
            })
            .collect();
        let status = status.map(|s| match s {
            ChargeStatus::Pending => t.bill_pending,
            ChargeStatus::Accepted => t.bill_accepted,
            ChargeStatus::Disputed => t.bill_disputed,
        });
        Some(Bill {
            lines,
            total,
            status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_read_as_yuan() {
        assert_eq!(money(8000), "¥80.00");
        assert_eq!(money(1250), "¥12.50");
        assert_eq!(money(5), "¥0.05");
        assert_eq!(money(-199), "-¥1.99");
    }
}
