//! Breaking the service figures down (分组统计): by what the tickets are grouped, and which grid a
//! ticket counts in.

use crate::code::code_enum;

code_enum! {
    /// What a breakdown of the service figures groups the tickets by.
    pub enum Breakdown ("breakdown") {
        Project = "project",
        /// The grid (网格) covering the ticket's building: see [`grid_of`].
        Grid = "grid",
        /// The team the ticket is with.
        Team = "team",
        /// The assignee, when not a technician.
        Agent = "agent",
        /// The assignee, when a technician.
        Technician = "technician",
        FirstContactOwner = "first_contact_owner",
        Category = "category",
        Channel = "channel",
    }
}

/// A grid as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCover {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// Empty: the whole project.
    pub building_ids: Vec<String>,
}

/// Put `grids` in the order in which a ticket's grid is looked for: grids that name buildings
/// before whole-project ones, then by name and id. Grids may overlap for dispatch (every covering
/// team is a candidate), but a figure counts each ticket once, in the most specific grid.
pub fn order_grids(grids: &mut [GridCover]) {
    grids.sort_by(|a, b| {
        (a.building_ids.is_empty(), &a.name, &a.id).cmp(&(
            b.building_ids.is_empty(),
            &b.name,
            &b.id,
        ))
    });
}

/// The grid a ticket counts in: the first of `grids` (in [`order_grids`]'s order) of its project
/// that names its building or covers the whole project; none when no grid covers it.
pub fn grid_of<'a>(
    grids: &'a [GridCover],
    project_id: &str,
    building_id: Option<&str>,
) -> Option<&'a GridCover> {
    grids.iter().find(|g| {
        g.project_id == project_id
            && (g.building_ids.is_empty()
                || building_id.is_some_and(|b| g.building_ids.iter().any(|id| id == b)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(id: &str, project: &str, name: &str, buildings: &[&str]) -> GridCover {
        GridCover {
            id: id.into(),
            project_id: project.into(),
            name: name.into(),
            building_ids: buildings.iter().map(|b| b.to_string()).collect(),
        }
    }

    #[test]
    fn a_ticket_counts_in_the_grid_naming_its_building_before_the_whole_project() {
        let mut grids = vec![
            grid("all", "p", "A 全区", &[]),
            grid("north", "p", "北区", &["b1", "b2"]),
            grid("other", "q", "别的项目", &["b1"]),
        ];
        order_grids(&mut grids);
        let of = |project, building| grid_of(&grids, project, building).map(|g| g.id.as_str());
        assert_eq!(of("p", Some("b1")), Some("north"));
        assert_eq!(
            of("p", Some("b9")),
            Some("all"),
            "not named: the whole project's"
        );
        assert_eq!(of("p", None), Some("all"), "no room");
        assert_eq!(
            of("q", Some("b2")),
            None,
            "no grid of that project covers it"
        );
        assert_eq!(of("q", Some("b1")), Some("other"));
    }
}
