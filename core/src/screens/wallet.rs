//! The wallet's screens: licence list, licence detail, present (QR), verifier verdict and the usage log.

use onego_protocol::licence;
use onego_protocol::time::date_from_unix_days;

use crate::screens::page::{Ctx, Page, Tone};
use crate::screens::text::T;
use crate::screens::theme::TextSize;
use crate::screens::{Icon, Input, Intent, Role, ScreenName};
use crate::wallet::LicenceState;
use crate::wallet::present::{OFFLINE_AUDIENCE, Purpose, QR_WINDOW_SECS};

/// Elder mode lists only the latest uses.
const ELDER_USAGE: usize = 10;

/// A licence state as colour, icon and word (colour is never the only cue), and a sentence saying what it means.
pub(crate) fn state_cue(state: LicenceState) -> (Tone, Icon, T, T) {
    match state {
        LicenceState::Valid => (Tone::Success, Icon::Check, T::StateValid, T::StateValidSay),
        LicenceState::ExpiringSoon => (Tone::Warning, Icon::Clock, T::StateExpiring, T::StateExpiringSay),
        LicenceState::Expired => (Tone::Danger, Icon::Cross, T::StateExpired, T::StateExpiredSay),
        LicenceState::Revoked => (Tone::Danger, Icon::Cross, T::StateRevoked, T::StateRevokedSay),
        LicenceState::Suspended => (Tone::Warning, Icon::Pause, T::StateSuspended, T::StateSuspendedSay),
        LicenceState::Unknown => (Tone::Warning, Icon::Question, T::StateUnknown, T::StateUnknownSay),
    }
}

fn licence_name(ctx: &Ctx, vct: &str, name: &str) -> String {
    match (ctx.en(), licence::by_vct(vct)) {
        (true, Some(t)) => t.name_en.to_owned(),
        _ => name.to_owned(),
    }
}

/// The label of a claim: the licence type's Chinese label, or in English the claim's own name in words.
fn claim_label(ctx: &Ctx, vct: &str, claim: &str) -> String {
    if ctx.en() {
        let words = claim.replace('_', " ");
        let mut chars = words.chars();
        return chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default();
    }
    licence::label(vct, claim).unwrap_or(claim).to_owned()
}

/// The end of validity in words; open-ended licences carry an empty date or 9999-12-31.
fn until_text(p: &Page<'_>, valid_until: &str) -> String {
    if valid_until.is_empty() || valid_until.starts_with("9999") { p.t(T::NoEnd) } else { valid_until.to_owned() }
}

fn purpose_name(ctx: &Ctx, p: Purpose) -> String {
    let (zh, en) = p.names();
    (if ctx.en() { en } else { zh }).to_owned()
}

/// `YYYY-MM-DD HH:MM`, China Standard Time.
pub(crate) fn time_text(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let t = secs.rem_euclid(86_400);
    format!("{} {:02}:{:02}", date_from_unix_days(secs.div_euclid(86_400)), t / 3600, t % 3600 / 60)
}

pub(crate) fn list(p: &mut Page<'_>, input: &Input) {
    if input.licences.is_empty() {
        let (text, label) = (p.t(T::WalletNone), p.t(T::FetchLicences));
        p.text("nothing", text).icon(Icon::Info);
        p.button("refresh", label, Intent::RefreshWallet).primary();
        return;
    }
    let elder = p.elder();
    for l in &input.licences {
        let (tone, icon, word, _) = state_cue(l.state);
        let word = p.t(word);
        let name = licence_name(p.ctx, &l.vct, &l.name);
        let until = until_text(p, &l.valid_until);
        let speak = p.f(T::LicenceItemSpeak, &[&name, &word, &until]);
        let text = format!("{name} · {word}");
        p.item(format!("licence_{}", l.id), text)
            .icon(Icon::Licence)
            .tone(tone, icon, word)
            .speak(speak)
            .intent(Intent::ShowLicence { id: l.id.clone() });
        if !elder {
            let note = p.f(T::LicenceNote, &[&l.issuer_name, &l.province, &until]);
            p.note(format!("licence_{}_note", l.id), note);
        }
        if l.check_due && !elder {
            let text = p.t(T::CheckDue);
            let word = p.t(T::CueAttention);
            p.note(format!("licence_{}_due", l.id), text).tone(Tone::Warning, Icon::Clock, word);
        }
    }
    let label = p.t(T::RefreshLicences);
    p.button("refresh", label, Intent::RefreshWallet);
    if !elder {
        let label = p.t(T::TitleUsageLog);
        p.button("usage", label, Intent::Open { screen: ScreenName::UsageLog }).icon(Icon::Document);
        let label = p.t(T::ScanOthers);
        p.button("verify", label, Intent::ScanToVerify).icon(Icon::Scan);
    }
}

/// Purposes that fit this licence type, most common first.
fn purposes(vct: &str) -> Vec<Purpose> {
    Purpose::ALL.into_iter().filter(|x| *x != Purpose::Application && !x.default_claims(vct).is_empty()).collect()
}

