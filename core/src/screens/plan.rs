//! A bundle's plan on the phone — which matters apply and why, the one form with what was pre-filled and from
//! where, how each material is provided, what is spared — then the consent (which claims of which licences go to
//! which departments) whose one primary action submits. And the drafts list.
//!
//! Elder mode asks one thing at a time: the questions still open, then each field still to fill, then the consent.

use onego_protocol::api::FieldKind;
use onego_protocol::ids::IdNumber;
use onego_protocol::licence;
use onego_protocol::plan::{MaterialPlan, PlannedField, Provenance, Truth};

use crate::apply::{Consent, Draft, DraftState, DraftSummary};
use crate::screens::page::{Page, Tone};
use crate::screens::text::T;
use crate::screens::{Icon, Input, InputKind, Intent, ScreenName};

/// A value as the screen shows it: identity, bank and phone numbers only by their ends.
pub(crate) fn shown_value(kind: &FieldKind, value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail = |n: usize| chars[chars.len().saturating_sub(n)..].iter().collect::<String>();
    match kind {
        FieldKind::IdNumber => IdNumber::parse(value).map_or_else(|_| "****".into(), |i| i.masked()),
        FieldKind::BankAccount if chars.len() > 4 => format!("****{}", tail(4)),
        FieldKind::Phone if chars.len() >= 7 => {
            format!("{}****{}", chars[..3].iter().collect::<String>(), tail(4))
        }
        _ => value.to_owned(),
    }
}

fn input_kind(kind: &FieldKind) -> InputKind {
    match kind {
        FieldKind::Number | FieldKind::BankAccount | FieldKind::IdNumber => InputKind::Number,
        FieldKind::Date => InputKind::Date,
        FieldKind::Phone => InputKind::Phone,
        _ => InputKind::Text,
    }
}

/// Where a pre-filled value came from, in plain words (来自电子结婚证).
fn provenance(p: &Page<'_>, prov: &Provenance) -> String {
    match prov {
        Provenance::Licence { vct, .. } => {
            let name = licence::by_vct(vct).map_or("", |t| if p.ctx.en() { t.name_en } else { t.name });
            if name.is_empty() { p.t(T::FromLicences) } else { p.f(T::FromLicence, &[name]) }
        }
        Provenance::Profile { .. } => p.t(T::FromProfile),
        Provenance::Answer { .. } => p.t(T::FromAnswer),
        Provenance::Application { .. } => p.t(T::FromEarlierMatter),
        Provenance::Applicant => p.t(T::FromYou),
    }
}

/// Fields the citizen fills: those no source fills, and required ones a source left empty.
fn to_fill(d: &Draft) -> Vec<&PlannedField> {
    d.plan
        .fields
        .iter()
        .filter(|f| match f.provenance {
            Provenance::Applicant => true,
            Provenance::Application { .. } => false,
            _ => f.value.is_none() && f.required,
        })
        .collect()
}

/// Required fields still empty: elder mode asks them one by one (optional ones are left out there).
fn still_empty(d: &Draft) -> Vec<&PlannedField> {
    to_fill(d).into_iter().filter(|f| f.required && d.values.get(&f.key).is_none_or(|v| v.trim().is_empty())).collect()
}

fn field_error<'a>(d: &'a Draft, key: &str) -> Option<&'a str> {
    let name = format!("fields.{key}");
    d.errors.iter().find(|e| e.field == name).map(|e| e.detail.as_str())
}

