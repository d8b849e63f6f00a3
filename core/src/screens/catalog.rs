//! Search results, guides (matters and bundles) and the bundle wizard, from the cached catalog.

use onego_protocol::api::{AnswerKind, Bundle, MaterialSource, Matter, Question};

use crate::catalog::{BundleGuide, Guide, MatterGuide};
use crate::screens::page::Page;
use crate::screens::text::T;
use crate::screens::theme::TextSize;
use crate::screens::{Icon, Input, InputKind, Intent, ScreenName};

/// Elder mode shows only the best few hits: fewer, larger choices.
const ELDER_HITS: usize = 5;

pub(crate) fn search(p: &mut Page<'_>, input: &Input) {
    let label = p.t(T::SearchHint);
    let value = (!input.query.is_empty()).then(|| input.query.clone());
    p.field("query", label, InputKind::Search, value).icon(Icon::Search).intent(Intent::Search { query: None });
    if input.hits.is_empty() {
        let text =
            if input.query.trim().is_empty() { p.t(T::SearchStart) } else { p.f(T::SearchNone, &[&input.query]) };
        p.text("nothing", text).icon(Icon::Info);
        return;
    }
    let shown = if p.elder() { input.hits.len().min(ELDER_HITS) } else { input.hits.len() };
    let count = p.f(T::SearchCount, &[&input.hits.len().to_string()]);
    p.text("count", count);
    if shown < input.hits.len() {
        let text = p.f(T::SearchElderMore, &[&shown.to_string()]);
        p.note("more", text);
    }
    for hit in &input.hits[..shown] {
        let name = p.ctx.pick(&hit.name, &hit.name_en).to_owned();
        let bundle = hit.kind == "bundle";
        let text = if bundle { p.f(T::BundleTag, &[&name]) } else { name.clone() };
        let speak = if bundle { p.f(T::BundleItemSpeak, &[&name]) } else { p.f(T::MatterItemSpeak, &[&name]) };
        p.item(format!("hit_{}", hit.id), text)
            .icon(if bundle { Icon::Star } else { Icon::Document })
            .speak(speak)
            .intent(Intent::OpenGuide { id: hit.id.clone() });
    }
}

pub(crate) fn guide(p: &mut Page<'_>, input: &Input) {
    match &input.guide {
        None => {
            let (text, label) = (p.t(T::GuideNone), p.t(T::GoSearch));
            p.text("nothing", text).icon(Icon::Info);
            p.button("search", label, Intent::Open { screen: ScreenName::Search }).primary();
        }
        Some(Guide::Matter(g)) => matter(p, g),
        Some(Guide::Bundle(g)) => bundle(p, g),
    }
}

fn days(p: &Page<'_>, n: u32) -> String {
    if n == 0 { p.t(T::OnTheSpot) } else { p.f(T::WorkingDays, &[&n.to_string()]) }
}

fn source_word(p: &Page<'_>, sources: &[MaterialSource]) -> String {
    let word = match sources.first() {
        Some(MaterialSource::Licence { .. }) => T::SourceLicence,
        Some(MaterialSource::SharedData { .. }) => T::SourceShared,
        Some(MaterialSource::Commitment) => T::SourceCommitment,
        Some(MaterialSource::Upload) | None => T::SourceUpload,
    };
    p.t(word)
}

