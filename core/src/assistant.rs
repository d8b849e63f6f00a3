//! The help assistant (智能客服), offline: a question in everyday Chinese is answered from the cached catalog,
//! the wallet and the citizen's applications — the guide passage, the licence or the progress — with one action
//! to take next. When it does not know, it says so and offers the 12345 hotline and a human.
//!
//! It is deliberately small and predictable: the question's intent comes from cue words, its subject from the
//! catalog search (which already understands everyday words through the synonym table) or from licence names.

use onego_protocol::api::{Application, MatterStatus};
use onego_protocol::licence;
use rusqlite::Connection;

use crate::Onego;
use crate::catalog::{self, Guide};
use crate::error::CoreResult;
use crate::screens::Intent;
use crate::wallet::{LicenceState, LicenceSummary};

use crate::screens::page::HOTLINE;

/// What a question asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AskIntent {
    /// 要带什么材料.
    Materials,
    /// 怎么办, 流程.
    Procedure,
    /// 多少钱.
    Fee,
    /// 多久.
    TimeLimit,
    /// 在哪办.
    Place,
    /// 电话.
    Phone,
    /// 我的结婚证在哪.
    Licence,
    /// 办到哪一步了.
    Progress,
    /// Not understood.
    Unknown,
}

/// The assistant's answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct AssistantAnswer {
    pub intent: AskIntent,
    /// The answer in plain words.
    pub text: String,
    /// The catalog entry, licence (local id) or application it is about.
    pub subject_id: Option<String>,
    pub subject_name: Option<String>,
    /// The one thing to do next.
    pub action_label: String,
    pub action: Intent,
    /// Set when the assistant did not know: the hotline and a human channel are offered.
    pub fallback: bool,
}

/// Everyday names of licence types, longest first where one contains another.
const LICENCE_WORDS: &[(&str, &str)] = &[
    ("出生医学证明", licence::BIRTH_MEDICAL),
    ("出生证明", licence::BIRTH_MEDICAL),
    ("出生证", licence::BIRTH_MEDICAL),
    ("食品经营许可证", licence::FOOD_BUSINESS),
    ("食品经营许可", licence::FOOD_BUSINESS),
    ("营业执照", licence::BUSINESS),
    ("执照", licence::BUSINESS),
    ("结婚证", licence::MARRIAGE),
    ("户口簿", licence::HOUSEHOLD_REGISTER),
    ("户口本", licence::HOUSEHOLD_REGISTER),
    ("社会保障卡", licence::SOCIAL_SECURITY_CARD),
    ("社保卡", licence::SOCIAL_SECURITY_CARD),
    ("驾驶证", licence::DRIVING),
    ("驾照", licence::DRIVING),
    ("身份证", licence::RESIDENT_ID),
];

const PROGRESS_CUES: &[&str] = &[
    "办到哪",
    "到哪一步",
    "到哪步",
    "到哪了",
    "进度",
    "进展",
    "批下来",
    "审批结果",
    "办好了没",
    "办好了吗",
    "我的申请",
    "办结了吗",
    "结果出来",
];
const LICENCE_CUES: &[&str] =
    &["在哪", "在哪里", "找不到", "出示", "亮证", "打开", "给我看", "有没有", "拿出来", "电子", "我的"];
const MATERIAL_CUES: &[&str] =
    &["材料", "带什么", "带哪些", "要带", "准备什么", "准备哪些", "需要什么", "需要哪些", "要什么", "什么证件"];
const FEE_CUES: &[&str] = &["多少钱", "收费", "费用", "要钱", "花钱", "免费"];
const TIME_CUES: &[&str] = &["多久", "多长时间", "几天", "时限", "多快", "什么时候能", "要多长"];
const PLACE_CUES: &[&str] = &["在哪办", "在哪里办", "哪里办", "去哪", "地址", "窗口", "大厅", "哪儿办", "在哪儿办"];
const PHONE_CUES: &[&str] = &["电话", "热线", "咨询电话", "联系方式"];
const PROCEDURE_CUES: &[&str] = &["怎么", "如何", "流程", "步骤", "办理", "手续", "能不能", "可以", "想", "要办"];