pub(crate) fn plan(p: &mut Page<'_>, input: &Input) {
    let Some(d) = &input.draft else {
        let text = p.t(T::PlanNone);
        p.text("nothing", text).icon(Icon::Info);
        if input.id.is_empty() || input.id.starts_with("d-") {
            let label = p.t(T::GoSearch);
            p.button("search", label, Intent::Open { screen: ScreenName::Search }).icon(Icon::Search).primary();
        } else {
            let label = p.t(T::StartBundle);
            p.button("start", label, Intent::StartBundle { id: input.id.clone() }).primary();
        }
        return;
    };
    p.heading("service", d.service_name.clone());
    if d.plan_stale {
        let (word, text) = (p.t(T::CueAttention), p.t(T::PlanStale));
        p.banner("stale", Tone::Warning, Icon::Offline, word, text);
    }
    match d.state {
        DraftState::Queued => {
            let (word, text, label) = (p.t(T::CueQueued), p.t(T::DraftQueuedSay), p.t(T::SeeProgress));
            p.banner("state", Tone::Info, Icon::Clock, word, text);
            p.button("progress", label, Intent::Open { screen: ScreenName::Applications })
                .icon(Icon::Progress)
                .primary();
            return;
        }
        DraftState::Delivered => {
            let (word, text, label) = (p.t(T::CueSubmitted), p.t(T::DraftDeliveredSay), p.t(T::SeeProgress));
            p.banner("state", Tone::Success, Icon::Check, word, text);
            let intent = d
                .application_id
                .clone()
                .map_or(Intent::Open { screen: ScreenName::Applications }, |id| Intent::OpenApplication { id });
            p.button("progress", label, intent).icon(Icon::Progress).primary();
            return;
        }
        DraftState::NeedsAttention => {
            let (word, text) = (p.t(T::CueAttention), p.t(T::DraftNeedsAttentionSay));
            p.banner("state", Tone::Warning, Icon::Info, word, text);
        }
        DraftState::Editing => {}
    }
    let elder = p.elder();
    // The questions first: the plan depends on them.
    let open: Vec<usize> = d
        .plan
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| !q.answered && q.applies != Truth::False)
        .map(|(i, _)| i)
        .collect();
    if let Some(first) = open.first() {
        let text = p.f(T::QuestionsOpen, &[&open.len().to_string()]);
        p.text("questions_open", text).icon(Icon::Question);
        let label = p.t(T::AnswerThem);
        let step = i32::try_from(first + 1).unwrap_or(1);
        let e = p.button("answer", label, Intent::GoToStep { bundle_id: d.service_id.clone(), step });
        if elder {
            e.primary();
            return;
        }
    }
    let spared = &d.plan.spared;
    let text = p.f(
        if elder { T::PlanSparedElder } else { T::PlanSpared },
        &[&spared.fields_prefilled.to_string(), &spared.materials_spared.to_string()],
    );
    p.text("spared", text).icon(Icon::Star);
    matters(p, d);
    form(p, d);
    if elder && !still_empty(d).is_empty() {
        // Elder mode: the consent comes once every field is filled (one thing at a time).
        return;
    }
    if !elder {
        materials(p, d);
    }
    consent(p, d, input.consent.as_ref());
}

fn matters(p: &mut Page<'_>, d: &Draft) {
    let elder = p.elder();
    let applies: Vec<_> = d.plan.matters.iter().filter(|m| m.applies == Truth::True).collect();
    let heading = p.f(T::MattersApply, &[&applies.len().to_string()]);
    p.heading("matters", heading);
    for m in &applies {
        let speak = if elder || m.why.is_empty() { m.name.clone() } else { p.ctx.colon(&m.name, &m.why) };
        p.item(format!("matter_{}", m.matter_id), m.name.clone()).icon(Icon::Check).speak(speak);
        if !elder && !m.why.is_empty() {
            p.note(format!("why_{}", m.matter_id), m.why.clone());
        }
    }
    if elder {
        return;
    }
    for m in d.plan.matters.iter().filter(|m| m.applies != Truth::True) {
        let t = if m.applies == Truth::Unknown { T::MatterMaybe } else { T::MatterNotNeeded };
        let text = p.f(t, &[&m.name]);
        p.note(format!("matter_{}", m.matter_id), text);
    }
}