fn matter(p: &mut Page<'_>, g: &MatterGuide) {
    let m: &Matter = &g.matter;
    let name = p.ctx.pick(&m.name, &m.name_en).to_owned();
    p.heading("name", name);
    p.text("summary", m.summary.clone());
    let elder = p.elder();
    let visits = match (elder, m.visits, m.online) {
        (true, 0, true) => p.t(T::NoVisitElder),
        (true, n, _) => p.f(T::VisitsElder, &[&n.to_string()]),
        (false, n, _) => p.f(T::Visits, &[&n.to_string()]),
    };
    p.text("visits", visits);
    let fee = p.f(if elder { T::FeeElder } else { T::Fee }, &[&m.fee]);
    p.text("fee", fee);
    if let Some(s) = g.satisfaction.as_ref().filter(|s| s.reviews > 0) {
        let pct = |r: f64| format!("{:.0}", (r * 100.0).clamp(0.0, 100.0));
        let text = p.f(
            if elder { T::SatisfactionElder } else { T::Satisfaction },
            &[&pct(s.good_rate), &pct(s.bad_rate), &s.reviews.to_string()],
        );
        p.text("satisfaction", text).icon(Icon::Star);
    }
    if !elder {
        let limit = days(p, m.promised_limit_days);
        let promised = p.f(T::Promised, &[&limit]);
        p.text("promised", promised);
        let online = p.t(if m.online { T::Online } else { T::InPerson });
        p.text("online", online);
    }
    let heading = p.f(T::Materials, &[&m.materials.len().to_string()]);
    p.heading("materials", heading);
    for mat in &m.materials {
        let how = source_word(p, &mat.sources);
        let line = p.ctx.colon(&mat.name, &how);
        let text = if elder { mat.name.clone() } else { line.clone() };
        let speak = line;
        p.item(format!("material_{}", mat.id), text).icon(Icon::Document).speak(speak);
    }
    let halls = if elder { &g.halls[..g.halls.len().min(1)] } else { &g.halls[..] };
    if !halls.is_empty() {
        let heading = p.t(T::Halls);
        p.heading("halls", heading);
    }
    for h in halls {
        let text = p.f(T::HallLine, &[&h.name, &h.address, &h.opening_hours]);
        p.item(format!("hall_{}", h.id), text);
    }
    // A matter inside a bundle is best done through the bundle: one form, one submission.
    let first_bundle = g.in_bundles.first();
    for (i, b) in g.in_bundles.iter().enumerate() {
        if elder && i > 0 {
            break;
        }
        let text = p.f(T::InBundle, &[&b.name]);
        let e = p.button(format!("bundle_{}", b.id), text, Intent::StartBundle { id: b.id.clone() }).icon(Icon::Star);
        if i == 0 {
            e.primary();
        }
    }
    if let Some(d) = &g.department {
        let dept = p.ctx.pick(&d.name, &d.name_en).to_owned();
        if !elder {
            let text = p.f(T::Department, &[&dept]);
            p.text("department", text);
        }
        let text = p.f(T::CallDepartment, &[&d.phone]);
        let speak = p.f(T::CallDepartmentSpeak, &[&dept, &d.phone]);
        let e = p.button("call_department", text, Intent::CallHotline { number: d.phone.clone() }).icon(Icon::Phone);
        e.speak(speak);
        if first_bundle.is_none() {
            e.primary();
        }
    }
    if !elder && !m.legal_basis.is_empty() {
        let text = p.f(T::LegalBasis, &[&m.legal_basis]);
        p.note("legal_basis", text);
    }
}

fn bundle(p: &mut Page<'_>, g: &BundleGuide) {
    let b: &Bundle = &g.bundle;
    let name = p.ctx.pick(&b.name, &b.name_en).to_owned();
    p.heading("name", name);
    p.text("summary", b.summary.clone());
    let questions = b.questions.len().to_string();
    let intro = p.f(if p.elder() { T::BundleIntroElder } else { T::BundleIntro }, &[&questions]);
    p.text("intro", intro);
    let elder = p.elder();
    if elder {
        let text = p.f(T::BundleMemberCount, &[&g.members.len().to_string()]);
        p.text("members", text);
    } else {
        let promised = days(p, b.promised_limit_days);
        let text = p.f(T::Promised, &[&promised]);
        p.text("promised", text);
        let heading = p.f(T::BundleMembers, &[&g.members.len().to_string()]);
        p.heading("members", heading);
        for m in &g.members {
            let name = p.ctx.pick(&m.matter.name, &m.matter.name_en).to_owned();
            let text =
                if m.department_name.is_empty() { name } else { p.f(T::MemberLine, &[&name, &m.department_name]) };
            p.item(format!("member_{}", m.matter.id), text)
                .icon(Icon::Document)
                .intent(Intent::OpenGuide { id: m.matter.id.clone() });
        }
    }
    let label = p.t(T::StartBundle);
    p.button("start", label, Intent::StartBundle { id: b.id.clone() }).primary();
}

