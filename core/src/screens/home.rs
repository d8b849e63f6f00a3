//! Home, sign-in, profile and settings.

use onego_protocol::ids::IdNumber;

use crate::i18n::Locale;
use crate::screens::page::{Page, Tone};
use crate::screens::text::T;
use crate::screens::theme::TextSize;
use crate::screens::{Icon, Input, InputKind, Intent, Role, ScreenName, Setting, TEXT_SCALES};
use crate::wallet::LicenceState;

/// The elder home: six large tiles chosen for older citizens, and nothing else to choose from.
const ELDER_TILES: [(&str, T, Icon); 6] = [
    ("tile_pension", T::TilePension, Icon::Pension),
    ("tile_medical", T::TileMedical, Icon::Medical),
    ("tile_ss_card", T::TileSsCard, Icon::Card),
    ("tile_licences", T::TileLicences, Icon::Licence),
    ("tile_progress", T::TileProgress, Icon::Progress),
    ("tile_family", T::TileFamily, Icon::Family),
];

fn greeting(p: &mut Page<'_>, input: &Input) {
    match &input.profile {
        Some(profile) => {
            let text = p.f(T::Greeting, &[&profile.name]);
            p.text("greeting", text).size(TextSize::Title);
        }
        None => {
            let (text, label) = (p.t(T::GreetingGuest), p.t(T::SignIn));
            p.text("greeting", text);
            p.button("sign_in", label, Intent::Open { screen: ScreenName::SignIn }).icon(Icon::Phone);
        }
    }
}

pub(crate) fn home(p: &mut Page<'_>, input: &Input) {
    if p.elder() {
        return elder_home(p, input);
    }
    greeting(p, input);
    let (label, speak) = (p.t(T::SearchHint), p.t(T::SearchHintSpeak));
    p.field("query", label, InputKind::Search, None)
        .icon(Icon::Search)
        .speak(speak)
        .intent(Intent::Search { query: None });
    p.elder_toggle();
    let shortcuts = [
        ("go_wallet", T::TitleWallet, Icon::Licence, ScreenName::Wallet),
        ("go_applications", T::TitleApplications, Icon::Progress, ScreenName::Applications),
        ("go_notifications", T::TitleNotifications, Icon::Bell, ScreenName::Notifications),
        ("go_settings", T::TitleSettings, Icon::Settings, ScreenName::Settings),
    ];
    for (id, label, icon, screen) in shortcuts {
        let label = p.t(label);
        p.button(id, label, Intent::Open { screen }).icon(icon);
    }
    if !input.licences.is_empty() {
        let n = input.licences.len().to_string();
        let text = p.f(T::WalletCount, &[&n]);
        p.text("wallet_count", text);
        let attention = input
            .licences
            .iter()
            .filter(|l| !matches!(l.state, LicenceState::Valid | LicenceState::ExpiringSoon))
            .count();
        if attention > 0 {
            let text = p.f(T::WalletAttention, &[&attention.to_string()]);
            p.banner("wallet_attention", Tone::Warning, Icon::Info, p.t(T::CueAttention), text)
                .intent(Intent::Open { screen: ScreenName::Wallet });
        }
    }
    let heading = p.t(T::BundlesHeading);
    p.heading("bundles", heading);
    if input.bundles.is_empty() {
        let (text, label) = (p.t(T::CatalogMissing), p.t(T::SyncCatalog));
        p.text("catalog_missing", text);
        p.button("sync", label, Intent::SyncCatalog).primary();
    }
    for b in &input.bundles {
        let name = p.ctx.pick(&b.name, &b.name_en).to_owned();
        let speak = p.f(T::BundleItemSpeak, &[&name]);
        p.item(format!("bundle_{}", b.id), name)
            .icon(Icon::Star)
            .speak(speak)
            .intent(Intent::OpenGuide { id: b.id.clone() });
    }
}

fn elder_home(p: &mut Page<'_>, input: &Input) {
    greeting(p, input);
    for (id, label, icon) in ELDER_TILES {
        let intent = match label {
            T::TilePension => Intent::Search { query: Some(p.t(T::QueryPension)) },
            T::TileMedical => Intent::Search { query: Some(p.t(T::QueryMedical)) },
            T::TileSsCard => Intent::Search { query: Some(p.t(T::QuerySsCard)) },
            T::TileLicences => Intent::Open { screen: ScreenName::Wallet },
            T::TileProgress => Intent::Open { screen: ScreenName::Applications },
            _ => Intent::AskFamily,
        };
        let text = p.t(label);
        let speak = p.f(T::TileSpeak, &[&text]);
        p.add(id, Role::Tile, text).icon(icon).speak(speak).intent(intent);
    }
    if input.catalog_items == 0 {
        let (text, label) = (p.t(T::CatalogMissing), p.t(T::SyncCatalog));
        p.text("catalog_missing", text);
        p.button("sync", label, Intent::SyncCatalog);
    }
    p.elder_toggle();
}