fn form(p: &mut Page<'_>, d: &Draft) {
    let elder = p.elder();
    let prefilled: Vec<&PlannedField> = d
        .plan
        .fields
        .iter()
        .filter(|f| {
            f.value.is_some() && !matches!(f.provenance, Provenance::Applicant | Provenance::Application { .. })
        })
        .collect();
    if elder {
        let text = p.f(T::PrefilledElder, &[&prefilled.len().to_string()]);
        p.text("prefilled", text).icon(Icon::Check);
    } else if !prefilled.is_empty() {
        let heading = p.f(T::Prefilled, &[&prefilled.len().to_string()]);
        p.heading("prefilled", heading);
        for f in &prefilled {
            let value = d.values.get(&f.key).or(f.value.as_ref()).map(|v| shown_value(&f.kind, v)).unwrap_or_default();
            let from = provenance(p, &f.provenance);
            let text = p.ctx.colon(&f.label, &value);
            let speak = p.f(T::PrefilledSpeak, &[&f.label, &value, &from]);
            p.item(format!("prefilled_{}", f.key), text).speak(speak);
            p.note(format!("from_{}", f.key), from);
        }
        let later: Vec<&PlannedField> =
            d.plan.fields.iter().filter(|f| matches!(f.provenance, Provenance::Application { .. })).collect();
        for f in later {
            let text = p.f(T::FilledLater, &[&f.label]);
            p.note(format!("later_{}", f.key), text);
        }
    }
    let fill = to_fill(d);
    if fill.is_empty() {
        return;
    }
    if elder {
        // One field per step: the first one still empty.
        let required = fill.iter().filter(|f| f.required).count();
        let empty = still_empty(d);
        let Some(f) = empty.first() else { return };
        let progress = p.f(T::FieldProgress, &[&(required - empty.len() + 1).to_string(), &required.to_string()]);
        p.text("field_progress", progress);
        field(p, d, f);
        let label = p.t(if empty.len() > 1 { T::SaveNext } else { T::SaveField });
        let intent = Intent::SaveField { draft_id: d.id.clone(), key: f.key.clone(), value: None };
        p.button("save", label, intent).primary();
        return;
    }
    let heading = p.f(T::ToFill, &[&fill.len().to_string()]);
    p.heading("to_fill", heading);
    for f in fill {
        field(p, d, f);
    }
}

/// One field to fill, with its problem if the last check found one.
fn field(p: &mut Page<'_>, d: &Draft, f: &PlannedField) {
    let value = d.values.get(&f.key).cloned().filter(|v| !v.is_empty());
    let label = if f.required { f.label.clone() } else { p.f(T::Optional, &[&f.label]) };
    let speak = p.f(T::FieldSpeak, &[&label]);
    let intent = Intent::SaveField { draft_id: d.id.clone(), key: f.key.clone(), value: None };
    p.field(f.key.clone(), label, input_kind(&f.kind), value).speak(speak).intent(intent);
    if let Some(problem) = field_error(d, &f.key) {
        let word = p.t(T::CueFix);
        p.banner(format!("problem_{}", f.key), Tone::Warning, Icon::Info, word, problem.to_owned());
    }
}

fn materials(p: &mut Page<'_>, d: &Draft) {
    let applying: Vec<&str> =
        d.plan.matters.iter().filter(|m| m.applies != Truth::False).map(|m| m.matter_id.as_str()).collect();
    let list: Vec<_> = d.plan.materials.iter().filter(|m| applying.contains(&m.matter_id.as_str())).collect();
    if list.is_empty() {
        return;
    }
    let heading = p.f(T::Materials, &[&list.len().to_string()]);
    p.heading("materials", heading);
    for m in list {
        let how = match &m.satisfied_by {
            MaterialPlan::Licence { vct, name } => {
                let name = licence::by_vct(vct).map_or(name.as_str(), |t| if p.ctx.en() { t.name_en } else { t.name });
                p.f(T::MaterialLicence, &[name])
            }
            MaterialPlan::SharedData { .. } => p.t(T::MaterialShared),
            MaterialPlan::Commitment => p.t(T::MaterialCommitment),
            MaterialPlan::Upload => p.t(T::MaterialUpload),
        };
        let text = p.ctx.colon(&m.name, &how);
        p.item(format!("material_{}_{}", m.matter_id, m.material_id), text).icon(Icon::Document);
    }
}

