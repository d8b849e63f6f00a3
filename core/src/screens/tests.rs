//! Every screen × state × mode × language passes the audit; elder mode changes the content; snapshots keep the
//! content reviewed.

use super::fixtures::{self, NOW_MS};
use super::*;
use crate::OnegoError;
use crate::screens::page::Ctx;

const LOCALES: [Locale; 2] = [Locale::ZhCn, Locale::En];

fn ctx(elder: bool, locale: Locale) -> Ctx {
    Ctx::new(elder, locale, Settings::default())
}

fn error() -> OnegoError {
    OnegoError::Offline { message: Locale::ZhCn.text(crate::i18n::Msg::ErrOffline).into() }
}

/// Every screen in every state, with every full fixture.
fn every_screen(elder: bool, locale: Locale) -> Vec<Screen> {
    let c = ctx(elder, locale);
    let mut out = Vec::new();
    for name in ScreenName::ALL {
        let inputs = fixtures::full(name);
        assert!(!inputs.is_empty(), "{name:?} has a fixture");
        for state in ScreenState::ALL {
            let cases =
                if matches!(state, ScreenState::Full | ScreenState::Offline) { &inputs[..] } else { &inputs[..1] };
            for input in cases {
                out.push(build(name, &c, state, input, Some(&error())));
            }
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

#[test]
fn every_screen_in_every_state_mode_and_language_passes_the_audit() {
    let mut checked = 0;
    for elder in [true, false] {
        for locale in LOCALES {
            for s in every_screen(elder, locale) {
                let v = audit(&s);
                assert!(v.is_empty(), "{:?} {:?} elder={elder} {locale:?}: {v:#?}", s.name, s.state);
                let ids: std::collections::HashSet<&str> = s.elements.iter().map(|e| e.id.as_str()).collect();
                assert_eq!(ids.len(), s.elements.len(), "{:?}: element ids are unique", s.name);
                assert!(s.read_out.contains(&s.elements[0].speakable));
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "{checked} screens checked");
}

#[test]
fn larger_text_scales_still_pass() {
    for percent in TEXT_SCALES {
        let settings = Settings { text_scale_percent: percent, ..Settings::default() };
        for elder in [true, false] {
            let c = Ctx::new(elder, Locale::ZhCn, settings.clone());
            for name in ScreenName::ALL {
                let s = build(name, &c, ScreenState::Full, &fixtures::full(name)[0], None);
                assert_eq!(audit(&s), [], "{name:?} at {percent}%");
                assert_eq!(s.theme.text_scale_percent, percent);
            }
        }
    }
}

#[test]
fn our_wording_is_complete_in_both_languages() {
    // Empty, loading and error states hold only the screens' own wording (no catalog or wallet data), so each
    // language must be whole: no Chinese in English, Chinese in Chinese. Language names are endonyms.
    for elder in [true, false] {
        for name in ScreenName::ALL {
            for state in [ScreenState::Empty, ScreenState::Loading, ScreenState::Error] {
                let input = Input::default();
                let err = OnegoError::Internal { message: Locale::En.text(crate::i18n::Msg::ErrInternal).into() };
                let en = build(name, &ctx(elder, Locale::En), state, &input, Some(&err));
                for e in en.elements.iter().filter(|e| e.id != "lang_zh-CN") {
                    assert!(!e.text.chars().any(is_cjk), "{name:?} {state:?} en: {}", e.text);
                    assert!(!e.speakable.chars().any(is_cjk), "{name:?} {state:?} en: {}", e.speakable);
                }
                let zh = build(name, &ctx(elder, Locale::ZhCn), state, &input, None);
                for e in zh.elements.iter().filter(|e| e.id != "lang_en" && !e.text.is_empty()) {
                    let digits_only = e.text.chars().all(|c| !c.is_alphabetic());
                    assert!(digits_only || e.speakable.chars().any(is_cjk), "{name:?} {state:?} zh: {}", e.speakable);
                }
            }
        }
    }
}

#[test]
fn elder_home_is_six_tiles_help_and_the_switch_back() {
    let input = &fixtures::full(ScreenName::Home)[0];
    let s = build(ScreenName::Home, &ctx(true, Locale::ZhCn), ScreenState::Full, input, None);
    let tiles: Vec<&str> = s.elements.iter().filter(|e| e.role == Role::Tile).map(|e| e.text.as_str()).collect();
    assert_eq!(tiles, ["养老金、退休", "医保", "社保卡", "我的证件", "办事进度", "找家人帮忙"]);
    assert!(s.elements.iter().all(|e| e.role != Role::TextField && e.role != Role::ListItem), "no lists, no typing");
    assert!(s.elements.iter().any(|e| e.intent == Some(Intent::CallHotline { number: "12345".into() })));
    assert!(s.elements.iter().any(|e| e.intent == Some(Intent::AskFamily)));
    let toggle = s.elements.iter().find(|e| e.role == Role::Toggle).expect("toggle");
    assert_eq!(toggle.intent, Some(Intent::ChangeSetting { setting: Setting::ElderMode { on: false } }));
    assert!(s.elements.iter().filter(|e| e.role == Role::Tile).all(|e| e.min_touch_dp >= 60 && e.text_dp >= 18));

    // The standard home offers elder mode on the first screen, and many more choices.
    let std = build(ScreenName::Home, &ctx(false, Locale::ZhCn), ScreenState::Full, input, None);
    let toggle = std.elements.iter().find(|e| e.role == Role::Toggle).expect("toggle");
    assert_eq!(toggle.intent, Some(Intent::ChangeSetting { setting: Setting::ElderMode { on: true } }));
    assert!(std.elements.len() > s.elements.len());
    assert!(std.elements.iter().all(|e| e.role != Role::Tile));
}

#[test]
fn the_first_screens_and_settings_offer_elder_mode() {
    for name in [ScreenName::Home, ScreenName::SignIn, ScreenName::Settings] {
        for elder in [true, false] {
            let s = build(name, &ctx(elder, Locale::ZhCn), ScreenState::Full, &Input::default(), None);
            assert!(
                s.elements.iter().any(|e| matches!(
                    &e.intent,
                    Some(Intent::ChangeSetting { setting: Setting::ElderMode { on } }) if *on != elder
                )),
                "{name:?} elder={elder}"
            );
        }
    }
}

#[test]
fn elder_wizard_asks_one_question_per_step_and_standard_asks_all() {
    for id in fixtures::bundle_ids() {
        let guide = fixtures::bundle_guide(&id);
        let Guide::Bundle(g) = &guide else { unreachable!() };
        let total = g.bundle.questions.len();
        let question_ids: Vec<String> = g.bundle.questions.iter().map(|q| format!("q_{}", q.id)).collect();
        let asked = |s: &Screen| s.elements.iter().filter(|e| question_ids.contains(&e.id)).count();
        for step in 1..=total {
            let input = Input {
                guide: Some(guide.clone()),
                id: id.clone(),
                step: i32::try_from(step).unwrap_or(0),
                ..Input::default()
            };
            let s = build(ScreenName::BundleWizard, &ctx(true, Locale::ZhCn), ScreenState::Full, &input, None);
            assert_eq!(asked(&s), 1, "{id} step {step}");
            assert!(s.elements.iter().any(|e| e.id == format!("q_{}", g.bundle.questions[step - 1].id)));
            let next = if step == total { 0 } else { i32::try_from(step + 1).unwrap_or(0) };
            assert!(
                s.elements
                    .iter()
                    .any(|e| matches!(&e.intent, Some(Intent::AnswerQuestion { next_step, .. }) if *next_step == next))
            );
        }
        let input = Input { guide: Some(guide.clone()), id: id.clone(), ..Input::default() };
        let s = build(ScreenName::BundleWizard, &ctx(false, Locale::ZhCn), ScreenState::Full, &input, None);
        assert_eq!(asked(&s), total, "{id}: every question on one screen");
    }
}

#[test]
fn licence_states_are_said_in_words_not_only_colour() {
    let s = build(
        ScreenName::Wallet,
        &ctx(true, Locale::En),
        ScreenState::Full,
        &fixtures::full(ScreenName::Wallet)[0],
        None,
    );
    let words: Vec<&str> = s.elements.iter().filter_map(|e| e.cue.as_ref()).map(|c| c.word.as_str()).collect();
    assert_eq!(words, ["Valid", "Expires soon", "Expired", "Revoked", "Suspended", "Not yet checked"]);
    assert!(
        s.elements
            .iter()
            .filter(|e| e.cue.is_some())
            .all(|e| e.speakable.contains(&e.cue.as_ref().map(|c| c.word.clone()).unwrap_or_default()))
    );
}

#[test]
fn the_qr_screen_expires_and_offers_a_new_code() {
    let s = build(
        ScreenName::Present,
        &ctx(true, Locale::ZhCn),
        ScreenState::Full,
        &fixtures::full(ScreenName::Present)[0],
        None,
    );
    assert_eq!(s.expires_at_ms, Some(NOW_MS + 30_000));
    let qr = s.elements.iter().find(|e| e.role == Role::Qr).expect("qr");
    assert!(qr.qr.as_ref().is_some_and(|q| q.size > 20) && !qr.speakable.is_empty());
    assert!(s.elements.iter().any(|e| e.intent == Some(Intent::Refresh) && e.primary));
    assert!(s.elements.iter().any(|e| e.text.contains("年满18周岁")), "says what is disclosed");
}

#[test]
fn errors_say_what_happened_and_what_to_do() {
    let cases = [
        (OnegoError::Unauthorized { message: "登录已失效".into() }, Intent::Open { screen: ScreenName::SignIn }),
        (OnegoError::NotFound { message: "没有找到".into() }, Intent::Open { screen: ScreenName::Home }),
        (OnegoError::Integrity { message: "数据不一致".into() }, Intent::Refresh),
    ];
    for (e, next) in cases {
        let s = build(ScreenName::UsageLog, &ctx(false, Locale::ZhCn), ScreenState::Error, &Input::default(), Some(&e));
        assert!(s.elements.iter().any(|x| x.role == Role::Banner && x.text == e.to_string()));
        assert!(s.elements.iter().any(|x| x.primary && x.intent.as_ref() == Some(&next)), "{e:?}");
        assert!(s.elements.iter().any(|x| x.role == Role::HelpCall), "help on every error");
    }
}

#[test]
fn screen_names_parse_and_round_trip() {
    for name in ScreenName::ALL {
        assert_eq!(ScreenName::parse(name.key()), Some(name));
        assert_eq!(serde_json::to_value(name).expect("json"), name.key());
    }
    assert_eq!(ScreenName::parse("bundle-wizard"), Some(ScreenName::BundleWizard));
    assert_eq!(ScreenState::parse("offline"), Some(ScreenState::Offline));
    assert_eq!(ScreenName::parse("nope"), None);
}

fn snapshot(name: ScreenName, elder: bool, locale: Locale, input: &Input) -> Screen {
    let s = build(name, &ctx(elder, locale), ScreenState::Full, input, None);
    assert_eq!(audit(&s), []);
    s
}

#[test]
fn snapshot_elder_home() {
    let input = &fixtures::full(ScreenName::Home)[0];
    insta::assert_json_snapshot!("elder_home_zh", snapshot(ScreenName::Home, true, Locale::ZhCn, input));
    insta::assert_json_snapshot!("elder_home_en", snapshot(ScreenName::Home, true, Locale::En, input));
}

#[test]
fn snapshot_standard_home() {
    let input = &fixtures::full(ScreenName::Home)[0];
    insta::assert_json_snapshot!("standard_home_zh", snapshot(ScreenName::Home, false, Locale::ZhCn, input));
}

#[test]
fn snapshot_licence_detail() {
    let input =
        Input { licence: Some(fixtures::licence_view(crate::wallet::LicenceState::Valid, false)), ..Input::default() };
    insta::assert_json_snapshot!("licence_detail_zh", snapshot(ScreenName::Licence, false, Locale::ZhCn, &input));
    insta::assert_json_snapshot!("licence_detail_elder_zh", snapshot(ScreenName::Licence, true, Locale::ZhCn, &input));
}

#[test]
fn snapshot_bundle_wizard_step() {
    let input = Input {
        guide: Some(fixtures::bundle_guide("bundle-birth")),
        id: "bundle-birth".into(),
        step: 2,
        ..Input::default()
    };
    insta::assert_json_snapshot!(
        "wizard_birth_step2_elder_zh",
        snapshot(ScreenName::BundleWizard, true, Locale::ZhCn, &input)
    );
}

#[test]
fn snapshot_verifier_result() {
    let input = Input { verdict: Some(fixtures::verdict(true, None)), ..Input::default() };
    insta::assert_json_snapshot!("verifier_valid_zh", snapshot(ScreenName::Verifier, false, Locale::ZhCn, &input));
    let input = Input { verdict: Some(fixtures::verdict(false, Some("revoked"))), ..Input::default() };
    insta::assert_json_snapshot!("verifier_revoked_elder_en", snapshot(ScreenName::Verifier, true, Locale::En, &input));
}

fn full_screen(name: ScreenName, case: usize, elder: bool, locale: Locale) -> Screen {
    let input = &fixtures::full(name)[case];
    let s = build(name, &ctx(elder, locale), ScreenState::Full, input, None);
    assert_eq!(audit(&s), [], "{name:?} case {case}");
    s
}

fn said(s: &Screen) -> String {
    s.elements.iter().map(|e| format!("{}\n{}", e.text, e.speakable)).collect::<Vec<_>>().join("\n")
}

#[test]
fn elder_tiles_for_progress_and_family_lead_to_real_screens() {
    let input = &fixtures::full(ScreenName::Home)[0];
    let home = build(ScreenName::Home, &ctx(true, Locale::ZhCn), ScreenState::Full, input, None);
    let tile = |id: &str| home.elements.iter().find(|e| e.id == id).and_then(|e| e.intent.clone());
    assert_eq!(tile("tile_progress"), Some(Intent::Open { screen: ScreenName::Applications }));
    // The shells route AskFamily to the delegations screen.
    assert_eq!(tile("tile_family"), Some(Intent::AskFamily));
    let apps = full_screen(ScreenName::Applications, 0, true, Locale::ZhCn);
    assert!(apps.elements.iter().any(|e| matches!(e.intent, Some(Intent::OpenApplication { .. }))));
    let family = full_screen(ScreenName::Delegations, 0, true, Locale::ZhCn);
    assert!(family.elements.iter().any(|e| matches!(e.intent, Some(Intent::GrantDelegation { .. })) && e.primary));
    assert!(family.elements.iter().any(|e| matches!(e.intent, Some(Intent::RevokeDelegation { .. }))));
}

#[test]
fn the_plan_shows_provenance_what_is_spared_and_one_consent_action() {
    let s = full_screen(ScreenName::Plan, 2, false, Locale::ZhCn);
    let text = said(&s);
    // Provenance in plain words; the marriage certificate spares a material and its claims go to one department.
    assert!(text.contains("来自您的实名登记信息") && text.contains("来自您的回答"), "{text}");
    assert!(text.contains("前一件事办好后自动填写"), "{text}");
    assert!(text.contains("父母结婚证：免交，用电子结婚证"), "{text}");
    assert!(text.contains("少填") && text.contains("免交"), "{text}");
    assert!(text.contains("电子结婚证中的") && text.contains("，给杭州市公安局西湖分局"), "{text}");
    let primary: Vec<&Element> = s.elements.iter().filter(|e| e.primary).collect();
    assert_eq!(primary.len(), 1);
    assert_eq!(primary[0].text, "同意并提交");
    assert!(matches!(&primary[0].intent, Some(Intent::SubmitDraft { draft_id }) if draft_id.starts_with("d-")));
    // Identity and bank numbers only by their ends.
    for secret in ["330106199203151222", "330106199007081319", "6222330000000007919"] {
        assert!(!text.contains(secret) && !s.read_out.contains(secret), "{secret} shown");
    }
    // The fields left to fill are inputs named after their keys; SaveField reads them back.
    let empty = full_screen(ScreenName::Plan, 0, false, Locale::ZhCn);
    let field = empty.elements.iter().find(|e| e.id == "child.name").expect("child.name field");
    assert_eq!(field.role, Role::TextField);
    assert!(matches!(&field.intent, Some(Intent::SaveField { key, value: None, .. }) if key == "child.name"));
}

#[test]
fn elder_plan_asks_one_field_at_a_time_then_the_consent() {
    let fields = |s: &Screen| s.elements.iter().filter(|e| e.role == Role::TextField).count();
    let first = full_screen(ScreenName::Plan, 0, true, Locale::ZhCn);
    assert_eq!(fields(&first), 1, "{:#?}", first.elements);
    assert!(!first.elements.iter().any(|e| matches!(e.intent, Some(Intent::SubmitDraft { .. }))));
    let later = full_screen(ScreenName::Plan, 1, true, Locale::ZhCn);
    assert_eq!(fields(&later), 1);
    assert_ne!(
        first.elements.iter().find(|e| e.role == Role::TextField).map(|e| &e.id),
        later.elements.iter().find(|e| e.role == Role::TextField).map(|e| &e.id),
        "the next field once one is saved"
    );
    let done = full_screen(ScreenName::Plan, 2, true, Locale::ZhCn);
    assert_eq!(fields(&done), 0);
    assert!(done.elements.iter().any(|e| e.primary && matches!(e.intent, Some(Intent::SubmitDraft { .. }))));
}

#[test]
fn application_detail_says_status_overdue_and_needs_in_words() {
    for locale in LOCALES {
        let s = full_screen(ScreenName::Applications, 1, false, locale);
        let overdue = s.elements.iter().find(|e| e.id == "m_zj-gaj-hukou-birth_overdue").expect("overdue banner");
        let cue = overdue.cue.as_ref().expect("cue");
        assert_eq!(cue.icon, Icon::Clock);
        assert_eq!(cue.word, if locale == Locale::En { "Overdue" } else { "已超期" });
        assert!(overdue.speakable.contains(&cue.word));
        let needs = s.elements.iter().find(|e| e.id == "m_zj-wjw-vaccination-cert_needs").expect("needs");
        assert!(needs.text.contains("接种单位"), "{}", needs.text);
        // The issued licence: fetch it into the wallet (not held yet).
        assert!(s.elements.iter().any(|e| e.intent == Some(Intent::RefreshWallet)));
        assert!(s.elements.iter().all(|e| !e.text.contains("王磊")), "the delegate's name is masked");
    }
}

#[test]
fn reviews_offer_levels_then_tags_and_show_the_loop() {
    let levels = full_screen(ScreenName::Reviews, 1, true, Locale::ZhCn);
    let choices: Vec<&str> = levels
        .elements
        .iter()
        .filter(|e| matches!(e.intent, Some(Intent::RateMatter { .. })))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(choices, ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]);
    let tags = full_screen(ScreenName::Reviews, 2, false, Locale::ZhCn);
    let toggles: Vec<&Element> = tags.elements.iter().filter(|e| e.role == Role::Toggle).collect();
    assert_eq!(toggles.len(), onego_protocol::api::ReviewLevel::Dissatisfied.tags().len());
    assert_eq!(toggles.iter().filter(|e| e.checked == Some(true)).count(), 1);
    assert!(tags.elements.iter().any(|e| e.primary && matches!(e.intent, Some(Intent::SubmitReview { .. }))));
    let list = full_screen(ScreenName::Reviews, 0, false, Locale::ZhCn);
    let late = list.elements.iter().find(|e| e.id == "review_rv-01_verification").expect("step");
    assert_eq!(late.cue.as_ref().map(|c| c.word.as_str()), Some("已超期"));
    assert!(late.text.contains("2025-02-28"));
    assert!(list.elements.iter().any(|e| e.id == "followup_rv-02"));
    assert!(list.elements.iter().any(|e| matches!(e.intent, Some(Intent::AppealReview { .. }))));
}

#[test]
fn notifications_put_urgent_first_and_assistant_falls_back_to_people() {
    let s = full_screen(ScreenName::Notifications, 0, true, Locale::ZhCn);
    let cues: Vec<&str> = s
        .elements
        .iter()
        .filter(|e| e.id.starts_with("n_") && e.role == Role::ListItem)
        .filter_map(|e| e.cue.as_ref().map(|c| c.word.as_str()))
        .collect();
    let first_plain = cues.iter().position(|w| *w == "消息").unwrap_or(cues.len());
    assert!(first_plain > 0 && cues[first_plain..].iter().all(|w| *w == "消息"), "{cues:?}");
    let fallback = full_screen(ScreenName::Assistant, 2, false, Locale::ZhCn);
    assert!(fallback.elements.iter().any(|e| e.role == Role::HelpCall));
    assert!(fallback.elements.iter().any(|e| e.intent == Some(Intent::AskFamily)));
    let answered = full_screen(ScreenName::Assistant, 1, true, Locale::ZhCn);
    let primary: Vec<&Element> = answered.elements.iter().filter(|e| e.primary).collect();
    assert_eq!(primary.len(), 1);
    assert_eq!(primary[0].intent, Some(Intent::StartBundle { id: "bundle-birth".into() }));
}

#[test]
fn the_new_screens_own_wording_is_english_in_english() {
    // Screens whose content is only the screens' wording: no Chinese in English (the assistant's examples send
    // the Chinese question, but say it in English).
    let rating = Rating {
        application_id: "BJ1".into(),
        subject_name: "Birth certificate".into(),
        level: Some(onego_protocol::api::ReviewLevel::Fair),
        ..Rating::default()
    };
    let cases = [
        (ScreenName::Assistant, Input::default()),
        (ScreenName::Delegations, Input::default()),
        (ScreenName::Reviews, Input { rating: Some(rating), ..Input::default() }),
    ];
    for elder in [true, false] {
        for (name, input) in &cases {
            let s = build(*name, &ctx(elder, Locale::En), ScreenState::Full, input, None);
            assert_eq!(audit(&s), []);
            for e in s.elements.iter().filter(|e| !e.id.starts_with("tag_")) {
                assert!(!e.text.chars().any(is_cjk) && !e.speakable.chars().any(is_cjk), "{name:?}: {}", e.text);
            }
        }
    }
}

#[test]
fn snapshot_new_screens() {
    let cases = [
        (ScreenName::Plan, 1, "plan_birth"),
        (ScreenName::Drafts, 0, "drafts"),
        (ScreenName::Applications, 1, "application_birth"),
        (ScreenName::Delegations, 0, "delegations"),
        (ScreenName::Notifications, 0, "notifications"),
        (ScreenName::Assistant, 1, "assistant_answer"),
        (ScreenName::Reviews, 0, "reviews_loop"),
    ];
    for (name, case, key) in cases {
        insta::assert_json_snapshot!(format!("{key}_elder_zh"), full_screen(name, case, true, Locale::ZhCn));
        insta::assert_json_snapshot!(format!("{key}_standard_en"), full_screen(name, case, false, Locale::En));
    }
    // The whole plan with its consent, standard Chinese.
    insta::assert_json_snapshot!(
        "plan_birth_consent_standard_zh",
        full_screen(ScreenName::Plan, 2, false, Locale::ZhCn)
    );
}

#[test]
fn a_guide_shows_its_satisfaction_figures() {
    let input = Input { guide: Some(fixtures::rated_guide()), ..Input::default() };
    let zh = build(ScreenName::Guide, &ctx(false, Locale::ZhCn), ScreenState::Full, &input, None);
    let line = zh.elements.iter().find(|e| e.id == "satisfaction").expect("the figures are shown");
    assert_eq!(line.text, "好差评：好评率 92%，差评率 4%（25 条评价）");
    let elder = build(ScreenName::Guide, &ctx(true, Locale::ZhCn), ScreenState::Full, &input, None);
    assert!(elder.elements.iter().any(|e| e.id == "satisfaction" && e.text.starts_with("92% 的人说办得好")));
    // No reviews yet: nothing is made up.
    let plain = Input { guide: Some(fixtures::matter_guide("zj-gaj-id-card")), ..Input::default() };
    let none = build(ScreenName::Guide, &ctx(false, Locale::ZhCn), ScreenState::Full, &plain, None);
    assert!(none.elements.iter().all(|e| e.id != "satisfaction"));
}
