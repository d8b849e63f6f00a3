//! The demo's application journeys: 出生一件事 for 陈静's family — one form, consent, a submission made offline and
//! queued, delivered once when the network returns, 秒批, licences in the wallet — and the business owner's
//! 企业开办一件事 followed by 食品经营许可 with the new 营业执照 as its material.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use onego_core::apply::{CoreEvent, Draft, Observer};
use onego_core::{AccountKind, AnswerValue, Config, MemorySecretStore, Onego, Truth};
use onego_platform::RunningPlatform;
use onego_protocol::api::{Decision, MatterStatus, StaffDecision};

use crate::demo::{Transcript, e2s};
use crate::relay::Relay;

const OWNER: &str = "13800000005";
const CODE: &str = "123456";

fn show_draft(d: &Draft) {
    let applies: Vec<&str> =
        d.plan.matters.iter().filter(|m| m.applies == Truth::True).map(|m| m.name.as_str()).collect();
    println!("   一次办 {} 个事项 / {} matter(s) in one go: {}", applies.len(), applies.len(), applies.join("、"));
    println!("   {}  ({})", d.plan.summary, d.plan.summary_en);
    let filled: Vec<&str> = d
        .plan
        .fields
        .iter()
        .filter(|f| f.value.is_some() || matches!(f.provenance, onego_core::Provenance::Application { .. }))
        .map(|f| f.label.as_str())
        .collect();
    println!("   免填 / filled for you: {}", filled.join("、"));
    let asked: Vec<&str> = d
        .plan
        .fields
        .iter()
        .filter(|f| f.value.is_none() && f.required && f.provenance == onego_core::Provenance::Applicant)
        .map(|f| f.label.as_str())
        .collect();
    if !asked.is_empty() {
        println!("   由您填写 / you fill: {}", asked.join("、"));
    }
}

async fn fill(
    app: &Onego,
    service: &str,
    answers: &[(&str, AnswerValue)],
    fields: &[(&str, &str)],
    files: &[(&str, &str)],
) -> Result<Draft, String> {
    let mut d = app.start_draft(service.to_owned(), None).await.map_err(e2s)?;
    for (q, v) in answers {
        d = app.answer(d.id.clone(), (*q).to_owned(), v.clone()).await.map_err(e2s)?;
    }
    for (k, v) in fields {
        d = app.set_field(d.id.clone(), (*k).to_owned(), (*v).to_owned()).await.map_err(e2s)?;
    }
    for (material, name) in files {
        // A stand-in for the photo the phone's camera would take.
        let content = format!("{name}（演示扫描件 / demo scan）").into_bytes();
        d = app.attach_file(d.id.clone(), (*material).to_owned(), (*name).to_owned(), content).await.map_err(e2s)?;
    }
    Ok(d)
}

fn print_consent(c: &onego_core::apply::Consent) {
    println!("   {}", c.summary);
    for l in &c.licences {
        println!("   · 电子{}：{} → {}", l.licence_name, l.claims.join("、"), l.departments.join("、"));
    }
    for s in &c.shared_data {
        println!("   · {s}");
    }
    for s in &c.commitments {
        println!("   · 告知承诺 / by commitment: {s}");
    }
    for s in &c.uploads {
        println!("   · 上传 / upload: {s}");
    }
}

fn print_progress(app: &onego_protocol::api::Application) {
    println!("   办件 {}「{}」", app.id, app.service_name);
    for m in &app.matters {
        let by = match m.history.last().map(|h| h.actor) {
            Some(onego_protocol::api::Actor::Rules) if m.status == MatterStatus::Approved => "（秒批）",
            _ => "",
        };
        let issued: Vec<&str> = m.licences.iter().map(|l| l.name.as_str()).collect();
        let issued = if issued.is_empty() { String::new() } else { format!(" → {}", issued.join("、")) };
        println!("   · {}：{}{by}{issued}", m.name, m.status.label_zh());
    }
}

/// Hears the core's events on a channel the demo awaits.
struct Channel(Mutex<Option<tokio::sync::mpsc::UnboundedSender<CoreEvent>>>);

impl Observer for Channel {
    fn on_event(&self, event: CoreEvent) {
        if let Ok(guard) = self.0.lock()
            && let Some(tx) = guard.as_ref()
        {
            let _ = tx.send(event);
        }
    }
}

