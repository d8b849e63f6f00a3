//! Reviews (好差评): rating a finished matter — five levels, then that level's tags and a comment — and my
//! reviews with the closed loop a bad one opens: each step with its deadline and an overdue flag said in words,
//! the one follow-up review when invited, and an appeal when a review was filed by mistake.
//!
//! Elder mode asks one thing at a time: the level, then sending it (tags and typing are left out).

use onego_protocol::api::{AppealState, LoopState, LoopStep, Review, ReviewLevel};

use crate::screens::page::{Page, Tone};
use crate::screens::text::T;
use crate::screens::{Icon, Input, InputKind, Intent, Rating, ScreenName};

/// Finished matters not rated yet, newest application first.
pub(crate) fn to_rate(input: &Input) -> Vec<Rating> {
    let mut out = Vec::new();
    for app in &input.applications {
        for m in app.matters.iter().filter(|m| m.status.is_final()) {
            let rated = input
                .reviews
                .iter()
                .any(|r| r.application_id == app.id && r.matter_id.as_deref() == Some(m.matter_id.as_str()));
            if !rated {
                out.push(Rating {
                    application_id: app.id.clone(),
                    matter_id: Some(m.matter_id.clone()),
                    subject_name: m.name.clone(),
                    ..Rating::default()
                });
            }
        }
    }
    out
}

fn level_word(p: &Page<'_>, level: ReviewLevel) -> String {
    (if p.ctx.en() { level.label_en() } else { level.label_zh() }).to_owned()
}

pub(crate) fn reviews(p: &mut Page<'_>, input: &Input) {
    if let Some(r) = &input.rating {
        rate(p, r);
        return;
    }
    let pending = to_rate(input);
    if pending.is_empty() && input.reviews.is_empty() {
        let (text, label) = (p.t(T::ReviewsNone), p.t(T::SeeProgress));
        p.text("nothing", text).icon(Icon::Star);
        p.button("progress", label, Intent::Open { screen: ScreenName::Applications }).icon(Icon::Progress).primary();
        return;
    }
    let elder = p.elder();
    let mut primary_given = false;
    if !pending.is_empty() {
        let heading = p.f(T::ToRate, &[&pending.len().to_string()]);
        p.heading("to_rate", heading);
    }
    for (i, r) in pending.into_iter().enumerate() {
        let label = p.f(T::RateThis, &[&r.subject_name]);
        let e = p.button(format!("rate_{i}"), label, Intent::RateMatter { rating: r }).icon(Icon::Star);
        if !primary_given {
            e.primary();
            primary_given = true;
        }
    }
    if !input.reviews.is_empty() {
        let heading = p.t(T::MyReviews);
        p.heading("mine", heading);
    }
    for r in &input.reviews {
        primary_given |= review(p, r, elder, !primary_given);
    }
}