pub(crate) fn licence(p: &mut Page<'_>, input: &Input) {
    let Some(view) = &input.licence else {
        let (text, label) = (p.t(T::LicenceNone), p.t(T::TitleWallet));
        p.text("nothing", text).icon(Icon::Info);
        p.button("wallet", label, Intent::Open { screen: ScreenName::Wallet }).primary();
        return;
    };
    let s = &view.summary;
    let name = licence_name(p.ctx, &s.vct, &s.name);
    p.heading("name", name);
    let (tone, icon, word, say) = state_cue(s.state);
    let (word, say) = (p.t(word), p.t(say));
    p.banner("state", tone, icon, word, say);
    if view.trust_problem.is_some() {
        // The technical reason goes to support, not to the citizen.
        let (word, text) = (p.t(T::CueAttention), p.t(T::TrustProblem));
        p.banner("trust", Tone::Danger, Icon::Cross, word, text);
    }
    let until = until_text(p, &s.valid_until);
    let until = p.f(T::ValidUntil, &[&until]);
    p.text("valid_until", until);
    let issuer = p.f(T::Issuer, &[&s.issuer_name, &s.province]);
    p.text("issuer", issuer);
    let heading = p.t(T::Claims);
    p.heading("claims", heading);
    // Elder mode lists only the licence's face: name, issuer and dates are said above, and the holder metadata
    // repeats the face.
    let elder = p.elder();
    let metadata = |c: &str| licence::METADATA_CLAIMS.iter().chain(licence::HOLDER_CLAIMS).any(|(n, _)| *n == c);
    for c in view.claims.iter().filter(|c| !(elder && metadata(&c.name))) {
        let label = claim_label(p.ctx, &s.vct, &c.name);
        let text = p.ctx.colon(&label, &c.value);
        p.item(format!("claim_{}", c.name), text);
    }
    if !p.elder() {
        let checked = match s.checked_at_ms {
            Some(ms) => p.f(T::CheckedAt, &[&time_text(ms)]),
            None => p.t(T::NeverChecked),
        };
        p.note("checked", checked);
    }
    let usable = matches!(s.state, LicenceState::Valid | LicenceState::ExpiringSoon) && view.trust_problem.is_none();
    if !usable {
        let label = p.t(T::RefreshLicences);
        p.button("refresh", label, Intent::RefreshWallet).primary();
        return;
    }
    let fits = purposes(&s.vct);
    if p.elder() {
        // One action: show it, for identity when the licence can prove it.
        if let Some(purpose) = fits.iter().copied().find(|x| *x == Purpose::IdentityCheck).or(fits.first().copied()) {
            let label = p.t(T::PresentElder);
            let speak = p.f(T::PresentSpeak, &[&purpose_name(p.ctx, purpose)]);
            p.button("present", label, Intent::Present { id: s.id.clone(), purpose })
                .icon(Icon::Qr)
                .speak(speak)
                .primary();
        }
        return;
    }
    for (i, purpose) in fits.into_iter().enumerate() {
        let text = p.f(T::PresentFor, &[&purpose_name(p.ctx, purpose)]);
        let e = p.button(format!("present_{i}"), text, Intent::Present { id: s.id.clone(), purpose }).icon(Icon::Qr);
        if i == 0 {
            e.primary();
        }
    }
    let label = p.t(T::TitleUsageLog);
    p.button("usage", label, Intent::Open { screen: ScreenName::UsageLog }).icon(Icon::Document);
}

pub(crate) fn present(p: &mut Page<'_>, input: &Input) {
    let Some(shown) = &input.presentation else {
        let (text, label) = (p.t(T::PresentNone), p.t(T::TitleWallet));
        p.text("nothing", text).icon(Icon::Info);
        p.button("wallet", label, Intent::Open { screen: ScreenName::Wallet }).primary();
        return;
    };
    let summary = input.licences.iter().find(|l| l.id == input.id);
    let vct = summary.map(|l| l.vct.clone()).unwrap_or_default();
    if let Some(l) = summary {
        let name = licence_name(p.ctx, &l.vct, &l.name);
        let purpose = input.purpose.map(|x| purpose_name(p.ctx, x)).unwrap_or_default();
        let text = if purpose.is_empty() { name } else { p.f(T::PresentHeading, &[&name, &purpose]) };
        p.heading("licence", text);
    }
    let secs = QR_WINDOW_SECS.to_string();
    match &shown.qr {
        Some(qr) => {
            let speak = p.f(T::QrSpeak, &[&secs]);
            let e = p.add("qr", Role::Qr, "").speak(speak);
            e.qr = Some(qr.clone());
        }
        None => {
            let (word, text) = (p.t(T::CueAttention), p.t(T::QrTooLong));
            p.banner("qr_too_long", Tone::Warning, Icon::Info, word, text);
        }
    }
    let labels: Vec<String> = shown.disclosed.iter().map(|c| claim_label(p.ctx, &vct, c)).collect();
    let sep = if p.ctx.en() { ", " } else { "、" };
    let only = p.f(if p.elder() { T::OnlyShownElder } else { T::OnlyShown }, &[&labels.join(sep)]);
    p.text("disclosed", only).icon(Icon::Check);
    let note = p.f(T::QrWindow, &[&secs]);
    p.note("window", note).icon(Icon::Clock);
    // The 30-second limit can always be extended: a new code on request, and the shell renews it by itself.
    let label = p.t(T::NewQr);
    p.button("renew", label, Intent::Refresh).icon(Icon::Qr).primary();
    p.expires_at_ms = Some(shown.expires_at_ms);
}

