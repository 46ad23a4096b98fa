//! The rows of a rooms-and-residents spreadsheet checked one by one: columns found by their
//! header (Chinese or English, in any order), choices read as people write them (住宅, 业主,
//! 尊享), then the domain's own set-up rules, the same the API applies. Every problem is kept
//! with its row and column, so the whole file can be fixed in one go.

use guanjia_domain::setup::{BuildingInput, ResidentInput, RoomInput};
use guanjia_domain::validation::{FieldErrorCode, ValidationError};
use guanjia_storage::{PlaceRow, ResidentRow};

use super::sheet::Row;
use crate::i18n::Lang;

/// The columns of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Building,
    Unit,
    Number,
    Kind,
    Area,
    Name,
    Phone,
    Role,
    Tier,
}

impl Column {
    /// In the template's order, which is also each column's index (`column as usize`).
    pub const ALL: [Column; 9] = [
        Column::Building,
        Column::Unit,
        Column::Number,
        Column::Kind,
        Column::Area,
        Column::Name,
        Column::Phone,
        Column::Role,
        Column::Tier,
    ];

    /// The header a template shows, Chinese and English, with the choices where there are some.
    pub fn header(self) -> (&'static str, &'static str) {
        match self {
            Column::Building => ("楼栋", "Building"),
            Column::Unit => ("单元", "Unit"),
            Column::Number => ("房号", "Room"),
            Column::Kind => (
                "类型(住宅/商铺/办公/车位)",
                "Type (residential/shop/office/parking)",
            ),
            Column::Area => ("面积", "Area (m²)"),
            Column::Name => ("业主姓名", "Name"),
            Column::Phone => ("电话", "Phone"),
            Column::Role => (
                "身份(业主/家属/租户/商户)",
                "Role (owner/family/tenant/merchant)",
            ),
            Column::Tier => ("服务等级(基础/尊享)", "Tier (basic/premium)"),
        }
    }

    /// The names a header may have, compared after [`normalize`].
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Building => &["楼栋", "楼号", "楼宇", "栋", "building"],
            Column::Unit => &["单元", "unit"],
            Column::Number => &[
                "房号",
                "房间号",
                "门牌号",
                "铺位号",
                "room",
                "roomnumber",
                "number",
            ],
            Column::Kind => &["类型", "房屋类型", "用途", "type", "kind", "roomtype"],
            Column::Area => &["面积", "建筑面积", "area", "aream2", "area㎡"],
            Column::Name => &[
                "业主姓名",
                "姓名",
                "住户姓名",
                "name",
                "residentname",
                "ownername",
            ],
            Column::Phone => &[
                "电话",
                "手机",
                "手机号",
                "手机号码",
                "联系电话",
                "phone",
                "mobile",
            ],
            Column::Role => &["身份", "住户身份", "role"],
            Column::Tier => &["服务等级", "等级", "tier", "servicetier"],
        }
    }

    fn required(self) -> bool {
        matches!(self, Column::Building | Column::Number)
    }

    /// The choices of a column: (Chinese, the code, which is also the English).
    fn options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Column::Kind => &[
                ("住宅", "residential"),
                ("商铺", "shop"),
                ("办公", "office"),
                ("车位", "parking"),
            ],
            Column::Role => &[
                ("业主", "owner"),
                ("家属", "family"),
                ("租户", "tenant"),
                ("商户", "merchant"),
                ("企业联系人", "company_contact"),
            ],
            Column::Tier => &[("基础", "basic"), ("尊享", "premium")],
            _ => &[],
        }
    }

    /// The choices as they are written in `lang`.
    pub fn choices(self, lang: Lang) -> impl Iterator<Item = &'static str> {
        self.options()
            .iter()
            .map(move |(zh, code)| if lang == Lang::Zh { *zh } else { *code })
    }

    /// How a code of this column is written in `lang`.
    pub fn label(self, lang: Lang, code: &str) -> &'static str {
        let option = self.options().iter().find(|(_, c)| *c == code);
        option.map_or("", |(zh, code)| if lang == Lang::Zh { *zh } else { *code })
    }

    /// The code of what was written, in either language.
    fn code_of(self, written: &str) -> Option<&'static str> {
        self.options()
            .iter()
            .find(|(zh, code)| *zh == written || code.eq_ignore_ascii_case(written))
            .map(|(_, code)| *code)
    }

    /// The domain's field name for this column, as its validation errors name it.
    fn of_field(object: Object, field: &str) -> Option<Column> {
        Some(match (object, field) {
            (Object::Building, _) => Column::Building,
            (Object::Room, "unit") => Column::Unit,
            (Object::Room, "number") => Column::Number,
            (Object::Room, "kind") => Column::Kind,
            (Object::Room, "area_m2") => Column::Area,
            (Object::Resident, "name") => Column::Name,
            (Object::Resident, "phone") => Column::Phone,
            (Object::Resident, "role") => Column::Role,
            (Object::Resident, "tier") => Column::Tier,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy)]
enum Object {
    Building,
    Room,
    Resident,
}

/// Case, spaces and a bracketed hint ("类型(住宅/商铺)", "Area (m²)") do not matter in a header.
fn normalize(header: &str) -> String {
    let cut = header.find(['(', '（']).unwrap_or(header.len());
    header[..cut]
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What is wrong with a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The domain's rule, by its code.
    Rule(FieldErrorCode),
    /// Not one of the column's choices.
    NotAChoice,
    NotANumber,
    /// The room's household already has this phone under another name.
    PhoneTaken {
        registered_name: String,
    },
}

/// One problem of the file: a row (None: the file as a whole, e.g. a missing column) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u32>,
    pub column: Column,
    pub fault: Fault,
}

