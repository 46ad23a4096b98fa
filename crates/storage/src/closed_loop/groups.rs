//! A breakdown of the service figures: the key each ticket is grouped by, in SQL, and the names of
//! the groups found.

use std::collections::BTreeMap;

use guanjia_domain::closed_loop::{Breakdown, GridCover, order_grids};
use guanjia_domain::role::Role;
use guanjia_domain::taxonomy::Channel;
use sea_orm::sea_query::{
    Alias, CaseStatement, Expr, ExprTrait, JoinType, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};

use crate::db::Store;
use crate::entity::{category, grid, project, staff, team};
use crate::error::Result;

/// How a group is named to the reader: a name someone gave it, a label in both languages, a
/// channel (worded by the reader's language), or none (tickets without the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupName {
    Given(String),
    Label { zh: String, en: String },
    Channel(Channel),
    Unset,
}

/// The SQL of one breakdown.
#[derive(Debug, Clone)]
pub(crate) struct Grouping {
    by: Breakdown,
    /// For grids: `(project, buildings, grid)` in the order a ticket's grid is looked for.
    grids: Vec<GridCover>,
}

impl Grouping {
    /// The grouping of `by` in a company (grids read here: a ticket's grid is a rule over them).
    pub(crate) async fn of(store: &Store, company_id: &str, by: Breakdown) -> Result<Self> {
        let mut grids = Vec::new();
        if by == Breakdown::Grid {
            grids = grid::Entity::find()
                .filter(grid::Column::CompanyId.eq(company_id))
                .all(&store.db)
                .await?
                .into_iter()
                .map(|g| GridCover {
                    building_ids: serde_json::from_value(g.building_ids).unwrap_or_default(),
                    id: g.id,
                    project_id: g.project_id,
                    name: g.name,
                })
                .collect();
            order_grids(&mut grids);
        }
        Ok(Self { by, grids })
    }

    pub(crate) fn by(&self) -> Breakdown {
        self.by
    }

    /// By project: the one grouping the day facts keep.
    pub(crate) fn by_project() -> Self {
        Self::test(Breakdown::Project)
    }

    /// A grouping that needs nothing read (every one but grids).
    pub(crate) fn test(by: Breakdown) -> Self {
        Self {
            by,
            grids: Vec::new(),
        }
    }

    /// The key of a ticket's group; null for a ticket without one.
    pub(crate) fn key(&self, backend: DbBackend) -> SimpleExpr {
        // On SQLite a unary plus keeps the planner from grouping along an index of the column
        // (the project's), which it chose over the period's index for some periods and then
        // read every ticket of the company instead of the period's.
        let plus = if backend == DbBackend::Sqlite {
            "+"
        } else {
            ""
        };
        let column = |name: &str| Expr::cust(format!("{plus}tickets.{name}"));
        match self.by {
            Breakdown::Project => column("project_id"),
            Breakdown::Team => column("team_id"),
            Breakdown::Agent | Breakdown::Technician => column("assignee_id"),
            Breakdown::FirstContactOwner => column("first_contact_owner_id"),
            Breakdown::Category => column("category"),
            Breakdown::Channel => column("channel"),
            Breakdown::Grid => self.grid_key(),
        }
    }

    /// `grid_of` in SQL: the first grid, in its order, of the ticket's project that names the
    /// ticket's building or covers the whole project.
    fn grid_key(&self) -> SimpleExpr {
        // No grid: no key (a CASE without a branch is not SQL).
        if self.grids.is_empty() {
            return Expr::cust("CAST(NULL AS TEXT)");
        }
        let column = |table: &str, name: &str| Expr::col((Alias::new(table), Alias::new(name)));
        let mut case = CaseStatement::new();
        for g in &self.grids {
            let mut covers = column("tickets", "project_id").eq(g.project_id.as_str());
            if !g.building_ids.is_empty() {
                covers = covers
                    .and(column("grid_rooms", "building_id").is_in(g.building_ids.iter().cloned()));
            }
            case = case.case(covers, Expr::val(g.id.as_str()));
        }
        case.finally(Expr::cust("CAST(NULL AS TEXT)")).into()
    }

    /// What the grouping adds to the tickets counted: the room's building for grids, the
    /// assignee's role for agents and technicians.
    pub(crate) fn narrow(&self, q: &mut SelectStatement) {
        let technician = format!(
            "tickets.assignee_id IN (SELECT staff.id FROM staff WHERE staff.company_id = \
             tickets.company_id AND staff.role = '{}')",
            Role::Technician.as_str()
        );
        match self.by {
            Breakdown::Grid => {
                q.join_as(
                    JoinType::LeftJoin,
                    Alias::new("rooms"),
                    Alias::new("grid_rooms"),
                    Expr::cust("grid_rooms.company_id = tickets.company_id")
                        .and(Expr::cust("grid_rooms.id = tickets.room_id")),
                );
            }
            Breakdown::Technician => {
                q.and_where(Expr::cust(technician));
            }
            Breakdown::Agent => {
                q.and_where(Expr::cust("tickets.assignee_id IS NOT NULL"))
                    .and_where(Expr::cust(format!("NOT ({technician})")));
            }
            _ => {}
        }
    }

    /// The names of the groups `keys`.
    pub(crate) async fn names(
        &self,
        store: &Store,
        company_id: &str,
        keys: &[String],
    ) -> Result<BTreeMap<String, GroupName>> {
        let given = |pairs: Vec<(String, String)>| {
            pairs
                .into_iter()
                .map(|(id, name)| (id, GroupName::Given(name)))
                .collect()
        };
        let ids = keys.to_vec();
        Ok(match self.by {
            Breakdown::Project => given(
                project::Entity::find()
                    .select_only()
                    .columns([project::Column::Id, project::Column::Name])
                    .filter(project::Column::CompanyId.eq(company_id))
                    .filter(project::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(&store.db)
                    .await?,
            ),
            Breakdown::Team => given(
                team::Entity::find()
                    .select_only()
                    .columns([team::Column::Id, team::Column::Name])
                    .filter(team::Column::CompanyId.eq(company_id))
                    .filter(team::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(&store.db)
                    .await?,
            ),
            Breakdown::Agent | Breakdown::Technician | Breakdown::FirstContactOwner => given(
                staff::Entity::find()
                    .select_only()
                    .columns([staff::Column::Id, staff::Column::Name])
                    .filter(staff::Column::CompanyId.eq(company_id))
                    .filter(staff::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(&store.db)
                    .await?,
            ),
            Breakdown::Grid => self
                .grids
                .iter()
                .map(|g| (g.id.clone(), GroupName::Given(g.name.clone())))
                .collect(),
            Breakdown::Category => category::Entity::find()
                .select_only()
                .columns([
                    category::Column::Code,
                    category::Column::LabelZh,
                    category::Column::LabelEn,
                ])
                .filter(category::Column::CompanyId.eq(company_id))
                .filter(category::Column::Code.is_in(ids))
                .into_tuple::<(String, String, String)>()
                .all(&store.db)
                .await?
                .into_iter()
                .map(|(code, zh, en)| (code, GroupName::Label { zh, en }))
                .collect(),
            Breakdown::Channel => keys
                .iter()
                .filter_map(|k| Some((k.clone(), GroupName::Channel(k.parse().ok()?))))
                .collect(),
        })
    }
}
