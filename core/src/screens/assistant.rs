//! The assistant (a question, its answer, the one next action, and 12345 or family when it does not know) and
//! the notifications (the core's reminders, urgent first, each with its action).

use onego_protocol::licence;

use crate::notifications::{Notification, NotificationKind};
use crate::screens::page::{Page, Tone};
use crate::screens::text::T;
use crate::screens::{Icon, Input, InputKind, Intent, ScreenName};

/// Example questions offered before the first one; elder mode offers fewer.
const EXAMPLES: [T; 3] = [T::AskExample1, T::AskExample2, T::AskExample3];
const ELDER_EXAMPLES: usize = 2;

/// The label of an action in the screen's language (the assistant words its own in Chinese).
fn action_label(p: &Page<'_>, intent: &Intent, zh: &str) -> String {
    if !p.ctx.en() && !zh.trim().is_empty() {
        return zh.to_owned();
    }
    p.t(match intent {
        Intent::OpenGuide { .. } => T::ActionGuide,
        Intent::StartBundle { .. } => T::StartBundle,
        Intent::ShowLicence { .. } => T::ActionLicence,
        Intent::OpenApplication { .. } => T::ActionApplication,
        Intent::Open { screen: ScreenName::Wallet } => T::TileLicences,
        Intent::Open { screen: ScreenName::Reviews } => T::ActionReview,
        Intent::CallHotline { .. } => T::HelpCall,
        _ => T::ActionOpen,
    })
}

pub(crate) fn assistant(p: &mut Page<'_>, input: &Input) {
    let elder = p.elder();
    let (label, speak) = (p.t(T::AskHint), p.t(T::AskHintSpeak));
    let value = (!input.query.trim().is_empty()).then(|| input.query.clone());
    p.field("question", label, InputKind::Text, value)
        .icon(Icon::Question)
        .speak(speak)
        .intent(Intent::AskAssistant { question: None });
    let Some(a) = &input.answer else {
        let label = p.t(T::Ask);
        p.button("ask", label, Intent::AskAssistant { question: None }).icon(Icon::Question).primary();
        let heading = p.t(T::AskExamples);
        p.heading("examples", heading);
        for (i, t) in EXAMPLES.iter().take(if elder { ELDER_EXAMPLES } else { EXAMPLES.len() }).enumerate() {
            // The assistant understands everyday Chinese: the question sent is the Chinese one.
            let (label, question) = (p.t(*t), t.text(crate::i18n::Locale::ZhCn).to_owned());
            p.button(format!("example_{i}"), label, Intent::AskAssistant { question: Some(question) });
        }
        p.help();
        return;
    };
    let label = p.t(T::AskAgain);
    p.button("ask", label, Intent::AskAssistant { question: None }).icon(Icon::Question);
    let heading = p.t(T::AnswerHeading);
    p.heading("answer_heading", heading);
    p.text("answer", a.text.clone());
    if a.fallback {
        let (word, text) = (p.t(T::CueNotSure), p.t(T::AskFallback));
        p.banner("fallback", Tone::Info, Icon::Phone, word, text);
        // 12345 first (people answer it), then a family member.
        p.help();
        let label = p.t(T::TileFamily);
        p.button("family", label, Intent::AskFamily).icon(Icon::Family);
        return;
    }
    let label = action_label(p, &a.action, &a.action_label);
    p.button("action", label, a.action.clone()).icon(Icon::Check).primary();
    let text = p.t(T::AskStillUnsure);
    p.note("still_unsure", text);
    p.help();
}

/// The subject a reminder is about, found through its stable id, for wording it in the screen's language.
fn subject(p: &Page<'_>, input: &Input, n: &Notification) -> String {
    let parts: Vec<&str> = n.id.split(':').collect();
    let found = match (n.kind, parts.as_slice()) {
        (
            NotificationKind::MoreNeeded | NotificationKind::ResultReady | NotificationKind::ReviewInvited,
            [_, app, matter, ..],
        ) => input
            .applications
            .iter()
            .find(|a| a.id == *app)
            .and_then(|a| a.matters.iter().find(|m| m.matter_id == *matter))
            .map(|m| m.name.clone()),
        (NotificationKind::ReviewLoopOverdue | NotificationKind::ReviewFeedback, [_, review, ..]) => {
            input.reviews.iter().find(|r| r.id == *review).map(|r| r.subject_name.clone())
        }
        (NotificationKind::LicenceExpiring, [_, id, ..]) => input.licences.iter().find(|l| l.id == *id).map(|l| {
            licence::by_vct(&l.vct)
                .map_or_else(|| l.name.clone(), |t| (if p.ctx.en() { t.name_en } else { t.name }).to_owned())
        }),
        _ => None,
    };
    found.unwrap_or_default()
}

fn kind_words(kind: NotificationKind) -> (T, T) {
    match kind {
        NotificationKind::ResultReady => (T::NoteResultReady, T::ActionApplication),
        NotificationKind::MoreNeeded => (T::NoteMoreNeeded, T::ActionSupplement),
        NotificationKind::ReviewInvited => (T::NoteReviewInvited, T::ActionReview),
        NotificationKind::ReviewLoopOverdue => (T::NoteLoopOverdue, T::ActionLoop),
        NotificationKind::ReviewFeedback => (T::NoteFeedback, T::ActionFollowUp),
        NotificationKind::LicenceExpiring => (T::NoteExpiring, T::ActionLicence),
    }
}

pub(crate) fn notifications(p: &mut Page<'_>, input: &Input) {
    if input.notifications.is_empty() {
        let (text, label) = (p.t(T::NotificationsNone), p.t(T::GoHome));
        p.text("nothing", text).icon(Icon::Bell);
        p.button("home", label, Intent::Open { screen: ScreenName::Home }).primary();
        return;
    }
    let elder = p.elder();
    let urgent = input.notifications.iter().filter(|n| n.urgent).count();
    let count = p.f(T::NotificationsCount, &[&input.notifications.len().to_string(), &urgent.to_string()]);
    p.text("count", count);
    let mut urgent_first = input.notifications.iter().collect::<Vec<_>>();
    urgent_first.sort_by_key(|n| !n.urgent);
    for (i, n) in urgent_first.into_iter().enumerate() {
        let (title_t, action_t) = kind_words(n.kind);
        let name = subject(p, input, n);
        // The core's reminders are worded in Chinese; in English the screen words them from their kind.
        let title = if p.ctx.en() || n.title.trim().is_empty() { p.f(title_t, &[&name]) } else { n.title.clone() };
        let body =
            if p.ctx.en() && !matches!(n.kind, NotificationKind::MoreNeeded) { String::new() } else { n.body.clone() };
        let (tone, icon, word) =
            if n.urgent { (Tone::Warning, Icon::Info, T::CueActNow) } else { (Tone::Info, Icon::Bell, T::CueForYou) };
        let word = p.t(word);
        let speak = if body.is_empty() {
            p.f(T::NotificationSpeak, &[&word, &title])
        } else {
            p.f(T::NotificationSpeakBody, &[&word, &title, &body])
        };
        p.item(format!("n_{i}"), title).tone(tone, icon, word).icon(icon).speak(speak);
        if !elder && !body.is_empty() {
            p.note(format!("n_{i}_body"), body);
        }
        let label = if p.ctx.en() { p.t(action_t) } else { n.action_label.clone() };
        let e = p.button(format!("n_{i}_action"), label, n.action.clone());
        if i == 0 && n.urgent {
            e.primary();
        }
    }
}
