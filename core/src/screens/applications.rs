//! Applications (办事进度): the list, one application's detail — each matter's status, promised date and overdue
//! flag said in words and icons, its history, issued licences, and what a 补正 request needs — and family
//! delegations (亲友代办): granted and received, revoke, and the form that grants one.

use onego_protocol::api::{
    Application, ApplicationStatus, Delegation, DelegationState, MatterProgress, MatterStatus, mask_name,
};
use onego_protocol::time::cst_date;

use crate::screens::page::{Page, Tone};
use crate::screens::text::T;
use crate::screens::wallet::time_text;
use crate::screens::{Icon, Input, InputKind, Intent, ScreenName};

/// Elder mode shows a matter's latest step only; standard mode its whole history.
const ELDER_HISTORY: usize = 1;
/// The delegation length the form offers.
pub(crate) const DEFAULT_DELEGATION_DAYS: i32 = 30;

fn application_cue(app: &Application) -> (Tone, Icon, T) {
    if app.id.starts_with("queued-") {
        return (Tone::Info, Icon::Clock, T::CueQueued);
    }
    if app.matters.iter().any(|m| m.overdue) {
        return (Tone::Danger, Icon::Clock, T::CueOverdue);
    }
    match app.status {
        ApplicationStatus::InProgress => (Tone::Info, Icon::Progress, T::CueInProgress),
        ApplicationStatus::NeedsAttention => (Tone::Warning, Icon::Info, T::CueMoreNeeded),
        ApplicationStatus::Finished => (Tone::Success, Icon::Check, T::CueFinished),
    }
}

fn matter_cue(status: MatterStatus) -> (Tone, Icon) {
    match status {
        MatterStatus::Waiting => (Tone::Info, Icon::Pause),
        MatterStatus::InReview => (Tone::Info, Icon::Progress),
        MatterStatus::MoreNeeded => (Tone::Warning, Icon::Info),
        MatterStatus::Approved => (Tone::Success, Icon::Check),
        MatterStatus::Rejected => (Tone::Danger, Icon::Cross),
    }
}

fn status_word(p: &Page<'_>, status: MatterStatus) -> String {
    (if p.ctx.en() { status.label_en() } else { status.label_zh() }).to_owned()
}

pub(crate) fn applications(p: &mut Page<'_>, input: &Input) {
    if let Some(app) = &input.application {
        detail(p, input, app);
        return;
    }
    if input.applications.is_empty() {
        let (text, label) = (p.t(T::ApplicationsNone), p.t(T::GoSearch));
        p.text("nothing", text).icon(Icon::Progress);
        p.button("search", label, Intent::Open { screen: ScreenName::Search }).icon(Icon::Search).primary();
        return;
    }
    let count = p.f(T::ApplicationsCount, &[&input.applications.len().to_string()]);
    p.text("count", count);
    // The one that needs the citizen most is the primary action.
    let urgent = input
        .applications
        .iter()
        .position(|a| a.status == ApplicationStatus::NeedsAttention)
        .or_else(|| input.applications.iter().position(|a| a.matters.iter().any(|m| m.overdue)));
    for (i, app) in input.applications.iter().enumerate() {
        let (tone, icon, word) = application_cue(app);
        let word = p.t(word);
        let done = app.matters.iter().filter(|m| m.status.is_final()).count();
        let progress = p.f(T::MattersDone, &[&done.to_string(), &app.matters.len().to_string()]);
        let speak = p.f(T::ApplicationSpeak, &[&app.service_name, &word, &progress]);
        let queued = app.id.starts_with("queued-");
        let e = p.item(format!("app_{}", app.id), app.service_name.clone()).tone(tone, icon, word).speak(speak);
        e.icon = Some(icon);
        if !queued {
            e.intent(Intent::OpenApplication { id: app.id.clone() });
            if urgent == Some(i) {
                e.primary();
            }
        }
        if !p.elder() {
            let when = time_text(app.submitted_at);
            let note = if queued {
                p.f(T::QueuedNote, &[&when])
            } else {
                p.f(T::ApplicationNote, &[&app.id, &when, &progress])
            };
            p.note(format!("app_note_{}", app.id), note);
        }
    }
    let label = p.t(T::SyncProgress);
    p.button("sync", label, Intent::SyncApplications).icon(Icon::Progress);
}

