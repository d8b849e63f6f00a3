//! `onego app review|reviews|follow-up|appeal|satisfaction|supplement|ask|notifications …`: 好差评, 补正, the
//! assistant and the reminders, driven as a phone shell drives the core.

use std::collections::HashMap;

use clap::Args;
use onego_core::reviews::{ReviewDelivery, ReviewEntry};
use onego_core::{AppealState, LoopState, Onego, OnegoError, Review, ReviewLevel};

use crate::app::print;

#[derive(Args)]
pub(crate) struct ReviewArgs {
    /// The application (BJ…).
    application_id: String,
    /// The finished matter rated; without it, the whole finished bundle.
    #[arg(long = "matter")]
    matter_id: Option<String>,
    /// 非常满意|满意|基本满意|不满意|非常不满意 (or very_satisfied, satisfied, fair, dissatisfied, very_dissatisfied).
    #[arg(long)]
    level: String,
    /// A tag of the level (see `--list-tags`); repeatable.
    #[arg(long = "tag")]
    tags: Vec<String>,
    #[arg(long, default_value = "")]
    comment: String,
    /// Queue only; do not try to deliver now.
    #[arg(long)]
    queue_only: bool,
}

#[derive(Args)]
pub(crate) struct FollowUpArgs {
    review_id: String,
    #[arg(long)]
    level: String,
    #[arg(long, default_value = "")]
    comment: String,
}

#[derive(Args)]
pub(crate) struct SupplementArgs {
    application_id: String,
    matter_id: String,
    /// A field value, `key=value`; repeatable.
    #[arg(long = "field", value_name = "KEY=VALUE")]
    fields: Vec<String>,
}

fn invalid(field: &str, message: String) -> OnegoError {
    OnegoError::Validation { field: field.to_owned(), message }
}

/// A level from its Chinese label, its wire name or its English label.
pub(crate) fn parse_level(s: &str) -> Result<ReviewLevel, OnegoError> {
    let t = s.trim();
    let wire = t.to_ascii_lowercase().replace([' ', '-'], "_");
    ReviewLevel::ALL
        .into_iter()
        .find(|l| {
            l.label_zh() == t
                || l.label_en().eq_ignore_ascii_case(t)
                || serde_json::to_value(l).ok().and_then(|v| v.as_str().map(|w| w == wire)).unwrap_or(false)
        })
        .ok_or_else(|| {
            let all: Vec<&str> = ReviewLevel::ALL.iter().map(|l| l.label_zh()).collect();
            invalid("level", format!("评价等级应为：{}", all.join("、")))
        })
}

fn delivery_zh(d: ReviewDelivery) -> &'static str {
    match d {
        ReviewDelivery::Queued => "待发送",
        ReviewDelivery::Filed => "已提交",
        ReviewDelivery::NeedsAttention => "未被受理",
    }
}

fn loop_zh(s: LoopState) -> &'static str {
    match s {
        LoopState::Open => "整改中",
        LoopState::AwaitingFollowUp => "待追评",
        LoopState::Closed => "已闭环",
        LoopState::Withdrawn => "已撤回",
    }
}

fn print_review(r: &Review, delivery: Option<ReviewDelivery>, problem: Option<&str>) {
    let state = delivery.map(|d| format!("  [{}]", delivery_zh(d))).unwrap_or_default();
    println!("{}  {}（{}）  {}{state}", r.id, r.subject_name, r.application_id, r.level.label_zh());
    if !r.tags.is_empty() {
        println!("  标签: {}", r.tags.join("、"));
    }
    if !r.comment.is_empty() {
        println!("  评价: {}", r.comment);
    }
    if let Some(p) = problem {
        println!("  需处理: {p}");
    }
    if let Some(lp) = &r.closed_loop {
        println!("  差评整改闭环（{}）: {}", lp.jurisdiction, loop_zh(lp.state));
        for s in &lp.steps {
            let done = match s.done_at {
                Some(_) if s.note.is_empty() => "已完成".to_owned(),
                Some(_) => format!("已完成：{}", s.note),
                None if s.overdue => "已超期".to_owned(),
                None => "未完成".to_owned(),
            };
            let due = if s.deadline.is_empty() { "反馈后确定".to_owned() } else { s.deadline.clone() };
            println!("    {}  截止 {due}  {done}", s.kind.label_zh());
        }
        if let Some(l) = lp.follow_up_level {
            println!("  追评: {}", l.label_zh());
        }
    }
    if let Some(a) = &r.appeal {
        let state = match a.state {
            AppealState::Pending => "待裁定",
            AppealState::Upheld => "已撤回",
            AppealState::Dismissed => "申诉未获支持",
        };
        println!("  申诉（{}）: {state} — {}", a.by, a.reason);
    }
}

fn entry_of<'a>(list: &'a [ReviewEntry], id: &str) -> Option<&'a ReviewEntry> {
    list.iter().find(|e| e.review.id == id)
}