/// Words that carry the question, not its subject: removed before searching the catalog.
const NOISE: &[&str] = &[
    "请问",
    "你好",
    "您好",
    "我想",
    "我要",
    "我家",
    "想要",
    "需要",
    "需不需要",
    "要带什么材料",
    "需要什么材料",
    "需要哪些材料",
    "要准备什么",
    "准备什么",
    "准备哪些",
    "什么材料",
    "哪些材料",
    "材料",
    "要带",
    "带什么",
    "带哪些",
    "多少钱",
    "收费吗",
    "收费",
    "费用",
    "要多久",
    "多长时间",
    "多久",
    "几天",
    "在哪里办",
    "在哪儿办",
    "在哪办",
    "哪里办",
    "去哪里",
    "去哪",
    "地址",
    "电话",
    "怎么办理",
    "怎么办",
    "怎么弄",
    "怎么申请",
    "如何办理",
    "如何申请",
    "怎么",
    "如何",
    "流程",
    "步骤",
    "手续",
    "办理",
    "申请",
    "网上",
    "手机上",
    "能不能",
    "可以",
    "吗",
    "呢",
    "啊",
    "呀",
    "了",
    "的",
    "？",
    "?",
    "，",
    ",",
    "。",
    "我",
    "要",
    "办",
];

fn has_any(q: &str, cues: &[&str]) -> bool {
    cues.iter().any(|c| q.contains(c))
}

fn licence_in(q: &str) -> Option<(&'static str, &'static str)> {
    LICENCE_WORDS.iter().find(|(w, _)| q.contains(w)).copied()
}