pub(crate) fn sign_in(p: &mut Page<'_>) {
    let intro = p.t(if p.elder() { T::SignInIntroElder } else { T::SignInIntro });
    p.text("intro", intro);
    let (phone, phone_speak) = (p.t(T::PhoneField), p.t(T::PhoneFieldSpeak));
    p.field("phone", phone, InputKind::Phone, None).speak(phone_speak);
    let send = p.t(T::SendCode);
    p.button("send_code", send, Intent::SendCode);
    let (code, code_speak) = (p.t(T::CodeField), p.t(T::CodeFieldSpeak));
    p.field("code", code, InputKind::Code, None).speak(code_speak);
    let label = p.t(T::SignIn);
    p.button("sign_in", label, Intent::SignIn).primary();
    // The first screen a new user sees: elder mode must be reachable from here.
    p.elder_toggle();
}

/// `3301**********1234`: only the ends of an ID number, as shown on screen.
fn masked_id(id: &str) -> String {
    IdNumber::parse(id).map_or_else(|_| "****".into(), |i| i.masked())
}

fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().collect();
    if digits.len() < 7 {
        return "****".into();
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

pub(crate) fn profile(p: &mut Page<'_>, input: &Input) {
    let Some(profile) = &input.profile else {
        let (text, label) = (p.t(T::ProfileNone), p.t(T::GoSignIn));
        p.text("nothing", text).icon(Icon::Info);
        p.button("sign_in", label, Intent::Open { screen: ScreenName::SignIn }).primary();
        return;
    };
    p.heading("name", profile.name.clone());
    let id = p.f(T::ProfileId, &[&masked_id(&profile.id_number)]);
    p.text("id_number", id);
    if !p.elder() {
        let phone = p.f(T::ProfilePhone, &[&masked_phone(&profile.phone)]);
        p.text("phone", phone);
        let address = p.f(T::ProfileAddress, &[&profile.address]);
        p.text("address", address);
        let marital = p.f(T::ProfileMarital, &[&profile.marital_status]);
        p.text("marital", marital);
    }
    if !profile.family.is_empty() {
        let heading = p.t(T::ProfileFamily);
        p.heading("family", heading);
        for (i, r) in profile.family.iter().enumerate() {
            let text = p.f(T::ProfileRelative, &[&r.relation, &r.name]);
            p.item(format!("relative_{i}"), text);
        }
    }
    if !p.elder() {
        for (i, c) in profile.companies.iter().enumerate() {
            let text = p.f(T::ProfileCompany, &[&c.role, &c.name]);
            p.item(format!("company_{i}"), text);
        }
    }
    let label = p.t(T::SignOut);
    p.button("sign_out", label, Intent::SignOut);
}

/// Each language names itself, as language pickers do.
const LANGUAGES: [(Locale, &str, T); 2] =
    [(Locale::ZhCn, "中文", T::LanguageZhSpeak), (Locale::En, "English", T::LanguageEnSpeak)];

pub(crate) fn settings(p: &mut Page<'_>, input: &Input) {
    p.elder_toggle();
    let heading = p.t(T::TextSizeHeading);
    p.heading("text_size", heading);
    let current = input.settings.text_scale_percent;
    for percent in TEXT_SCALES {
        let n = percent.to_string();
        let text = p.f(T::TextScale, &[&n]);
        let speak = p.f(if percent == current { T::TextScaleChosen } else { T::TextScale }, &[&n]);
        p.add(format!("scale_{percent}"), Role::Toggle, text)
            .checked(percent == current)
            .speak(speak)
            .intent(Intent::ChangeSetting { setting: Setting::TextScale { percent } });
    }
    let heading = p.t(T::LanguageHeading);
    p.heading("language", heading);
    for (locale, name, speak) in LANGUAGES {
        let (speak, chosen) = (p.t(speak), p.ctx.locale == locale);
        p.add(format!("lang_{}", locale.tag()), Role::Toggle, name)
            .checked(chosen)
            .speak(speak)
            .intent(Intent::ChangeSetting { setting: Setting::Language { locale } });
    }
    let on = input.settings.voice_read_out;
    let (text, speak) = (p.t(T::VoiceReadOut), p.t(if on { T::VoiceOnSpeak } else { T::VoiceOffSpeak }));
    p.add("voice", Role::Toggle, text)
        .checked(on)
        .speak(speak)
        .intent(Intent::ChangeSetting { setting: Setting::VoiceReadOut { on: !on } });
}
