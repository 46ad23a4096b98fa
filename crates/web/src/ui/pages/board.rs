//! 预警看板: the supervisors' view of what is about to be late and what already is, from the same
//! list component as the workbench; it refreshes itself every minute.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use crate::state::AppState;
use crate::ui::chrome::{Chrome, Nav};
use crate::ui::directory::Directory;
use crate::ui::error::UiError;
use crate::ui::queue::{ALL, Queue, QueueQuery};
use crate::ui::rooms::RoomBook;
use crate::ui::session::Session;
use crate::ui::text;

/// Rows per list; the link under each opens the whole list on the workbench.
const SHOWN: u64 = 50;

#[derive(Template)]
#[template(path = "board.html")]
struct Board {
    chrome: Chrome,
    warnings: Queue,
    breaches: Queue,
}

/// `GET /board`.
pub async fn page(
    State(state): State<AppState>,
    Extension(rooms): Extension<RoomBook>,
    session: Session,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state, &session, &rooms).await?;
    let t = text::labels(session.lang);
    let list = |sla_state: &str| QueueQuery {
        status: Some(ALL.to_owned()),
        sla_state: Some(sla_state.to_owned()),
        ..QueueQuery::default()
    };
    let (warning, breached) = (list("warning"), list("breached"));
    let (mut warnings, mut breaches) = tokio::try_join!(
        Queue::load(&state, &session, &dir, &warning, SHOWN),
        Queue::load(&state, &session, &dir, &breached, SHOWN)
    )?;
    for (queue, query, id, caption) in [
        (&mut warnings, &warning, "warnings", t.board_warnings),
        (&mut breaches, &breached, "breaches", t.board_breaches),
    ] {
        queue.id = id;
        queue.caption = caption.to_owned();
        queue.more = queue
            .pages
            .take()
            .filter(|p| p.last > 1)
            .map(|_| query.url(1));
    }
    let chrome = Chrome::signed_in(&session, t.board_title, Nav::Board, "/board");
    Ok(Html(
        Board {
            chrome,
            warnings,
            breaches,
        }
        .render()?,
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use guanjia_domain::ticket::{ContactInput, TicketInput};
    use guanjia_storage::{PageRequest, Understanding};

    use crate::ui::tests::{Site, body};

    /// One column of the board.
    fn column(page: &str, class: &str) -> String {
        let start = page.find(&format!("board-col {class}")).expect(class);
        page[start..]
            .split("</section>")
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether the numbers appear in `list` in this order.
    fn in_order(list: &str, numbers: &[&String]) -> bool {
        let at: Vec<usize> = numbers
            .iter()
            .map(|n| {
                list.find(n.as_str())
                    .unwrap_or_else(|| panic!("{n} in {list}"))
            })
            .collect();
        at.windows(2).all(|pair| pair[0] < pair[1])
    }

    #[tokio::test]
    async fn the_latest_come_first_and_overdue_tickets_are_not_about_to_be_late() {
        let site = Site::new().await;
        let (cookie, _) = site.sign_in().await;
        let token = cookie.split_once('=').unwrap().1;
        let agent = site
            .store
            .authenticate(token, Utc::now())
            .await
            .expect("agent");
        let project_id = site
            .store
            .projects(
                &agent,
                PageRequest {
                    page: 1,
                    per_page: 1,
                },
            )
            .await
            .unwrap()
            .items[0]
            .id
            .clone();
        let now = Utc::now();
        let open = |kind: &str, category: &str, minutes_ago: i64| {
            let input = TicketInput {
                project_id: project_id.clone(),
                channel: "phone".into(),
                description: format!("{minutes_ago} 分钟前来电"),
                kind: Some(kind.into()),
                category: Some(category.into()),
                urgency: Some("normal".into()),
                contact: Some(ContactInput {
                    name: Some("李女士".into()),
                    phone: Some("13812345678".into()),
                }),
                ..TicketInput::default()
            };
            let reported_at = now - Duration::minutes(minutes_ago);
            let (store, agent) = (site.store.clone(), agent.clone());
            async move {
                store
                    .open_ticket(&agent, input, reported_at, Understanding::AsGiven)
                    .await
                    .expect("ticket")
                    .ticket
                    .number
            }
        };
        // First response is due 15 minutes after the call, round the clock; a complaint is
        // resolved within 24 hours.
        let complaint = open("complaint", "complaint.noise", 13 * 60).await; // 12 h 45 min overdue, resolution past half
        let two_hours = open("inquiry", "inquiry.fee", 120).await; // 1 h 45 min overdue
        let twenty = open("inquiry", "inquiry.fee", 20).await; // 5 min overdue
        let ten = open("inquiry", "inquiry.fee", 10).await; // due in 5 min
        let eight = open("inquiry", "inquiry.fee", 8).await; // due in 7 min

        let page = body(site.get("/board", Some(&cookie)).await).await;
        let (breaches, warnings) = (column(&page, "breaches"), column(&page, "warnings"));
        assert!(
            in_order(&breaches, &[&complaint, &two_hours, &twenty]),
            "most overdue first: {breaches}"
        );
        assert!(
            in_order(&warnings, &[&ten, &eight]),
            "nearest due first: {warnings}"
        );
        assert!(
            !warnings.contains(complaint.as_str()),
            "an overdue ticket is not about to be late"
        );
        assert!(!breaches.contains(ten.as_str()) && !breaches.contains(eight.as_str()));
    }
}