/// The question without its question words, for the catalog search.
fn subject_text(q: &str) -> String {
    let mut s = q.to_owned();
    for n in NOISE {
        s = s.replace(n, " ");
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn intent_of(q: &str) -> AskIntent {
    if has_any(q, PROGRESS_CUES) {
        return AskIntent::Progress;
    }
    if has_any(q, MATERIAL_CUES) {
        return AskIntent::Materials;
    }
    if has_any(q, FEE_CUES) {
        return AskIntent::Fee;
    }
    if has_any(q, TIME_CUES) {
        return AskIntent::TimeLimit;
    }
    if has_any(q, PLACE_CUES) {
        return AskIntent::Place;
    }
    if has_any(q, PHONE_CUES) {
        return AskIntent::Phone;
    }
    // "我的结婚证在哪" asks for the licence; "结婚证怎么办" asks how to get one.
    if licence_in(q).is_some()
        && has_any(q, LICENCE_CUES)
        && !has_any(q, &["怎么办", "怎么申请", "如何办", "补办", "换"])
    {
        return AskIntent::Licence;
    }
    if has_any(q, PROCEDURE_CUES) {
        return AskIntent::Procedure;
    }
    AskIntent::Procedure
}

fn unknown(text: &str) -> AssistantAnswer {
    AssistantAnswer {
        intent: AskIntent::Unknown,
        text: format!(
            "{text}您可以拨打 {HOTLINE} 政务服务便民热线，或点“转人工”找客服，也可以到就近的政务服务中心咨询。"
        ),
        subject_id: None,
        subject_name: None,
        action_label: format!("拨打 {HOTLINE}"),
        action: Intent::CallHotline { number: HOTLINE.to_owned() },
        fallback: true,
    }
}

fn limit_text(days: u32) -> String {
    if days == 0 { "即办，当场办结".to_owned() } else { format!("{days} 个工作日") }
}

fn material_line(m: &onego_protocol::api::MaterialDef) -> String {
    use onego_protocol::api::MaterialSource;
    let spared = m.sources.iter().find_map(|s| match s {
        MaterialSource::Licence { vct } => {
            Some(format!("可用电子{}免交", licence::by_vct(vct).map_or("证照", |t| t.name)))
        }
        MaterialSource::SharedData { .. } => Some("部门数据共享获取，免交".to_owned()),
        MaterialSource::Commitment => Some("可告知承诺".to_owned()),
        MaterialSource::Upload => None,
    });
    match spared {
        Some(s) => format!("{}（{s}）", m.name),
        None => m.name.clone(),
    }
}

fn guide_answer(intent: AskIntent, guide: &Guide) -> AssistantAnswer {
    let (id, name, is_bundle) = match guide {
        Guide::Matter(m) => (m.matter.id.clone(), m.matter.name.clone(), false),
        Guide::Bundle(b) => (b.bundle.id.clone(), b.bundle.name.clone(), true),
    };
    let text = match (intent, guide) {
        (AskIntent::Materials, Guide::Matter(m)) => {
            let lines: Vec<String> = m.matter.materials.iter().map(material_line).collect();
            format!("办理“{name}”需要：{}。", lines.join("；"))
        }
        (AskIntent::Materials, Guide::Bundle(b)) => {
            let mut seen: Vec<String> = Vec::new();
            for mg in &b.members {
                for mat in &mg.matter.materials {
                    let line = material_line(mat);
                    if !seen.iter().any(|s| s.starts_with(&mat.name)) {
                        seen.push(line);
                    }
                }
            }
            format!(
                "“{name}”一次办 {} 个事项，材料合在一起准备：{}。已有电子证照或部门共享的材料不用再交。",
                b.members.len(),
                seen.join("；")
            )
        }
        (AskIntent::Fee, Guide::Matter(m)) => format!("“{name}”：{}。", m.matter.fee),
        (AskIntent::Fee, Guide::Bundle(b)) => {
            let paid: Vec<String> = b
                .members
                .iter()
                .filter(|mg| !mg.matter.fee.contains("不收费"))
                .map(|mg| format!("{}：{}", mg.matter.name, mg.matter.fee))
                .collect();
            if paid.is_empty() {
                format!("“{name}”各事项都不收费。")
            } else {
                format!("“{name}”中收费的事项：{}；其余不收费。", paid.join("；"))
            }
        }
        (AskIntent::TimeLimit, Guide::Matter(m)) => format!(
            "“{name}”承诺 {}（法定 {} 个工作日）{}。",
            limit_text(m.matter.promised_limit_days),
            m.matter.legal_limit_days,
            if m.matter.instant { "，符合条件的可秒批" } else { "" }
        ),
        (AskIntent::TimeLimit, Guide::Bundle(b)) => {
            format!("“{name}”整件事承诺 {} 办结，各部门同时办理。", limit_text(b.bundle.promised_limit_days))
        }
        (AskIntent::Place, Guide::Matter(m)) => {
            let halls: Vec<String> =
                m.halls.iter().take(2).map(|h| format!("{}（{}，{}）", h.name, h.address, h.opening_hours)).collect();
            let online = if m.matter.online { "可以在手机上全程网办；" } else { "" };
            if halls.is_empty() {
                format!("“{name}”{online}线下办理地点请咨询 {HOTLINE}。")
            } else {
                format!("“{name}”{online}也可以到：{}。", halls.join("；"))
            }
        }
        (AskIntent::Place, Guide::Bundle(_)) => {
            format!("“{name}”可以在手机上一次提交，不用分别跑各个部门；需要到现场的，政务服务中心有一件事综合窗口。")
        }
        (AskIntent::Phone, Guide::Matter(m)) => match &m.department {
            Some(d) => format!("“{name}”由{}办理，咨询电话 {}。", d.name, d.phone),
            None => format!("“{name}”的咨询电话请拨 {HOTLINE}。"),
        },
        (_, Guide::Matter(m)) => {
            let how = if m.matter.online {
                format!("可以在手机上办，跑动 {} 次", m.matter.visits)
            } else {
                format!("需要到窗口办理，跑动 {} 次", m.matter.visits)
            };
            format!("{}{how}，承诺 {}。", m.matter.summary, limit_text(m.matter.promised_limit_days))
        }
        (_, Guide::Bundle(b)) => {
            let names: Vec<&str> = b.members.iter().map(|mg| mg.matter.name.as_str()).collect();
            format!("{}回答几个问题，就能一次办：{}。", b.bundle.summary, names.join("、"))
        }
    };
    let (action_label, action) = if is_bundle {
        ("开始一次办".to_owned(), Intent::StartBundle { id: id.clone() })
    } else {
        ("查看办事指南".to_owned(), Intent::OpenGuide { id: id.clone() })
    };
    AssistantAnswer {
        intent,
        text,
        subject_id: Some(id),
        subject_name: Some(name),
        action_label,
        action,
        fallback: false,
    }
}

fn licence_answer(
    conn: &Connection,
    word: &str,
    vct: &str,
    licences: &[LicenceSummary],
) -> CoreResult<AssistantAnswer> {
    let name = licence::by_vct(vct).map_or(word, |t| t.name);
    if let Some(l) = licences.iter().find(|l| l.vct == vct) {
        let state = match l.state {
            LicenceState::Valid => "有效".to_owned(),
            other => other.label(crate::Locale::ZhCn).to_owned(),
        };
        return Ok(AssistantAnswer {
            intent: AskIntent::Licence,
            text: format!(
                "您的{name}在“卡包”里，由{}签发，状态：{state}。需要出示时点“亮证”，只会给对方看必要的信息。",
                l.issuer_name
            ),
            subject_id: Some(l.id.clone()),
            subject_name: Some(name.to_owned()),
            action_label: format!("打开{name}"),
            action: Intent::ShowLicence { id: l.id.clone() },
            fallback: false,
        });
    }
    // Not held: point to the matter that issues it.
    let hits = catalog::search::search(conn, name, 1)?;
    let mut a = match hits.first() {
        Some(h) => {
            let guide = catalog::guide(conn, &h.id)?;
            let mut a = guide_answer(AskIntent::Procedure, &guide);
            a.text = format!("您的卡包里还没有{name}。可以通过“{}”办理，办好后会自动放进卡包。", h.name);
            a
        }
        None => unknown(&format!("您的卡包里还没有{name}。")),
    };
    a.intent = AskIntent::Licence;
    Ok(a)
}

fn progress_answer(applications: &[Application]) -> AssistantAnswer {
    let Some(app) = applications.iter().max_by_key(|a| a.submitted_at) else {
        return AssistantAnswer {
            intent: AskIntent::Progress,
            text: "您还没有提交过申请。要办事，可以直接说想办什么，比如“生孩子要办什么”。".to_owned(),
            subject_id: None,
            subject_name: None,
            action_label: "查看我的办件".to_owned(),
            action: Intent::Open { screen: crate::ScreenName::Applications },
            fallback: false,
        };
    };
    let parts: Vec<String> = app
        .matters
        .iter()
        .map(|m| {
            let overdue = if m.overdue { "（已超期）" } else { "" };
            format!("{}：{}{overdue}", m.name, m.status.label_zh())
        })
        .collect();
    let done = app.matters.iter().filter(|m| m.status == MatterStatus::Approved).count();
    let more = app.matters.iter().filter(|m| m.status == MatterStatus::MoreNeeded).count();
    let tail = if more > 0 { format!("有 {more} 项需要您补充材料。") } else { String::new() };
    AssistantAnswer {
        intent: AskIntent::Progress,
        text: format!(
            "您最近的“{}”（{}）已办结 {done}/{} 项：{}。{tail}",
            app.service_name,
            app.id,
            app.matters.len(),
            parts.join("；")
        ),
        subject_id: Some(app.id.clone()),
        subject_name: Some(app.service_name.clone()),
        action_label: "查看办件详情".to_owned(),
        action: Intent::OpenApplication { id: app.id.clone() },
        fallback: false,
    }
}

/// Answers one question, offline.
pub(crate) fn answer(
    conn: &Connection,
    question: &str,
    licences: &[LicenceSummary],
    applications: &[Application],
) -> CoreResult<AssistantAnswer> {
    let q: String = catalog::search::normalize(question).chars().filter(|c| !c.is_whitespace()).collect();
    if q.is_empty() {
        return Ok(unknown("请说说您想办什么事。"));
    }
    let intent = intent_of(&q);
    match intent {
        AskIntent::Progress => return Ok(progress_answer(applications)),
        AskIntent::Licence => {
            if let Some((word, vct)) = licence_in(&q) {
                return licence_answer(conn, word, vct, licences);
            }
        }
        _ => {}
    }
    let subject = subject_text(&q);
    let hits = if subject.is_empty() { Vec::new() } else { catalog::search::search(conn, &subject, 3)? };
    let Some(best) = hits.first() else {
        return Ok(unknown("抱歉，这个问题我还答不上来。"));
    };
    let guide = catalog::guide(conn, &best.id)?;
    Ok(guide_answer(intent, &guide))
}

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// Answers a question in everyday Chinese from the cached catalog, the wallet and the applications, offline,
    /// with one action to take next; says so (and offers 12345) when it does not know.
    pub async fn ask(&self, question: String) -> Result<AssistantAnswer, crate::OnegoError> {
        self.run(move |i| async move {
            let anchor = i.wallet.anchor.clone();
            let now = i.clock.now_ms();
            i.store
                .run(move |c, s| {
                    let licences = crate::wallet::list(c, &anchor, now)?;
                    let applications = crate::apply::cached_applications(c, s)?;
                    answer(c, &question, &licences, &applications)
                })
                .await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_from_cue_words() {
        assert_eq!(intent_of("生孩子要带什么材料"), AskIntent::Materials);
        assert_eq!(intent_of("我的结婚证在哪"), AskIntent::Licence);
        assert_eq!(intent_of("结婚证怎么办"), AskIntent::Procedure);
        assert_eq!(intent_of("办到哪一步了"), AskIntent::Progress);
        assert_eq!(intent_of("公积金怎么取"), AskIntent::Procedure);
        assert_eq!(intent_of("办营业执照要多久"), AskIntent::TimeLimit);
        assert_eq!(subject_text("生孩子要带什么材料"), "生孩子");
    }
}