pub(crate) async fn birth_steps(t: &mut Transcript, app: &Onego, platform: &RunningPlatform, relay: &Relay) {
    let draft = t
        .step("出生一件事：一张表，自动填好 / 出生一件事: one form, filled in for the family", async {
            let account = app.profile().await.map_err(e2s)?;
            if let Some(n) = &account.newborn {
                println!(
                    "   妇幼系统：{} 在{}出生（{}）/ the hospital reported the birth",
                    n.birth_date, n.hospital, n.gender
                );
            }
            let d = fill(
                app,
                "bundle-birth",
                &[
                    ("born", AnswerValue::Bool(true)),
                    ("hukou_with", AnswerValue::Text("随母亲".into())),
                    ("mother_insured", AnswerValue::Bool(false)),
                    ("need_ssc", AnswerValue::Bool(true)),
                    ("birth_registered", AnswerValue::Bool(true)),
                ],
                &[
                    ("child.name", "王小满"),
                    ("vaccination.clinic", "西湖区北山街道社区卫生服务中心"),
                    ("insured.category", "新生儿"),
                    ("ssc.bank", "杭州银行"),
                    ("bank.account", "6222330000000007919"),
                ],
                &[],
            )
            .await?;
            show_draft(&d);
            if d.errors.is_empty() {
                println!("   ✓ 表单完整，草稿已加密保存 / complete; the draft is saved, sealed");
                Ok(d)
            } else {
                Err(format!("still to fix: {:?}", d.errors.iter().map(|e| &e.field).collect::<Vec<_>>()))
            }
        })
        .await;
    let Some(draft) = draft else { return };
    t.step("提交前确认：哪些信息给哪个部门 / consent: which claims go to which department", async {
        let c = app.consent(draft.id.clone()).await.map_err(e2s)?;
        print_consent(&c);
        if c.licences.is_empty() { Err("no licence attached".into()) } else { Ok(()) }
    })
    .await;
    let queued = t
        .step("断网提交：存入待发送队列 / offline: the submission waits in the outbox", async {
            relay.set_online(false).await.map_err(|e| e.to_string())?;
            println!("   📵 手机断网 / the phone loses its connection");
            let q = app.submit(draft.id.clone(), true).await.map_err(e2s)?;
            let r = app.deliver_outbox().await.map_err(e2s)?;
            let pending = app.outbox().await.map_err(e2s)?;
            let item = pending.iter().find(|i| i.idempotency_key == q.idempotency_key).ok_or("not in the outbox")?;
            println!(
                "   已排队 / queued: attempts {}, last error: {}",
                item.attempts,
                item.last_error.as_deref().unwrap_or("-")
            );
            if r.delivered == 0 && r.retry_later >= 1 { Ok(q) } else { Err(format!("unexpected delivery: {r:?}")) }
        })
        .await;
    let Some(queued) = queued else { return };
    let delivered_at = t
        .step("恢复网络：自动送达，只送一次 / back online: delivered exactly once", async {
            relay.set_online(true).await.map_err(|e| e.to_string())?;
            println!("   📶 网络恢复 / connection back");
            let r = app.network_changed(true).await.map_err(e2s)?;
            let at = Instant::now();
            let again = app.deliver_outbox().await.map_err(e2s)?;
            let d = app.draft(draft.id.clone()).await.map_err(e2s)?;
            println!(
                "   送达 delivered {} (key {}) → 办件号 {}；再次发送 / a second run sends {}",
                r.delivered,
                queued.idempotency_key,
                d.application_id.as_deref().unwrap_or("?"),
                again.delivered + again.replayed
            );
            if r.delivered == 1 && again.delivered + again.replayed == 0 { Ok(at) } else { Err(format!("{r:?}")) }
        })
        .await;
    let Some(delivered_at) = delivered_at else { return };
    t.step(
        "秒批：出生医学证明、落户、医保当场办结，证照进卡包 / approved at once; licences in the wallet",
        async {
            let report = app.sync_applications().await.map_err(e2s)?;
            let apps = app.applications().await.map_err(e2s)?;
            let a = apps.iter().find(|a| a.service_id == "bundle-birth").ok_or("no application")?;
            print_progress(a);
            let held = app.licences().await.map_err(e2s)?;
            let birth = held.iter().any(|l| l.vct == onego_protocol::licence::BIRTH_MEDICAL);
            println!(
                "   卡包新增 {} 张（用时 {:.0} ms，从送达到入卡包）/ {} new licences, {:.0} ms from delivery",
                report.licences_received,
                delivered_at.elapsed().as_secs_f64() * 1000.0,
                report.licences_received,
                delivered_at.elapsed().as_secs_f64() * 1000.0
            );
            let instant = a.matters.iter().filter(|m| m.status == MatterStatus::Approved).count();
            if birth && instant >= 3 { Ok(()) } else { Err("the 秒批 results are missing".into()) }
        },
    )
    .await;
    t.step(
        "人社局审核新生儿社保卡：结果自动推送进卡包 / staff approves the card; it reaches the wallet by itself",
        async {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let handle = app.watch(Arc::new(Channel(Mutex::new(Some(tx))))).map_err(e2s)?;
            let apps = app.applications().await.map_err(e2s)?;
            let a = apps.iter().find(|a| a.service_id == "bundle-birth").ok_or("no application")?;
            // Let the stream open before the decision, as a phone that has been listening.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let decided = Instant::now();
            let decision = StaffDecision {
                decision: Decision::Approve,
                note: "材料齐全，准予办理，社保卡将寄送到家".into(),
                needs: vec![],
            };
            platform
                .staff()
                .decide(a.id.clone(), "zj-rsj-ssc-newborn".into(), decision)
                .await
                .map_err(|e| e.to_string())?;
            println!("   人社局（staff）: 准予办理 / approved");
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            let mut got = None;
            while got.is_none() {
                match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Ok(Some(CoreEvent::LicenceReceived { name, .. })) => got = Some(name),
                    Ok(Some(CoreEvent::ApplicationChanged { status, note, .. })) => {
                        println!("   ⟳ {}：{note}", status.label_zh());
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            handle.cancel();
            match got {
                Some(name) => {
                    println!(
                        "   ＋ {name} 已进卡包，距批准 {:.0} ms / in the wallet",
                        decided.elapsed().as_secs_f64() * 1000.0
                    );
                    Ok(())
                }
                None => Err("no licence arrived within 10 s".into()),
            }
        },
    )
    .await;
}

/// Submits with consent, delivers, and returns the application as the platform holds it; a refusal is shown
/// on the fields concerned.
async fn submit_and_follow(phone: &Onego, d: &Draft) -> Result<onego_protocol::api::Application, String> {
    phone.submit(d.id.clone(), true).await.map_err(e2s)?;
    phone.deliver_outbox().await.map_err(e2s)?;
    let d = phone.draft(d.id.clone()).await.map_err(e2s)?;
    let Some(id) = d.application_id else {
        let errors: Vec<String> = d.errors.iter().map(|e| format!("{}: {}", e.field, e.detail)).collect();
        return Err(format!("not delivered ({:?}): {}", d.state, errors.join("; ")));
    };
    phone.sync_applications().await.map_err(e2s)?;
    phone.application(id).await.map_err(e2s)
}

pub(crate) async fn business_steps(t: &mut Transcript, platform: &RunningPlatform, relay: &Relay) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let _ = platform;
    let phone = t
        .step(
            "赵雨桐开餐馆：企业开办一件事 / a citizen opens a restaurant company (企业开办一件事)",
            async {
                let config = Config::new(dir.path(), relay.url());
                let phone = Onego::open(config, Arc::new(MemorySecretStore::default())).map_err(e2s)?;
                phone.sign_in(OWNER.into(), CODE.into(), AccountKind::Citizen).await.map_err(e2s)?;
                phone.sync_catalog().await.map_err(e2s)?;
                phone.refresh_wallet().await.map_err(e2s)?;
                let d = fill(
                    &phone,
                    "bundle-business",
                    &[
                        ("sells_food", AnswerValue::Bool(false)),
                        ("need_invoice", AnswerValue::Bool(false)),
                        ("open_gjj", AnswerValue::Bool(false)),
                        ("bank_booking", AnswerValue::Bool(false)),
                    ],
                    &[
                        ("company.name", "杭州雨桐小馆餐饮有限公司"),
                        ("company.type", "有限责任公司（自然人独资）"),
                        ("company.address", "杭州市上城区清泰街 218 号 1 楼"),
                        ("company.registered_capital", "50"),
                        ("company.business_scope", "餐饮服务；食品销售"),
                        ("seal.types", "公章、财务专用章、发票专用章"),
                        ("seal.maker", "杭州市上城区印章刻制中心"),
                        ("tax.accountant", "赵雨桐"),
                        ("tax.accounting_system", "小企业会计准则"),
                        ("bank.account", "6222330000000451383"),
                        ("bank.name", "中国工商银行杭州分行"),
                    ],
                    &[("zj-scjgj-business-licence/articles", "公司章程.pdf")],
                )
                .await?;
                show_draft(&d);
                if !d.errors.is_empty() {
                    return Err(format!("still to fix: {:?}", d.errors));
                }
                let a = submit_and_follow(&phone, &d).await?;
                print_progress(&a);
                let licence = a
                    .matters
                    .iter()
                    .find(|m| m.matter_id == "zj-scjgj-business-licence")
                    .filter(|m| m.status == MatterStatus::Approved)
                    .ok_or("the business licence was not approved")?;
                let code = licence.outputs.iter().find(|o| o.key == "company.credit_code").map(|o| o.value.clone());
                println!("   统一社会信用代码 / credit code: {}", code.unwrap_or_default());
                Ok(phone)
            },
        )
        .await;
    let Some(phone) = phone else { return };
    t.step(
        "先照后证：以企业身份申请食品经营许可，营业执照免交 / then the food permit, the new licence as its material",
        async {
            phone.sign_out().await.map_err(e2s)?;
            phone.sign_in(OWNER.into(), CODE.into(), AccountKind::Enterprise).await.map_err(e2s)?;
            phone.refresh_wallet().await.map_err(e2s)?;
            let held = phone.licences().await.map_err(e2s)?;
            let names: Vec<&str> = held.iter().map(|l| l.name.as_str()).collect();
            println!("   企业卡包 / the company's wallet: {}", names.join("、"));
            let d = fill(
                &phone,
                "zj-scjgj-food-business-permit",
                &[],
                &[
                    ("food.main_type", "餐饮服务经营者"),
                    ("food.items", "热食类食品制售；冷食类食品制售"),
                    ("food.safety_officer", "赵雨桐"),
                ],
                &[("zj-scjgj-food-business-permit/layout", "平面布局图.pdf")],
            )
            .await?;
            show_draft(&d);
            let c = phone.consent(d.id.clone()).await.map_err(e2s)?;
            print_consent(&c);
            let a = submit_and_follow(&phone, &d).await?;
            print_progress(&a);
            let permit = phone
                .licences()
                .await
                .map_err(e2s)?
                .into_iter()
                .find(|l| l.vct == onego_protocol::licence::FOOD_BUSINESS)
                .ok_or("no food permit in the wallet")?;
            println!("   ＋ {}（{}）已进企业卡包 / in the company's wallet", permit.name, permit.issuer_name);
            Ok(())
        },
    )
    .await;
}

fn print_loop(r: &onego_protocol::api::Review) {
    println!("   评价 {}「{}」：{}", r.id, r.subject_name, r.level.label_zh());
    if let Some(lp) = &r.closed_loop {
        println!("   整改闭环（{}规则）/ the loop under the {} rule:", lp.jurisdiction, lp.jurisdiction);
        for s in &lp.steps {
            let state = match (s.done_at, s.overdue) {
                (Some(_), _) => "✓ 已完成",
                (None, true) => "⚠ 已超期",
                (None, false) => "… 待办",
            };
            let due = if s.deadline.is_empty() { "反馈后开始".to_owned() } else { format!("{} 前", s.deadline) };
            let note = if s.note.is_empty() { String::new() } else { format!("：{}", s.note) };
            println!("   · {}（{due}）{state}{note}", s.kind.label_zh());
        }
    }
}

/// 好差评: the citizen rates a finished matter 不满意 (queued through the outbox), the department steps the loop
/// forward, the citizen watches the steps and files the one follow-up review; the guide shows the figures.
pub(crate) async fn review_steps(t: &mut Transcript, app: &Onego, platform: &RunningPlatform) {
    use onego_protocol::api::{LoopStepKind, ReviewLevel};
    let review_id = t
        .step("好差评：给「出生登记」打「不满意」/ rate a finished matter 不满意", async {
            let apps = app.applications().await.map_err(e2s)?;
            let a = apps.iter().find(|a| a.service_id == "bundle-birth").ok_or("no application")?;
            let tags = app.review_options(ReviewLevel::Dissatisfied);
            println!("   可选标签 / tags for 不满意: {}", tags.join("、"));
            let q = app
                .review(
                    a.id.clone(),
                    Some("zj-gaj-hukou-birth".into()),
                    ReviewLevel::Dissatisfied,
                    vec!["指引不清".into()],
                    "落户随父随母的说明不清楚，问了两次客服".into(),
                )
                .await
                .map_err(e2s)?;
            app.deliver_outbox().await.map_err(e2s)?;
            let entries = app.sync_reviews().await.map_err(e2s)?;
            let r = entries
                .iter()
                .find(|e| e.review.subject_name == q.subject_name && !e.review.id.starts_with("queued-"))
                .ok_or("the review did not reach the platform")?;
            print_loop(&r.review);
            if r.review.closed_loop.is_some() { Ok(r.review.id.clone()) } else { Err("no loop opened".into()) }
        })
        .await;
    let Some(review_id) = review_id else { return };
    t.step("部门回访、核实、整改、反馈 / the department calls back, checks, fixes and reports", async {
        let staff = platform.staff();
        for (step, note) in [
            (LoopStepKind::Callback, "已电话回访，了解到随父随母落户的说明不够清楚"),
            (LoopStepKind::Verification, "核实属实：引导问题缺少说明"),
            (LoopStepKind::Rectification, "已在引导问题下补充落户规则说明和示例"),
            (LoopStepKind::Feedback, "说明已更新，感谢您的意见"),
        ] {
            staff.review_step(review_id.clone(), step, note.into()).await.map_err(|e| e.to_string())?;
        }
        let entries = app.sync_reviews().await.map_err(e2s)?;
        let r = entries.iter().find(|e| e.review.id == review_id).ok_or("review missing")?;
        print_loop(&r.review);
        let invited = app.notifications().await.map_err(e2s)?;
        for n in invited.iter().take(4) {
            println!("   🔔 {}{}", if n.urgent { "【要您处理】" } else { "" }, n.title);
        }
        Ok(())
    })
    .await;
    t.step(
        "追评一次，闭环结束；指南上显示满意度 / one follow-up review; the guide shows the figures",
        async {
            let r =
                app.follow_up(review_id.clone(), ReviewLevel::Satisfied, "说明清楚多了".into()).await.map_err(e2s)?;
            print_loop(&r);
            if app.follow_up(review_id.clone(), ReviewLevel::VerySatisfied, String::new()).await.is_ok() {
                return Err("a second follow-up was accepted".into());
            }
            println!("   再次追评被拒绝：只能追评一次 / a second follow-up is refused");
            app.sync_satisfaction().await.map_err(e2s)?;
            let s = app.satisfaction("zj-gaj-hukou-birth".into()).await.map_err(e2s)?.ok_or("no figures")?;
            println!(
                "   「出生登记」好评率 {:.0}%，差评率 {:.0}%（{} 条评价）",
                s.good_rate * 100.0,
                s.bad_rate * 100.0,
                s.reviews
            );
            Ok(())
        },
    )
    .await;
}

/// 智能客服: questions in everyday words, answered offline from the catalog, the wallet and the applications.
pub(crate) async fn assistant_steps(t: &mut Transcript, app: &Onego) {
    t.step("智能客服（离线）：用大白话提问 / the assistant, offline, in everyday words", async {
        for q in ["生孩子要带什么材料", "公积金怎么取", "我的结婚证在哪", "办到哪一步了"] {
            let a = app.ask(q.to_owned()).await.map_err(e2s)?;
            let text: String = a.text.chars().take(90).collect();
            let more = if a.text.chars().count() > 90 { "…" } else { "" };
            println!("   问：{q}");
            println!("   答：{text}{more}");
            println!("      → {}", a.action_label);
            if a.fallback {
                return Err(format!("the assistant did not know: {q}"));
            }
        }
        Ok(())
    })
    .await;
}