fn detail(p: &mut Page<'_>, input: &Input, app: &Application) {
    let elder = p.elder();
    p.heading("service", app.service_name.clone());
    let (tone, icon, word) = application_cue(app);
    let word = p.t(word);
    let say = p.t(match app.status {
        _ if app.matters.iter().any(|m| m.overdue) => T::OverdueSay,
        ApplicationStatus::InProgress => T::InProgressSay,
        ApplicationStatus::NeedsAttention => T::MoreNeededSay,
        ApplicationStatus::Finished => T::FinishedSay,
    });
    p.banner("status", tone, icon, word, say);
    let number = p.f(T::ApplicationNumber, &[&app.id]);
    p.text("number", number);
    if !elder {
        let when = p.f(T::SubmittedAt, &[&time_text(app.submitted_at)]);
        p.text("submitted_at", when);
    }
    if let Some(name) = &app.delegate_name {
        let text = p.f(T::SubmittedByDelegate, &[&mask_name(name)]);
        p.text("delegate", text).icon(Icon::Family);
    }
    let mut primary_given = false;
    for m in &app.matters {
        primary_given |= matter(p, input, m, !primary_given);
    }
    if !elder {
        let label = p.t(T::SyncProgress);
        p.button("sync", label, Intent::SyncApplications).icon(Icon::Progress);
    }
    let label = p.t(T::AllApplications);
    p.button("all", label, Intent::Open { screen: ScreenName::Applications }).icon(Icon::Back);
}

/// One matter of an application; returns whether it took the primary action.
fn matter(p: &mut Page<'_>, input: &Input, m: &MatterProgress, may_be_primary: bool) -> bool {
    let elder = p.elder();
    let id = &m.matter_id;
    p.heading(format!("m_{id}"), m.name.clone());
    let (tone, icon) = matter_cue(m.status);
    let word = status_word(p, m.status);
    let speak = p.f(T::MatterStatusSpeak, &[&m.name, &word]);
    let text = p.f(T::MatterStatus, &[&word]);
    p.item(format!("m_{id}_status"), text).tone(tone, icon, word).icon(icon).speak(speak);
    if !m.status.is_final() && !m.due_date.is_empty() {
        let due = p.f(T::DueDate, &[&m.due_date]);
        p.text(format!("m_{id}_due"), due).icon(Icon::Clock);
    }
    if m.overdue {
        let (word, text) = (p.t(T::CueOverdue), p.f(T::OverdueMatter, &[&m.due_date]));
        p.banner(format!("m_{id}_overdue"), Tone::Danger, Icon::Clock, word, text);
    }
    if m.status == MatterStatus::MoreNeeded {
        let note = m.history.last().map(|h| h.note.clone()).filter(|n| !n.trim().is_empty());
        let text = note.unwrap_or_else(|| p.t(T::MoreNeededSay));
        let word = p.t(T::CueMoreNeeded);
        p.banner(format!("m_{id}_more"), Tone::Warning, Icon::Info, word, text);
        if !m.needs.is_empty() {
            let sep = if p.ctx.en() { ", " } else { "、" };
            let names: Vec<String> =
                m.needs.iter().map(|n| input.labels.get(n).cloned().unwrap_or_else(|| readable_need(n))).collect();
            let text = p.f(T::NeedsList, &[&names.join(sep)]);
            p.text(format!("m_{id}_needs"), text).icon(Icon::Document);
        }
        let text = p.t(T::SupplementHow);
        p.note(format!("m_{id}_how"), text);
    }
    if m.status == MatterStatus::Rejected
        && let Some(h) = m.history.last().filter(|h| !h.note.trim().is_empty())
    {
        let text = p.f(T::RejectedWhy, &[&h.note]);
        p.text(format!("m_{id}_why"), text);
    }
    let shown = if elder { m.history.len().saturating_sub(ELDER_HISTORY) } else { 0 };
    for (i, h) in m.history.iter().enumerate().skip(shown) {
        let word = status_word(p, h.status);
        let when = if elder { cst_date(h.at) } else { time_text(h.at) };
        let text = if h.note.trim().is_empty() {
            p.f(T::HistoryLine, &[&when, &word])
        } else {
            p.f(T::HistoryLineNote, &[&when, &word, &h.note])
        };
        p.note(format!("m_{id}_h{i}"), text);
    }
    let mut took = false;
    for l in &m.licences {
        // The wallet's own copy, by type: the issued id is the platform's.
        let held = input.licences.iter().find(|w| w.vct == l.vct);
        let (label, intent) = match held {
            Some(w) => (p.f(T::ShowIssued, &[&l.name]), Intent::ShowLicence { id: w.id.clone() }),
            None => (p.f(T::FetchIssued, &[&l.name]), Intent::RefreshWallet),
        };
        let e = p.button(format!("m_{id}_licence_{}", l.licence_id), label, intent).icon(Icon::Licence);
        if may_be_primary && !took {
            e.primary();
            took = true;
        }
    }
    took
}

/// A requested item without a catalog label: `matter/material` as its last part in words.
fn readable_need(need: &str) -> String {
    need.rsplit('/').next().unwrap_or(need).replace(['-', '_', '.'], " ")
}

