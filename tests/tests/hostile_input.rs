//! Hostile answers and field values through the core: oversized text, wrong types, SQL and markup, control
//! characters, hundreds of unknown keys. Each is refused as a typed validation error naming the field (or
//! listed in the draft's `errors`), nothing reaches the platform, the local database still opens, and the same
//! draft, corrected, is submitted and delivered once.
//!
//! Names must look like names (the catalog's pattern); SQL and markup in a free-text field (a clinic's name) are
//! data, not errors: they are kept verbatim and are
//! harmless because every query is parameterised and shells render text as text.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::apply::{BIRTH_FIELDS, answer_value, birth_draft, platform_applications};
use common::*;
use onego_core::{AccountKind, AnswerValue, DraftState, OnegoError};

const SQL: &str = "'; DROP TABLE application;--";
const SCRIPT: &str = "<script>alert(1)</script>";

fn validation_field<T: std::fmt::Debug>(r: Result<T, OnegoError>) -> String {
    match r {
        Err(OnegoError::Validation { field, message }) => {
            assert!(!message.is_empty());
            field
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_is_refused_by_field_and_nothing_is_stored_wrongly() {
    let platform = platform().await;
    let url = platform.url();
    let p = signed_in(&url, CITIZEN).await;
    p.app.sync_catalog().await.expect("catalog");
    p.app.refresh_wallet().await.expect("wallet");
    let d = birth_draft(&p.app).await;
    let id = d.id.clone();
    let huge = "满".repeat(10_000);

    // Answers: wrong type, not an option, oversized, unknown question.
    let bad_answers = [
        ("born", AnswerValue::Text("true".into()), "answers.born"),
        ("born", AnswerValue::Number(1.0), "answers.born"),
        ("hukou_with", AnswerValue::Text(SQL.into()), "answers.hukou_with"),
        ("hukou_with", AnswerValue::Text(huge.clone()), "answers.hukou_with"),
        ("hukou_with", AnswerValue::Bool(true), "answers.hukou_with"),
        ("need_ssc", AnswerValue::Text(SCRIPT.into()), "answers.need_ssc"),
    ];
    for (q, v, field) in bad_answers {
        assert_eq!(validation_field(p.app.answer(id.clone(), q.into(), v).await), field);
    }
    let unknown = validation_field(p.app.answer(id.clone(), SQL.into(), AnswerValue::Bool(true)).await);
    assert!(unknown.starts_with("answers."), "{unknown}");
    let d = p.app.draft(id.clone()).await.expect("draft");
    assert_eq!(d.answers.get("born"), Some(&AnswerValue::Bool(true)), "the refused answers changed nothing");
    assert_eq!(d.answers.get("hukou_with"), Some(&answer_value("随母亲")));

    // 500 unknown field keys, some of them hostile: each refused by name, none kept.
    for i in 0..500 {
        let key = match i % 4 {
            0 => format!("unknown.{i}"),
            1 => format!("{SQL}{i}"),
            2 => format!("{SCRIPT}{i}"),
            _ => format!("k\u{0}\u{1b}[2J{i}"),
        };
        let field = validation_field(p.app.set_field(id.clone(), key.clone(), "x".into()).await);
        assert_eq!(field, format!("fields.{key}"));
    }
    let d = p.app.draft(id.clone()).await.expect("draft");
    assert!(d.values.keys().all(|k| !k.contains("unknown.") && !k.contains("DROP")), "no unknown key kept");

    // A name must look like a name: SQL or markup in the child's name (printed on a certificate) is refused.
    for v in [SQL, SCRIPT] {
        let named = p.app.set_field(id.clone(), "child.name".into(), v.into()).await.expect("saved, then checked");
        assert!(named.errors.iter().any(|e| e.field == "fields.child.name"), "{v}: {:?}", named.errors);
    }

    // Field values that break the form's rules: listed in the draft's errors, on their field.
    let bad_values = [
        ("child.name", huge.clone()),
        ("birth.hospital", "浙大妇院\u{0}\u{7}\u{1b}[31m".to_owned()),
        ("ssc.bank", SQL.to_owned()),
        ("insured.category", SCRIPT.to_owned()),
        ("bank.account", SCRIPT.to_owned()),
        ("child.birth_date", SQL.to_owned()),
    ];
    let mut d = d;
    for (k, v) in &bad_values {
        d = p.app.set_field(id.clone(), (*k).into(), v.clone()).await.expect("a value is saved, then checked");
    }
    for (k, _) in &bad_values {
        assert!(d.errors.iter().any(|e| e.field == format!("fields.{k}")), "{k} is listed: {:?}", d.errors);
    }
    // Free text: markup and SQL are kept verbatim as data.
    let d = p.app.set_field(id.clone(), "vaccination.clinic".into(), format!("{SCRIPT}{SQL}")).await.expect("text");
    assert_eq!(d.values["vaccination.clinic"], format!("{SCRIPT}{SQL}"));
    assert!(!d.errors.iter().any(|e| e.field == "fields.vaccination.clinic"), "{:?}", d.errors);

    // Submitting is refused with a field named; nothing is queued, nothing reaches the platform.
    let first = validation_field(p.app.submit(id.clone(), true).await);
    assert!(first.starts_with("fields."), "{first}");
    assert_eq!(p.app.draft(id.clone()).await.expect("draft").state, DraftState::Editing);
    assert!(p.app.outbox().await.expect("outbox").is_empty());
    let report = p.app.deliver_outbox().await.expect("deliver");
    assert_eq!((report.delivered, report.retry_later), (0, 0));
    assert!(platform_applications(&url, CITIZEN).await.is_empty());

    // Hostile ids never reach a query.
    assert_eq!(validation_field(p.app.start_draft(SQL.into(), None).await), "service_id");
    assert_eq!(validation_field(p.app.start_draft("bundle-birth".into(), Some(SCRIPT.into())).await), "delegation_id");
    assert_eq!(validation_field(p.app.revoke_delegation(SQL.into()).await), "id");

    // The app restarts: the database opens, the draft is as it was left, and once corrected it goes through.
    let Phone { app, dir, secrets } = p;
    drop(app);
    let app = reopen(dir.path(), &secrets, &url);
    assert!(app.signed_in().expect("session").is_some_and(|s| s.kind == AccountKind::Citizen));
    let d = app.draft(id.clone()).await.expect("draft after restart");
    assert_eq!(d.values["child.name"].chars().count(), 10_000);
    assert_eq!(d.values["vaccination.clinic"], format!("{SCRIPT}{SQL}"));
    let mut d = d;
    for (k, _) in &bad_values {
        // Back to the pre-filled value, or the journey's own.
        let v = BIRTH_FIELDS.iter().find(|(f, _)| f == k).map_or(String::new(), |(_, v)| (*v).to_owned());
        d = app.set_field(id.clone(), (*k).into(), v).await.expect("fix");
    }
    let d = app
        .set_field(d.id.clone(), "vaccination.clinic".into(), "西湖区北山街道社区卫生服务中心".into())
        .await
        .expect("f");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    app.submit(id.clone(), true).await.expect("queued");
    assert_eq!(app.deliver_outbox().await.expect("deliver").delivered, 1);
    let on_platform = platform_applications(&url, CITIZEN).await;
    assert_eq!(on_platform.len(), 1);
    assert_eq!(app.draft(id).await.expect("draft").application_id.as_deref(), on_platform[0]["id"].as_str());
    assert_eq!(app.drafts().await.expect("drafts").len(), 1, "no stray drafts");
}