pub(crate) fn wizard(p: &mut Page<'_>, input: &Input) {
    let Some(Guide::Bundle(g)) = &input.guide else {
        let (text, label) = (p.t(T::WizardNone), p.t(T::GoSearch));
        p.text("nothing", text).icon(Icon::Info);
        p.button("search", label, Intent::Open { screen: ScreenName::Search }).primary();
        return;
    };
    let b = &g.bundle;
    let name = p.ctx.pick(&b.name, &b.name_en).to_owned();
    p.heading("bundle", name);
    if b.questions.is_empty() {
        let (text, label) = (p.t(T::WizardNoQuestions), p.t(T::ShowPlan));
        p.text("nothing", text);
        p.button("plan", label, Intent::ShowPlan { bundle_id: b.id.clone() }).primary();
        return;
    }
    let total = b.questions.len();
    if p.elder() {
        // One question per step: the step the shell asked for, within range.
        let step = usize::try_from(input.step).unwrap_or(1).clamp(1, total);
        let progress = p.f(T::WizardProgress, &[&step.to_string(), &total.to_string()]);
        p.text("progress", progress);
        question(p, b, step, total, true);
        if step > 1 {
            let label = p.t(T::PreviousQuestion);
            let prev = i32::try_from(step - 1).unwrap_or(1);
            p.button("previous", label, Intent::GoToStep { bundle_id: b.id.clone(), step: prev }).icon(Icon::Back);
        }
        return;
    }
    let intro = p.t(T::WizardIntro);
    p.text("intro", intro);
    for step in 1..=total {
        question(p, b, step, total, false);
    }
    let label = p.t(T::ShowPlan);
    p.button("plan", label, Intent::ShowPlan { bundle_id: b.id.clone() }).primary();
}

/// One question (1-based `step`) with its answer controls.
fn question(p: &mut Page<'_>, b: &Bundle, step: usize, total: usize, elder: bool) {
    let q: &Question = &b.questions[step - 1];
    let next_step = if step < total { i32::try_from(step + 1).unwrap_or(0) } else { 0 };
    let text = p.ctx.pick(&q.text, &q.text_en).to_owned();
    p.heading(format!("q_{}", q.id), text).size(if elder { TextSize::Title } else { TextSize::Label });
    let answer = |value: Option<String>| Intent::AnswerQuestion {
        bundle_id: b.id.clone(),
        question_id: q.id.clone(),
        value,
        next_step,
    };
    match q.kind {
        AnswerKind::Bool => {
            for (value, label) in [("true", T::Yes), ("false", T::No)] {
                let label = p.t(label);
                let speak = p.f(T::AnswerSpeak, &[&label]);
                p.button(format!("{}_{value}", q.id), label, answer(Some(value.to_owned()))).speak(speak);
            }
        }
        AnswerKind::Choice => {
            for (i, option) in q.options.iter().enumerate() {
                let speak = p.f(T::AnswerSpeak, &[option]);
                p.button(format!("{}_{i}", q.id), option.clone(), answer(Some(option.clone()))).speak(speak);
            }
        }
        AnswerKind::Date | AnswerKind::Number | AnswerKind::Text => {
            let (kind, hint) = match q.kind {
                AnswerKind::Date => (InputKind::Date, T::DateHint),
                AnswerKind::Number => (InputKind::Number, T::NumberHint),
                _ => (InputKind::Text, T::TextHint),
            };
            let hint = p.t(hint);
            p.field(q.id.clone(), hint, kind, None);
            if elder {
                let label = p.t(if next_step == 0 { T::Done } else { T::NextQuestion });
                p.button(format!("{}_next", q.id), label, answer(None)).primary();
            } else {
                let label = p.t(T::Confirm);
                p.button(format!("{}_ok", q.id), label, answer(None));
            }
        }
    }
    // Whether a conditional question applies is the planner's call (issue 4); until then the citizen may skip it.
    if q.when.is_some() {
        let label = p.t(T::SkipQuestion);
        let intent = if next_step == 0 {
            Intent::ShowPlan { bundle_id: b.id.clone() }
        } else {
            Intent::GoToStep { bundle_id: b.id.clone(), step: next_step }
        };
        p.button(format!("{}_skip", q.id), label, intent);
    }
}