fn consent(p: &mut Page<'_>, d: &Draft, consent: Option<&Consent>) {
    let elder = p.elder();
    let heading = p.t(T::ConsentHeading);
    p.heading("consent", heading);
    let Some(c) = consent else {
        let text = p.t(T::ConsentUnavailable);
        p.text("consent_none", text).icon(Icon::Info);
        return;
    };
    let intro = p.t(if elder { T::ConsentIntroElder } else { T::ConsentIntro });
    p.text("consent_intro", intro);
    let sep = if p.ctx.en() { ", " } else { "、" };
    for (i, l) in c.licences.iter().enumerate() {
        let name =
            licence::by_vct(&l.vct).map_or(l.licence_name.as_str(), |t| if p.ctx.en() { t.name_en } else { t.name });
        let text = p.f(T::ConsentLicence, &[name, &l.claims.join(sep), &l.departments.join(sep)]);
        p.item(format!("consent_licence_{i}"), text).icon(Icon::Licence);
    }
    for (i, s) in c.shared_data.iter().enumerate() {
        let text = p.f(T::ConsentShared, &[s]);
        p.item(format!("consent_shared_{i}"), text).icon(Icon::Document);
    }
    if !c.commitments.is_empty() {
        let text = p.f(T::ConsentCommitments, &[&c.commitments.join(sep)]);
        p.item("consent_commitments", text).icon(Icon::Document);
    }
    if !c.uploads.is_empty() {
        let text = p.f(T::ConsentUploads, &[&c.uploads.join(sep)]);
        p.item("consent_uploads", text).icon(Icon::Document);
    }
    let open = d.errors.iter().filter(|e| !e.field.starts_with("fields.")).count();
    if open > 0 {
        let (word, text) = (p.t(T::CueFix), p.f(T::ProblemsLeft, &[&open.to_string()]));
        p.banner("problems", Tone::Warning, Icon::Info, word, text);
    }
    let label = p.t(T::AgreeAndSubmit);
    let speak = p.t(T::AgreeAndSubmitSpeak);
    p.button("submit", label, Intent::SubmitDraft { draft_id: d.id.clone() }).icon(Icon::Check).speak(speak).primary();
}

fn draft_state(state: DraftState) -> (Tone, Icon, T) {
    match state {
        DraftState::Editing => (Tone::Info, Icon::Document, T::DraftEditing),
        DraftState::Queued => (Tone::Info, Icon::Clock, T::CueQueued),
        DraftState::Delivered => (Tone::Success, Icon::Check, T::CueSubmitted),
        DraftState::NeedsAttention => (Tone::Warning, Icon::Info, T::CueAttention),
    }
}

pub(crate) fn drafts(p: &mut Page<'_>, input: &Input) {
    if input.drafts.is_empty() {
        let (text, label) = (p.t(T::DraftsNone), p.t(T::GoSearch));
        p.text("nothing", text).icon(Icon::Document);
        p.button("search", label, Intent::Open { screen: ScreenName::Search }).icon(Icon::Search).primary();
        return;
    }
    let elder = p.elder();
    let text = p.t(T::DraftsIntro);
    p.text("intro", text);
    let mut primary_given = false;
    for d in &input.drafts {
        primary_given |= draft_line(p, d, elder && !primary_given);
    }
}

/// One draft; returns whether it took the primary action.
fn draft_line(p: &mut Page<'_>, d: &DraftSummary, may_be_primary: bool) -> bool {
    let (tone, icon, word) = draft_state(d.state);
    let word = p.t(word);
    let when = crate::screens::wallet::time_text(d.updated_at);
    let speak = p.f(T::DraftSpeak, &[&d.service_name, &word, &when]);
    let intent = match (d.state, &d.application_id) {
        (DraftState::Delivered, Some(id)) => Intent::OpenApplication { id: id.clone() },
        (DraftState::Queued | DraftState::Delivered, _) => Intent::Open { screen: ScreenName::Applications },
        _ => Intent::ResumeDraft { id: d.id.clone() },
    };
    let resumable = d.state.editable();
    let e =
        p.item(format!("draft_{}", d.id), d.service_name.clone()).tone(tone, icon, word).speak(speak).intent(intent);
    e.icon = Some(icon);
    if resumable && may_be_primary {
        e.primary();
        return true;
    }
    false
}