/// How far down a title or notes above the header may go.
const HEADER_WITHIN: usize = 10;

/// Where each column is in a row of headers.
fn positions(header: &Row) -> Vec<Option<usize>> {
    Column::ALL
        .iter()
        .map(|column| {
            header
                .cells
                .iter()
                .position(|cell| column.names().contains(&normalize(cell).as_str()))
        })
        .collect()
}

fn has_required(positions: &[Option<usize>]) -> bool {
    Column::ALL
        .iter()
        .zip(positions)
        .all(|(column, at)| !column.required() || at.is_some())
}

/// The file's rows, checked: the rows to import, or every problem found. The header is the
/// first row naming the required columns, so a title above it does no harm.
pub fn check(rows: &[Row]) -> Result<Vec<PlaceRow>, Vec<Problem>> {
    let found = rows
        .iter()
        .take(HEADER_WITHIN)
        .enumerate()
        .map(|(i, row)| (i, positions(row)))
        .find(|(_, at)| has_required(at));
    let Some((header, positions)) = found else {
        let first = rows
            .first()
            .map(positions)
            .unwrap_or_else(|| vec![None; Column::ALL.len()]);
        return Err(Column::ALL
            .iter()
            .zip(first)
            .filter(|(column, at)| column.required() && at.is_none())
            .map(|(column, _)| Problem {
                line: None,
                column: *column,
                fault: Fault::Rule(FieldErrorCode::Required),
            })
            .collect());
    };
    let mut problems = vec![];
    let mut checked = vec![];
    for row in &rows[header + 1..] {
        let cell = |column: Column| {
            positions[column as usize]
                .and_then(|i| row.cells.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        match check_row(row.line, cell) {
            Ok(place) => checked.push(place),
            Err(found) => problems.extend(found),
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

fn check_row<'a>(
    line: u32,
    cell: impl Fn(Column) -> Option<&'a str>,
) -> Result<PlaceRow, Vec<Problem>> {
    let mut problems = vec![];
    let mut fault = |column: Column, fault: Fault| {
        problems.push(Problem {
            line: Some(line),
            column,
            fault,
        })
    };
    let mut choice = |column: Column| {
        let written = cell(column)?;
        let code = column.code_of(written).map(str::to_owned);
        if code.is_none() {
            fault(column, Fault::NotAChoice);
        }
        code
    };
    let (kind, role, tier) = (
        choice(Column::Kind),
        choice(Column::Role),
        choice(Column::Tier),
    );
    let area = cell(Column::Area).and_then(|written| {
        let number = written
            .trim_end_matches(['㎡', '²', 'm', 'M', '平', '米', ' '])
            .parse::<f64>()
            .ok();
        if number.is_none() {
            fault(Column::Area, Fault::NotANumber);
        }
        number
    });
    let text = |column: Column| cell(column).unwrap_or_default().to_owned();
    let building = BuildingInput {
        name: text(Column::Building),
    }
    .validate();
    let room = RoomInput {
        unit: cell(Column::Unit).map(str::to_owned),
        number: text(Column::Number),
        kind,
        floor: None,
        area_m2: area,
    }
    .validate();
    // A row names a resident when any of their cells is filled; a row without is a room alone.
    let names_resident = [Column::Name, Column::Phone, Column::Role, Column::Tier]
        .into_iter()
        .any(|c| cell(c).is_some());
    let resident = names_resident.then(|| {
        // The room is this row's, created or found when importing; the domain only needs it named.
        let input = ResidentInput {
            name: text(Column::Name),
            phone: text(Column::Phone),
            room_id: format!("row-{line}"),
            role: role.unwrap_or_else(|| "owner".into()),
            tier,
        };
        input.validate().map(|r| ResidentRow {
            name: r.name,
            phone: r.phone,
            role: r.role,
            tier: r.tier,
        })
    });
    let mut broken = |object: Object, error: ValidationError| {
        for field in error.0 {
            if let Some(column) = Column::of_field(object, &field.field) {
                // A choice already reported as such is not reported again by the rules.
                if !problems.iter().any(|p| p.column == column) {
                    problems.push(Problem {
                        line: Some(line),
                        column,
                        fault: Fault::Rule(field.code),
                    });
                }
            }
        }
    };
    let building = building.map_err(|e| broken(Object::Building, e)).ok();
    let room = room.map_err(|e| broken(Object::Room, e)).ok();
    let resident = resident.map(|r| r.map_err(|e| broken(Object::Resident, e)).ok());
    match (building, room, resident) {
        (Some(building), Some(room), resident) if problems.is_empty() => Ok(PlaceRow {
            line,
            building,
            room,
            resident: resident.flatten(),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guanjia_domain::place::RoomKind;
    use guanjia_domain::resident::{ResidentRole, ServiceTier};

    fn rows(table: &[&[&str]]) -> Vec<Row> {
        table
            .iter()
            .enumerate()
            .map(|(i, cells)| Row {
                line: i as u32 + 1,
                cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            })
            .collect()
    }

    const HEADER: &[&str] = &[
        "楼栋",
        "单元",
        "房号",
        "类型(住宅/商铺/办公/车位)",
        "面积",
        "业主姓名",
        "电话",
        "身份(业主/家属/租户/商户)",
        "服务等级(基础/尊享)",
    ];

    fn problems(table: &[&[&str]]) -> Vec<(Option<u32>, Column, Fault)> {
        check(&rows(table))
            .unwrap_err()
            .into_iter()
            .map(|p| (p.line, p.column, p.fault))
            .collect()
    }

    #[test]
    fn a_good_file_in_either_language() {
        let good = check(&rows(&[
            &["锦程物业 翠湖花园 房屋清单"],
            HEADER,
            &[
                "3栋",
                "2单元",
                "1502",
                "住宅",
                "89.5㎡",
                "张伟",
                "138 0013 8000",
                "业主",
                "尊享",
            ],
            &["商业街", "", "L1-05", "商铺", "", "", "", "", ""],
            &[
                "3栋",
                "2单元",
                "1502",
                "",
                "",
                "李娜",
                "13900139000",
                "家属",
                "",
            ],
        ]))
        .unwrap();
        assert_eq!(good.len(), 3);
        assert_eq!(
            (
                good[0].line,
                good[0].building.as_str(),
                good[0].room.unit.as_str(),
                good[0].room.number.as_str()
            ),
            (3, "3栋", "2单元", "1502")
        );
        assert_eq!(
            (good[0].room.kind, good[0].room.area_m2),
            (RoomKind::Residential, Some(89.5))
        );
        let owner = good[0].resident.as_ref().unwrap();
        assert_eq!(
            (owner.phone.as_str(), owner.role, owner.tier),
            ("13800138000", ResidentRole::Owner, ServiceTier::Premium)
        );
        assert_eq!(
            (good[1].room.kind, &good[1].resident),
            (RoomKind::Shop, &None),
            "a room without anyone"
        );
        assert_eq!(
            good[2].resident.as_ref().unwrap().role,
            ResidentRole::Family
        );

        let english = check(&rows(&[
            &[
                "Room",
                "Building",
                "Phone",
                "Name",
                "Type (residential/shop/office/parking)",
            ],
            &["101", "A座", "13800138000", "Li Na", "Office"],
        ]))
        .unwrap();
        assert_eq!(
            (english[0].building.as_str(), english[0].room.kind),
            ("A座", RoomKind::Office)
        );
        assert_eq!(
            english[0].resident.as_ref().unwrap().role,
            ResidentRole::Owner,
            "owner unless said otherwise"
        );
    }

    #[test]
    fn every_problem_with_its_row_and_column() {
        let found = problems(&[
            HEADER,
            &["", "2单元", "1502", "", "", "", "", "", ""],
            &["3栋", "", "", "别墅", "", "", "", "", ""],
            &[
                "3栋", "", "1503", "", "八十", "张伟", "12345", "房东", "VIP",
            ],
            &["3栋", "", "1504", "", "-5", "", "13800138000", "", ""],
        ]);
        assert_eq!(
            found,
            vec![
                (
                    Some(2),
                    Column::Building,
                    Fault::Rule(FieldErrorCode::Required)
                ),
                (Some(3), Column::Kind, Fault::NotAChoice),
                (
                    Some(3),
                    Column::Number,
                    Fault::Rule(FieldErrorCode::Required)
                ),
                (Some(4), Column::Role, Fault::NotAChoice),
                (Some(4), Column::Tier, Fault::NotAChoice),
                (Some(4), Column::Area, Fault::NotANumber),
                (Some(4), Column::Phone, Fault::Rule(FieldErrorCode::Invalid)),
                (
                    Some(5),
                    Column::Area,
                    Fault::Rule(FieldErrorCode::OutOfRange)
                ),
                (Some(5), Column::Name, Fault::Rule(FieldErrorCode::Required)),
            ]
        );
    }

    #[test]
    fn a_file_without_the_required_columns() {
        assert_eq!(
            problems(&[&["姓名", "电话"], &["张伟", "13800138000"]]),
            vec![
                (
                    None,
                    Column::Building,
                    Fault::Rule(FieldErrorCode::Required)
                ),
                (None, Column::Number, Fault::Rule(FieldErrorCode::Required))
            ]
        );
    }

    #[test]
    fn too_long_values_follow_the_apis_rules() {
        let long = "长".repeat(60);
        let found = problems(&[HEADER, &["3栋", "", &long, "", "", "", "", "", ""]]);
        assert_eq!(
            found,
            vec![(
                Some(2),
                Column::Number,
                Fault::Rule(FieldErrorCode::TooLong)
            )]
        );
    }
}
