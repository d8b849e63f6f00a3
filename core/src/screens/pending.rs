//! Screens whose content comes with later issues — plan and consent, drafts, applications and delegations
//! (issue 4), reviews and the assistant (issue 6), notifications (both). Until then each says plainly that
//! nothing is there yet and offers a next step that works today; nothing is made up.

use crate::screens::page::Page;
use crate::screens::text::T;
use crate::screens::{Icon, Input, InputKind, Intent, ScreenName};

pub(crate) fn nothing_yet(p: &mut Page<'_>, input: &Input) {
    let name = p.name();
    let (message, icon) = match name {
        ScreenName::Assistant => (T::AssistantNone, Icon::Question),
        ScreenName::Plan => (T::PlanNone, Icon::Document),
        ScreenName::Drafts => (T::DraftsNone, Icon::Document),
        ScreenName::Applications => (T::ApplicationsNone, Icon::Progress),
        ScreenName::Reviews => (T::ReviewsNone, Icon::Star),
        ScreenName::Delegations => (T::DelegationsNone, Icon::Family),
        _ => (T::NotificationsNone, Icon::Bell),
    };
    let text = p.t(message);
    p.text("nothing", text).icon(icon);
    match name {
        ScreenName::Assistant => {
            // Search answers today what the assistant will answer later.
            if input.query.trim().is_empty() {
                let label = p.t(T::SearchHint);
                p.field("query", label, InputKind::Search, None)
                    .icon(Icon::Search)
                    .intent(Intent::Search { query: None });
            } else {
                let label = p.f(T::SearchFor, &[&input.query]);
                p.button("search", label, Intent::Search { query: Some(input.query.clone()) })
                    .icon(Icon::Search)
                    .primary();
            }
        }
        ScreenName::Plan if !input.id.is_empty() => {
            let label = p.t(T::BackToGuide);
            p.button("guide", label, Intent::OpenGuide { id: input.id.clone() }).primary();
        }
        ScreenName::Drafts | ScreenName::Applications => {
            let label = p.t(T::GoSearch);
            p.button("search", label, Intent::Open { screen: ScreenName::Search }).icon(Icon::Search).primary();
        }
        ScreenName::Delegations => {
            // The help call is this screen's next step; the elder finishing pass would add it anyway.
            p.help();
        }
        _ => {
            let label = p.t(T::GoHome);
            p.button("home", label, Intent::Open { screen: ScreenName::Home }).primary();
        }
    }
}
