//! The façade against the sandbox platform: screens built from the phone's own data (synced catalog, fetched
//! licences, the usage log), in both modes, pass the audit; settings persist; the elder tiles find services.

use std::sync::Arc;

use onego_platform::{PlatformConfig, RunningPlatform};

use crate::screens::{Intent, Role, ScreenName, ScreenOptions, ScreenState, Setting, audit};
use crate::{AccountKind, Config, Locale, MemorySecretStore, Onego, OnegoError, PresentRequest, Purpose};

fn opts(elder: bool) -> ScreenOptions {
    ScreenOptions { elder: Some(elder), ..ScreenOptions::default() }
}

async fn check(app: &Onego, name: ScreenName, o: ScreenOptions) -> crate::screens::Screen {
    let s = app.screen(name, o.clone()).await.unwrap_or_else(|e| panic!("{name:?}: {e}"));
    assert_eq!(audit(&s), [], "{name:?} {o:?}");
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn live_screens_settings_and_elder_tiles() {
    let platform = RunningPlatform::start(PlatformConfig::default()).await.expect("platform");
    let dir = tempfile::tempdir().expect("dir");
    let secrets = Arc::new(MemorySecretStore::default());
    let app = Onego::open(Config::new(dir.path(), platform.url()), secrets.clone()).expect("open");

    // A new phone: nothing synced, nobody signed in. Every screen still builds, and says so.
    for elder in [true, false] {
        for name in ScreenName::ALL {
            let o = ScreenOptions { id: Some("bundle-birth".into()), ..opts(elder) };
            let s = check(&app, name, o).await;
            if matches!(name, ScreenName::Home | ScreenName::Wallet | ScreenName::Guide | ScreenName::Profile) {
                assert_eq!(s.state, ScreenState::Empty, "{name:?}");
            }
        }
    }
    let missing = app.screen(ScreenName::Licence, opts(true)).await;
    assert!(matches!(missing, Err(OnegoError::Validation { ref field, .. }) if field == "id"), "{missing:?}");

    // Settings: defaults, a change that persists across reopening, and a refused value.
    let s = app.settings().await.expect("settings");
    assert!(!s.elder_mode && !s.voice_read_out && s.text_scale_percent == 100 && s.language.is_none());
    let s = app.set_setting(Setting::ElderMode { on: true }).await.expect("elder on");
    assert!(s.elder_mode && s.voice_read_out, "elder mode reads aloud until the user chooses");
    let bad = app.set_setting(Setting::TextScale { percent: 250 }).await;
    assert!(matches!(bad, Err(OnegoError::Validation { .. })), "{bad:?}");
    drop(app);
    let app = Onego::open(Config::new(dir.path(), platform.url()), secrets.clone()).expect("reopen");
    let home = check(&app, ScreenName::Home, ScreenOptions::default()).await;
    assert!(home.elder && home.read_aloud);
    assert_eq!(home.elements.iter().filter(|e| e.role == Role::Tile).count(), 6);

    app.sign_in("13800000001".into(), "123456".into(), AccountKind::Citizen).await.expect("sign in");
    app.sync_catalog().await.expect("sync");
    app.refresh_wallet().await.expect("wallet");

    // The elder tiles' searches find services in both languages.
    for locale in [Locale::ZhCn, Locale::En] {
        let home = check(&app, ScreenName::Home, ScreenOptions { locale: Some(locale), ..opts(true) }).await;
        for e in home.elements.iter().filter(|e| e.role == Role::Tile) {
            if let Some(Intent::Search { query: Some(q) }) = &e.intent {
                let hits = app.search(q.clone(), 5).await.expect("search");
                assert!(!hits.is_empty(), "tile {} finds nothing for {q}", e.id);
            }
        }
    }

    let licences = app.licences().await.expect("licences");
    let card = licences.iter().find(|l| l.vct == onego_protocol::licence::RESIDENT_ID).expect("ID card");
    let request = PresentRequest {
        licence_id: card.id.clone(),
        purpose: Purpose::AgeCheck,
        add: vec![],
        remove: vec![],
        aud: None,
        nonce: None,
    };
    let shown = app.present(request).await.expect("present");
    for elder in [true, false] {
        for locale in [Locale::ZhCn, Locale::En] {
            let base = ScreenOptions { locale: Some(locale), ..opts(elder) };
            for name in ScreenName::ALL {
                let o = match name {
                    ScreenName::Search | ScreenName::Assistant => {
                        ScreenOptions { query: Some("退休".into()), ..base.clone() }
                    }
                    ScreenName::Guide | ScreenName::Plan => {
                        ScreenOptions { id: Some("bundle-birth".into()), ..base.clone() }
                    }
                    ScreenName::BundleWizard => {
                        ScreenOptions { id: Some("bundle-birth".into()), step: 2, ..base.clone() }
                    }
                    ScreenName::Licence | ScreenName::Present => {
                        ScreenOptions { id: Some(card.id.clone()), ..base.clone() }
                    }
                    ScreenName::Verifier => ScreenOptions { scanned: Some(shown.qr_text.clone()), ..base.clone() },
                    _ => base.clone(),
                };
                let s = check(&app, name, o).await;
                assert_eq!(s.locale, locale);
                // These depend on what this account has done (nothing yet here): either state is right.
                if !matches!(
                    name,
                    ScreenName::Drafts
                        | ScreenName::Applications
                        | ScreenName::Reviews
                        | ScreenName::Delegations
                        | ScreenName::Notifications
                ) {
                    assert_eq!(s.state, ScreenState::Full, "{name:?} elder={elder}");
                }
            }
        }
    }
    let verdict =
        check(&app, ScreenName::Verifier, ScreenOptions { scanned: Some(shown.qr_text), ..opts(false) }).await;
    assert!(verdict.elements.iter().any(|e| e.cue.as_ref().is_some_and(|c| c.word == "核验通过")), "{verdict:#?}");
    let matter =
        check(&app, ScreenName::Guide, ScreenOptions { id: Some("zj-rsj-pension-apply".into()), ..opts(true) }).await;
    assert_eq!(matter.state, ScreenState::Full);

    // Offline: the saved data under a banner; a forced error words itself in the screen's language.
    platform.shutdown().await;
    let s = check(&app, ScreenName::Wallet, ScreenOptions { state: Some(ScreenState::Offline), ..opts(true) }).await;
    assert!(s.elements.iter().any(|e| e.id == "offline") && s.elements.iter().any(|e| e.role == Role::ListItem));
    let s = check(
        &app,
        ScreenName::Home,
        ScreenOptions { state: Some(ScreenState::Error), locale: Some(Locale::En), ..opts(true) },
    )
    .await;
    assert!(s.elements.iter().any(|e| e.id == "error" && e.text.is_ascii()));
}

/// 出生一件事 for 陈静 (13800000001) through the screens' own calls: the wizard's answers as the shells send
/// them, the plan and its consent, the submission from the plan screen's fields, then the applications list and
/// detail from the real platform's answer — every one in both modes passing the audit.
#[tokio::test(flavor = "multi_thread")]
async fn live_birth_submission_then_applications() {
    let platform = RunningPlatform::start(PlatformConfig::default()).await.expect("platform");
    let dir = tempfile::tempdir().expect("dir");
    let app =
        Onego::open(Config::new(dir.path(), platform.url()), Arc::new(MemorySecretStore::default())).expect("open");
    app.sign_in("13800000001".into(), "123456".into(), AccountKind::Citizen).await.expect("sign in");
    app.sync_catalog().await.expect("sync");
    app.refresh_wallet().await.expect("wallet");

    let answers = [
        ("born", "true"),
        ("hukou_with", "随母亲"),
        ("mother_insured", "false"),
        ("need_ssc", "true"),
        ("birth_registered", "true"),
    ];
    let mut draft = None;
    for (q, v) in answers {
        draft = Some(app.answer_question("bundle-birth".into(), q.into(), v.into()).await.expect("answer"));
    }
    let draft = draft.expect("draft");
    let plan_of = |elder: bool| ScreenOptions { id: Some("bundle-birth".into()), ..opts(elder) };
    // Elder mode: one field at a time, no consent yet.
    let s = check(&app, ScreenName::Plan, plan_of(true)).await;
    assert_eq!(s.state, ScreenState::Full);
    assert_eq!(s.elements.iter().filter(|e| e.role == Role::TextField).count(), 1, "{:#?}", s.elements);
    let s = check(&app, ScreenName::Plan, plan_of(false)).await;
    for key in ["child.name", "vaccination.clinic", "insured.category", "ssc.bank", "bank.account"] {
        assert!(s.elements.iter().any(|e| e.id == key && e.role == Role::TextField), "{key} to fill");
    }
    let submit = s.elements.iter().find(|e| e.primary).expect("primary");
    assert_eq!(submit.intent, Some(Intent::SubmitDraft { draft_id: draft.id.clone() }));

    let typed: std::collections::HashMap<String, String> = [
        ("child.name", "王小满"),
        ("vaccination.clinic", "西湖区北山街道社区卫生服务中心"),
        ("insured.category", "新生儿"),
        ("ssc.bank", "杭州银行"),
        ("bank.account", "6222330000000007919"),
        ("question", "not a form field"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    app.submit_from_screen(draft.id.clone(), typed).await.expect("submit");
    let drafts = check(&app, ScreenName::Drafts, opts(false)).await;
    assert_eq!(drafts.state, ScreenState::Full);
    let report = app.deliver_outbox().await.expect("deliver");
    assert_eq!(report.delivered + report.replayed, 1, "{report:?}");
    app.sync_applications().await.expect("progress");

    let applications = app.applications().await.expect("applications");
    let birth = applications.iter().find(|a| a.service_id == "bundle-birth").expect("birth application");
    for elder in [true, false] {
        for locale in [Locale::ZhCn, Locale::En] {
            let base = ScreenOptions { locale: Some(locale), ..opts(elder) };
            let list = check(&app, ScreenName::Applications, base.clone()).await;
            assert_eq!(list.state, ScreenState::Full);
            assert!(list.elements.iter().any(|e| e.intent == Some(Intent::OpenApplication { id: birth.id.clone() })));
            let detail =
                check(&app, ScreenName::Applications, ScreenOptions { id: Some(birth.id.clone()), ..base.clone() })
                    .await;
            for m in &birth.matters {
                assert!(detail.elements.iter().any(|e| e.id == format!("m_{}_status", m.matter_id)), "{}", m.name);
            }
            for name in [ScreenName::Notifications, ScreenName::Reviews, ScreenName::Drafts, ScreenName::Delegations] {
                check(&app, name, base.clone()).await;
            }
        }
    }
    // The plan screen of the submitted draft says where it went.
    let s = check(&app, ScreenName::Plan, ScreenOptions { id: Some(draft.id.clone()), ..opts(true) }).await;
    assert!(s.elements.iter().any(|e| e.primary && matches!(e.intent, Some(Intent::OpenApplication { .. }))));
    platform.shutdown().await;
}