/// One of my reviews with its loop; returns whether it took the primary action.
fn review(p: &mut Page<'_>, r: &Review, elder: bool, may_be_primary: bool) -> bool {
    let id = &r.id;
    let level = level_word(p, r.level);
    let (tone, icon) = if r.level.is_bad() {
        (Tone::Warning, Icon::Info)
    } else if r.level.is_good() {
        (Tone::Success, Icon::Star)
    } else {
        (Tone::Info, Icon::Star)
    };
    let text = p.ctx.colon(&r.subject_name, &level);
    let speak = p.f(T::ReviewSpeak, &[&r.subject_name, &level]);
    p.item(format!("review_{id}"), text).tone(tone, icon, level).icon(icon).speak(speak);
    if !elder && (!r.tags.is_empty() || !r.comment.trim().is_empty()) {
        let sep = if p.ctx.en() { ", " } else { "、" };
        let said = [r.tags.join(sep), r.comment.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
        p.note(format!("review_{id}_said"), said.join(if p.ctx.en() { "; " } else { "；" }));
    }
    let mut took = false;
    if let Some(lp) = &r.closed_loop {
        let state = p.t(match lp.state {
            LoopState::Open => T::LoopOpen,
            LoopState::AwaitingFollowUp => T::LoopAwaitingFollowUp,
            LoopState::Closed => T::LoopClosed,
            LoopState::Withdrawn => T::LoopWithdrawn,
        });
        p.text(format!("review_{id}_loop"), state);
        // Elder mode: the step in hand (the first not done) and any that is late.
        let current = lp.steps.iter().position(|s| s.done_at.is_none());
        for (i, s) in lp.steps.iter().enumerate() {
            if elder && Some(i) != current && !s.overdue {
                continue;
            }
            step(p, id, s);
        }
        if lp.state == LoopState::AwaitingFollowUp && lp.follow_up_level.is_none() {
            let rating = Rating {
                application_id: r.application_id.clone(),
                matter_id: r.matter_id.clone(),
                subject_name: r.subject_name.clone(),
                review_id: Some(r.id.clone()),
                ..Rating::default()
            };
            let label = p.t(T::FollowUp);
            let e = p.button(format!("followup_{id}"), label, Intent::RateMatter { rating }).icon(Icon::Star);
            if may_be_primary {
                e.primary();
                took = true;
            }
        }
        if let Some(l) = lp.follow_up_level {
            let text = p.f(T::FollowUpGiven, &[&level_word(p, l)]);
            p.note(format!("review_{id}_follow_up_given"), text);
        }
    }
    match &r.appeal {
        Some(a) => {
            let text = p.t(match a.state {
                AppealState::Pending => T::AppealPending,
                AppealState::Upheld => T::AppealUpheld,
                AppealState::Dismissed => T::AppealDismissed,
            });
            p.note(format!("review_{id}_appeal"), text);
        }
        None if !elder && r.closed_loop.as_ref().is_none_or(|l| l.state != LoopState::Withdrawn) => {
            let (label, reason) = (p.t(T::Appeal), p.t(T::AppealReason));
            p.button(format!("review_{id}_appeal"), label, Intent::AppealReview { review_id: r.id.clone(), reason });
        }
        None => {}
    }
    took
}

/// One step of the loop: what, by when, and whether it is done, due or late (in words and icons).
fn step(p: &mut Page<'_>, review_id: &str, s: &LoopStep) {
    let kind = (if p.ctx.en() { s.kind.label_en() } else { s.kind.label_zh() }).to_owned();
    let (tone, icon, word) = match (s.done_at, s.overdue) {
        (Some(_), _) => (Tone::Success, Icon::Check, T::CueDone),
        (None, true) => (Tone::Danger, Icon::Clock, T::CueOverdue),
        (None, false) => (Tone::Info, Icon::Clock, T::CuePending),
    };
    let word = p.t(word);
    let text = p.f(T::LoopStepLine, &[&kind, &s.deadline, &word]);
    p.item(format!("review_{review_id}_{}", s.kind.as_str()), text).tone(tone, icon, word).icon(icon);
    if !s.note.trim().is_empty() {
        p.note(format!("review_{review_id}_{}_note", s.kind.as_str()), s.note.clone());
    }
    if s.overdue && s.done_at.is_none() {
        let text = p.t(T::LoopOverdueHelp);
        p.note(format!("review_{review_id}_{}_late", s.kind.as_str()), text);
    }
}

/// The rating form: the level first, then (standard mode) that level's tags and a comment, and sending it.
fn rate(p: &mut Page<'_>, r: &Rating) {
    let elder = p.elder();
    let follow_up = r.review_id.is_some();
    p.heading("subject", r.subject_name.clone());
    let question = p.t(if follow_up { T::FollowUpQuestion } else { T::RateQuestion });
    p.text("question", question);
    let Some(chosen) = r.level else {
        for level in ReviewLevel::ALL {
            let word = level_word(p, level);
            let speak = p.f(T::AnswerSpeak, &[&word]);
            let rating = Rating { level: Some(level), tags: Vec::new(), ..r.clone() };
            p.button(format!("level_{}", level_key(level)), word, Intent::RateMatter { rating })
                .icon(Icon::Star)
                .speak(speak);
        }
        return;
    };
    let word = level_word(p, chosen);
    let text = p.f(T::LevelChosen, &[&word]);
    p.text("chosen", text).icon(Icon::Check);
    let again = Rating { level: None, tags: Vec::new(), ..r.clone() };
    let label = p.t(T::ChooseAgain);
    p.button("choose_again", label, Intent::RateMatter { rating: again }).icon(Icon::Back);
    if !elder {
        if !follow_up {
            let heading = p.t(T::TagsHeading);
            p.heading("tags", heading);
            for (i, tag) in chosen.tags().iter().enumerate() {
                let on = r.tags.iter().any(|t| t == tag);
                let mut tags: Vec<String> = r.tags.iter().filter(|t| t.as_str() != *tag).cloned().collect();
                if !on {
                    tags.push((*tag).to_owned());
                }
                let speak = p.f(if on { T::TagOnSpeak } else { T::TagOffSpeak }, &[tag]);
                let rating = Rating { tags, ..r.clone() };
                p.add(format!("tag_{i}"), crate::screens::Role::Toggle, (*tag).to_owned())
                    .checked(on)
                    .speak(speak)
                    .intent(Intent::RateMatter { rating });
            }
        }
        let (label, speak) = (p.t(T::CommentHint), p.t(T::CommentSpeak));
        p.field("comment", label, InputKind::Text, None).speak(speak);
    }
    if chosen.is_bad() {
        let text = p.t(T::BadReviewLoop);
        p.note("loop_explained", text);
    }
    let label = p.t(T::SendReview);
    p.button("send", label, Intent::SubmitReview { rating: r.clone() }).icon(Icon::Check).primary();
}

fn level_key(level: ReviewLevel) -> &'static str {
    match level {
        ReviewLevel::VerySatisfied => "very_satisfied",
        ReviewLevel::Satisfied => "satisfied",
        ReviewLevel::Fair => "fair",
        ReviewLevel::Dissatisfied => "dissatisfied",
        ReviewLevel::VeryDissatisfied => "very_dissatisfied",
    }
}