/// `onego app review …`: queues the review, then (unless `--queue-only`) delivers the outbox.
pub(crate) async fn review(app: &Onego, args: ReviewArgs, json: bool) -> Result<(), OnegoError> {
    let level = parse_level(&args.level)?;
    let queued = app.review(args.application_id, args.matter_id, level, args.tags, args.comment).await?;
    let report = if args.queue_only {
        None
    } else {
        // Offline the review stays queued; the next delivery sends it.
        match app.deliver_outbox().await {
            Ok(r) => Some(r),
            Err(OnegoError::Offline { .. } | OnegoError::Network { .. }) => None,
            Err(e) => return Err(e),
        }
    };
    let list = app.reviews().await?;
    let key = &queued.idempotency_key;
    // Delivered: the placeholder gave way to the platform's review, found by the subject it rates.
    let entry = entry_of(&list, &queued.review_id).or_else(|| {
        list.iter().find(|e| e.review.subject_name == queued.subject_name && e.review.at >= queued.queued_at)
    });
    let shown = serde_json::json!({ "queued": queued, "delivery": report, "review": entry });
    print(json, &shown, |_| {
        println!(
            "评价已{}：{}（{}）",
            if report.is_some() { "提交" } else { "保存，联网后发送" },
            queued.subject_name,
            key
        );
        if let Some(e) = entry {
            print_review(&e.review, Some(e.delivery), e.problem.as_deref());
        }
    });
    Ok(())
}

/// `onego app reviews [--sync]`.
pub(crate) async fn reviews(app: &Onego, sync: bool, json: bool) -> Result<(), OnegoError> {
    let list = if sync { app.sync_reviews().await? } else { app.reviews().await? };
    print(json, &list, |list| {
        if list.is_empty() {
            println!("还没有评价 / no reviews yet");
        }
        for e in list {
            print_review(&e.review, Some(e.delivery), e.problem.as_deref());
        }
    });
    Ok(())
}

/// `onego app follow-up REVIEW_ID --level … [--comment …]`.
pub(crate) async fn follow_up(app: &Onego, args: FollowUpArgs, json: bool) -> Result<(), OnegoError> {
    let level = parse_level(&args.level)?;
    let r = app.follow_up(args.review_id, level, args.comment).await?;
    print(json, &r, |r| {
        println!("已追评 / follow-up filed");
        print_review(r, None, None);
    });
    Ok(())
}

/// `onego app appeal REVIEW_ID --reason …`.
pub(crate) async fn appeal(app: &Onego, review_id: String, reason: String, json: bool) -> Result<(), OnegoError> {
    let r = app.appeal_review(review_id, reason).await?;
    print(json, &r, |r| {
        println!("已申诉撤回 / withdrawn");
        print_review(r, None, None);
    });
    Ok(())
}

/// `onego app satisfaction [ID] [--sync]`: one matter's figures, or all cached with `--sync`.
pub(crate) async fn satisfaction(app: &Onego, id: Option<String>, sync: bool, json: bool) -> Result<(), OnegoError> {
    let all = if sync { Some(app.sync_satisfaction().await?) } else { None };
    let list = match (id, all) {
        (Some(id), _) => app.satisfaction(id).await?.into_iter().collect(),
        (None, Some(all)) => all,
        (None, None) => {
            return Err(invalid("id", "给出事项编号，或用 --sync 取全部 / name a matter or use --sync".into()));
        }
    };
    print(json, &list, |list| {
        if list.is_empty() {
            println!("暂无评价数据 / no reviews yet");
        }
        for s in list {
            let levels: Vec<String> =
                ReviewLevel::ALL.iter().zip(&s.by_level).map(|(l, n)| format!("{} {n}", l.label_zh())).collect();
            println!(
                "{}  {} 条评价  好评率 {:.0}%  差评率 {:.0}%  （{}）",
                s.matter_id,
                s.reviews,
                s.good_rate * 100.0,
                s.bad_rate * 100.0,
                levels.join("，")
            );
        }
    });
    Ok(())
}

/// `onego app supplement APP_ID MATTER_ID --field k=v …` (补正).
pub(crate) async fn supplement(app: &Onego, args: SupplementArgs, json: bool) -> Result<(), OnegoError> {
    let mut fields = HashMap::new();
    for f in &args.fields {
        let (k, v) = f.split_once('=').ok_or_else(|| invalid("field", format!("{f}: expected key=value")))?;
        fields.insert(k.trim().to_owned(), v.to_owned());
    }
    let a = app.supplement(args.application_id, args.matter_id.clone(), fields).await?;
    print(json, &a, |a| {
        let m = a.matters.iter().find(|m| m.matter_id == args.matter_id);
        println!("已补正 / supplement sent: {}  {}", a.id, m.map_or("", |m| m.status.label_zh()));
    });
    Ok(())
}

/// `onego app ask "问题"`.
pub(crate) async fn ask(app: &Onego, question: String, json: bool) -> Result<(), OnegoError> {
    let a = app.ask(question).await?;
    print(json, &a, |a| {
        println!("{}", a.text);
        println!("→ {}", a.action_label);
    });
    Ok(())
}

/// `onego app notifications [--dismiss ID]`.
pub(crate) async fn notifications(app: &Onego, dismiss: Option<String>, json: bool) -> Result<(), OnegoError> {
    if let Some(id) = dismiss {
        app.dismiss_notification(id).await?;
    }
    let list = app.notifications().await?;
    print(json, &list, |list| {
        if list.is_empty() {
            println!("没有新消息 / no new messages");
        }
        for n in list {
            let mark = if n.urgent { "！" } else { "·" };
            println!("{mark} {}  [{}]", n.title, n.id);
            if !n.body.is_empty() {
                println!("    {}", n.body);
            }
            println!("    → {}", n.action_label);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_in_any_spelling() {
        assert_eq!(parse_level("不满意").ok(), Some(ReviewLevel::Dissatisfied));
        assert_eq!(parse_level("very_satisfied").ok(), Some(ReviewLevel::VerySatisfied));
        assert_eq!(parse_level("Very dissatisfied").ok(), Some(ReviewLevel::VeryDissatisfied));
        assert_eq!(parse_level("fair").ok(), Some(ReviewLevel::Fair));
        assert!(parse_level("还行").is_err());
    }
}