fn delegation_cue(state: DelegationState) -> (Tone, Icon, T) {
    match state {
        DelegationState::Active => (Tone::Success, Icon::Check, T::CueActive),
        DelegationState::Expired => (Tone::Info, Icon::Clock, T::CueExpiredDelegation),
        DelegationState::Revoked => (Tone::Info, Icon::Cross, T::CueRevokedDelegation),
    }
}

fn scope_names(p: &Page<'_>, input: &Input, scope: &[String]) -> String {
    let sep = if p.ctx.en() { ", " } else { "、" };
    scope
        .iter()
        .map(|s| {
            input
                .bundles
                .iter()
                .find(|b| &b.id == s)
                .map_or_else(|| s.clone(), |b| p.ctx.pick(&b.name, &b.name_en).to_owned())
        })
        .collect::<Vec<_>>()
        .join(sep)
}

pub(crate) fn delegations(p: &mut Page<'_>, input: &Input) {
    let elder = p.elder();
    let (granted, received): (&[Delegation], &[Delegation]) =
        input.delegations.as_ref().map_or((&[], &[]), |d| (&d.granted[..], &d.received[..]));
    if granted.is_empty() && received.is_empty() {
        let text = p.t(T::DelegationsNone);
        p.text("nothing", text).icon(Icon::Family);
    }
    if !granted.is_empty() {
        let heading = p.t(T::GrantedHeading);
        p.heading("granted", heading);
    }
    for d in granted {
        let (tone, icon, word) = delegation_cue(d.state);
        let word = p.t(word);
        let who = mask_name(&d.delegate_name);
        let until = cst_date(d.expires_at);
        let text = p.f(T::GrantedLine, &[&who, &scope_names(p, input, &d.scope), &until]);
        let speak = p.f(T::DelegationSpeak, &[&text, &word]);
        p.item(format!("granted_{}", d.id), text).tone(tone, icon, word).icon(icon).speak(speak);
        if d.state == DelegationState::Active {
            let label = p.f(T::RevokeDelegation, &[&who]);
            p.button(format!("revoke_{}", d.id), label, Intent::RevokeDelegation { id: d.id.clone() })
                .icon(Icon::Cross);
        }
    }
    if !received.is_empty() {
        let heading = p.t(T::ReceivedHeading);
        p.heading("received", heading);
    }
    for d in received {
        let (tone, icon, word) = delegation_cue(d.state);
        let word = p.t(word);
        let who = mask_name(&d.principal_name);
        let until = cst_date(d.expires_at);
        let text = p.f(T::ReceivedLine, &[&who, &scope_names(p, input, &d.scope), &until]);
        let speak = p.f(T::DelegationSpeak, &[&text, &word]);
        p.item(format!("received_{}", d.id), text).tone(tone, icon, word).icon(icon).speak(speak);
    }
    grant_form(p, input, elder);
}

/// The form that lets a family member act for me: their phone, how long, and for what.
fn grant_form(p: &mut Page<'_>, input: &Input, elder: bool) {
    let heading = p.t(T::GrantHeading);
    p.heading("grant", heading);
    let intro = p.t(if elder { T::GrantIntroElder } else { T::GrantIntro });
    p.text("grant_intro", intro);
    let (label, speak) = (p.t(T::DelegatePhone), p.t(T::DelegatePhoneSpeak));
    p.field("phone", label, InputKind::Phone, None).speak(speak);
    if input.bundles.is_empty() {
        let text = p.t(T::GrantNeedsCatalog);
        p.note("grant_catalog", text);
        let label = p.t(T::SyncCatalog);
        p.button("sync", label, Intent::SyncCatalog);
        return;
    }
    if elder {
        // One choice: every service in the list, for a month, said plainly; it can be cancelled at any time.
        let scope: Vec<String> = input.bundles.iter().map(|b| b.id.clone()).collect();
        let days = DEFAULT_DELEGATION_DAYS.to_string();
        let text = p.f(T::GrantScopeElder, &[&scope_names(p, input, &scope), &days]);
        p.text("grant_scope", text);
        let label = p.t(T::GrantElder);
        p.button("grant_all", label, Intent::GrantDelegation { scope, days: Some(DEFAULT_DELEGATION_DAYS) })
            .icon(Icon::Family)
            .primary();
        return;
    }
    let (label, speak) = (p.t(T::DelegationDays), p.t(T::DelegationDaysSpeak));
    p.field("days", label, InputKind::Number, Some(DEFAULT_DELEGATION_DAYS.to_string())).speak(speak);
    for b in &input.bundles {
        let name = p.ctx.pick(&b.name, &b.name_en).to_owned();
        let label = p.f(T::GrantFor, &[&name]);
        p.button(format!("grant_{}", b.id), label, Intent::GrantDelegation { scope: vec![b.id.clone()], days: None })
            .icon(Icon::Family);
    }
}