/// Plain words for a refusal, by its stable code.
fn refusal(code: Option<&str>) -> T {
    match code {
        Some("revoked") => T::VerdictRevoked,
        Some("suspended") => T::VerdictSuspended,
        Some("no_trust_list") => T::VerdictNoTrustList,
        Some("status_unknown") => T::VerdictStatusUnknown,
        _ => T::VerdictRefused,
    }
}

pub(crate) fn verifier(p: &mut Page<'_>, input: &Input) {
    let scan = p.t(T::ScanAgain);
    let Some(v) = &input.verdict else {
        let (text, label) = (p.t(T::VerifierNone), p.t(T::Scan));
        p.text("nothing", text).icon(Icon::Scan);
        p.button("scan", label, Intent::ScanToVerify).icon(Icon::Scan).primary();
        return;
    };
    let code = v.reason_code.as_deref();
    let (tone, icon, word, text) = match (v.valid, code) {
        (true, None) => (Tone::Success, Icon::Check, T::CuePassed, p.t(T::VerdictValid)),
        (true, Some(_)) => (Tone::Warning, Icon::Question, T::CueUnsure, p.t(refusal(code))),
        (false, _) => {
            let text = p.f(refusal(code), &[code.unwrap_or("unknown")]);
            (Tone::Danger, Icon::Cross, T::CueFailed, text)
        }
    };
    let word = p.t(word);
    p.banner("verdict", tone, icon, word, text).size(TextSize::Title);
    if !v.licence_name.is_empty() {
        let name = licence_name(p.ctx, &v.vct, &v.licence_name);
        p.heading("licence", name);
        let issuer = p.f(T::Issuer, &[&v.issuer_name, &v.province]);
        p.text("issuer", issuer);
    }
    if v.status_check_due && !p.elder() {
        let (text, word) = (p.t(T::VerifierStatusDue), p.t(T::CueAttention));
        p.note("status_due", text).tone(Tone::Warning, Icon::Clock, word);
    }
    for c in &v.claims {
        let label = claim_label(p.ctx, &v.vct, &c.name);
        let text = p.ctx.colon(&label, &c.value);
        p.item(format!("claim_{}", c.name), text);
    }
    p.button("scan", scan, Intent::ScanToVerify).icon(Icon::Scan).primary();
}

pub(crate) fn usage(p: &mut Page<'_>, input: &Input) {
    if input.usage.is_empty() {
        let (text, label) = (p.t(T::UsageNone), p.t(T::TitleWallet));
        p.text("nothing", text).icon(Icon::Info);
        p.button("wallet", label, Intent::Open { screen: ScreenName::Wallet }).primary();
        return;
    }
    let intro = p.t(T::UsageIntro);
    p.text("intro", intro);
    let limit = if p.elder() { ELDER_USAGE } else { usize::MAX };
    for e in input.usage.iter().rev().take(limit) {
        let vct = licence::TYPES.iter().find(|t| t.name == e.licence_name).map(|t| t.vct).unwrap_or_default();
        let name = licence_name(p.ctx, vct, &e.licence_name);
        let purpose = Purpose::parse(&e.purpose).map_or_else(|| e.purpose.clone(), |x| purpose_name(p.ctx, x));
        let to = if e.recipient == OFFLINE_AUDIENCE { p.t(T::OfflineScan) } else { e.recipient.clone() };
        let sep = if p.ctx.en() { ", " } else { "、" };
        let claims: Vec<String> = e.claims.iter().map(|c| claim_label(p.ctx, vct, c)).collect();
        let when = time_text(e.at_ms);
        let text = p.f(T::UsageLine, &[&when, &name, &purpose]);
        let speak = p.f(T::UsageSpeak, &[&when, &name, &purpose, &to, &claims.join(sep)]);
        p.item(format!("use_{}", e.seq), text).icon(Icon::Document).speak(speak);
        if !p.elder() {
            let note = p.f(T::UsageNote, &[&to, &claims.join(sep)]);
            p.note(format!("use_{}_note", e.seq), note);
        }
    }
}

impl LicenceState {
    /// The word every shell shows for this state, in `locale` (the same the wallet screens use).
    #[must_use]
    pub fn label(self, locale: crate::Locale) -> &'static str {
        state_cue(self).2.text(locale)
    }
}
