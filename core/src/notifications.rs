//! Reminders the core computes from what it holds — applications, reviews, licences — and the shells show:
//! a result ready, something the department needs, a review invited after a finished matter, a review loop
//! step overdue or answered, a licence about to expire. Pure and offline; ids are stable so a dismissed
//! reminder stays dismissed.

use onego_protocol::api::{Application, LoopState, LoopStepKind, MatterStatus, Review};
use onego_protocol::time::iso_days;

use crate::screens::{Intent, ScreenName};
use crate::wallet::{LicenceState, LicenceSummary};

/// Days before a licence's end when renewal is suggested (an ID card may be renewed three months ahead).
pub const EXPIRY_NOTICE_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    ResultReady,
    MoreNeeded,
    ReviewInvited,
    ReviewLoopOverdue,
    ReviewFeedback,
    LicenceExpiring,
}

/// One reminder.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Notification {
    /// Stable: the same situation gives the same id.
    pub id: String,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// Needs the citizen to act (shown first).
    pub urgent: bool,
    pub action_label: String,
    pub action: Intent,
}

fn matter_finished_at(app: &Application, matter_id: &str) -> Option<i64> {
    app.matters
        .iter()
        .find(|m| m.matter_id == matter_id)
        .and_then(|m| m.history.iter().rev().find(|h| h.status.is_final()).map(|h| h.at))
}

/// Every reminder for `today` (`YYYY-MM-DD`, China time), urgent first.
#[must_use]
pub fn compute(
    applications: &[Application],
    reviews: &[Review],
    licences: &[LicenceSummary],
    today: &str,
) -> Vec<Notification> {
    let today_days = iso_days(today).unwrap_or(0);
    let mut out = Vec::new();
    for app in applications {
        for m in &app.matters {
            match m.status {
                MatterStatus::MoreNeeded => out.push(Notification {
                    id: format!("more:{}:{}", app.id, m.matter_id),
                    kind: NotificationKind::MoreNeeded,
                    title: format!("“{}”需要您补充", m.name),
                    body: m.history.last().map_or_else(|| "部门需要您补充信息".to_owned(), |h| h.note.clone()),
                    urgent: true,
                    action_label: "去补充".to_owned(),
                    action: Intent::OpenApplication { id: app.id.clone() },
                }),
                MatterStatus::Approved if !m.licences.is_empty() => {
                    let names: Vec<&str> = m.licences.iter().map(|l| l.name.as_str()).collect();
                    out.push(Notification {
                        id: format!("result:{}:{}", app.id, m.matter_id),
                        kind: NotificationKind::ResultReady,
                        title: format!("“{}”已办结", m.name),
                        body: format!("{}已放进卡包。", names.join("、")),
                        urgent: false,
                        action_label: "查看卡包".to_owned(),
                        action: Intent::Open { screen: ScreenName::Wallet },
                    });
                }
                MatterStatus::Approved => out.push(Notification {
                    id: format!("result:{}:{}", app.id, m.matter_id),
                    kind: NotificationKind::ResultReady,
                    title: format!("“{}”已办结", m.name),
                    body: m.history.last().map_or_else(String::new, |h| h.note.clone()),
                    urgent: false,
                    action_label: "查看办件".to_owned(),
                    action: Intent::OpenApplication { id: app.id.clone() },
                }),
                _ => {}
            }
            let reviewed =
                reviews.iter().any(|r| r.application_id == app.id && r.matter_id.as_ref() == Some(&m.matter_id));
            if m.status.is_final() && !reviewed && matter_finished_at(app, &m.matter_id).is_some() {
                out.push(Notification {
                    id: format!("review:{}:{}", app.id, m.matter_id),
                    kind: NotificationKind::ReviewInvited,
                    title: format!("请评价“{}”", m.name),
                    body: "您的评价会让办事更好：非常满意、满意、基本满意、不满意、非常不满意，选一个即可。".to_owned(),
                    urgent: false,
                    action_label: "去评价".to_owned(),
                    action: Intent::Open { screen: ScreenName::Reviews },
                });
            }
        }
    }
    for r in reviews {
        let Some(lp) = &r.closed_loop else { continue };
        match lp.state {
            LoopState::Open => {
                if let Some(step) = lp.steps.iter().find(|s| s.overdue && s.kind != LoopStepKind::FollowUp) {
                    out.push(Notification {
                        id: format!("loop-overdue:{}:{}", r.id, step.kind.as_str()),
                        kind: NotificationKind::ReviewLoopOverdue,
                        title: format!("“{}”的差评{}已超期", r.subject_name, step.kind.label_zh()),
                        body: format!(
                            "部门应在 {} 前完成{}。您可以拨打 12345 督办。",
                            step.deadline,
                            step.kind.label_zh()
                        ),
                        urgent: true,
                        action_label: "查看评价进展".to_owned(),
                        action: Intent::Open { screen: ScreenName::Reviews },
                    });
                }
            }
            LoopState::AwaitingFollowUp => {
                let feedback = lp.steps.iter().find(|s| s.kind == LoopStepKind::Feedback);
                out.push(Notification {
                    id: format!("loop-feedback:{}", r.id),
                    kind: NotificationKind::ReviewFeedback,
                    title: format!("“{}”的整改结果已反馈", r.subject_name),
                    body: feedback.map_or_else(String::new, |f| format!("{}（可以追评一次）", f.note)),
                    urgent: true,
                    action_label: "去追评".to_owned(),
                    action: Intent::Open { screen: ScreenName::Reviews },
                });
            }
            LoopState::Closed | LoopState::Withdrawn => {}
        }
    }
    for l in licences {
        if l.state != LicenceState::Valid {
            continue;
        }
        let Some(end) = iso_days(&l.valid_until) else { continue };
        let left = end - today_days;
        if (0..=EXPIRY_NOTICE_DAYS).contains(&left) {
            out.push(Notification {
                id: format!("expiring:{}:{}", l.id, l.valid_until),
                kind: NotificationKind::LicenceExpiring,
                title: format!("{}将于 {} 到期", l.name, l.valid_until),
                body: format!("还有 {left} 天。可以提前办理换领，到期后仍在卡包里但不能再出示。"),
                urgent: left <= 30,
                action_label: "查看证照".to_owned(),
                action: Intent::ShowLicence { id: l.id.clone() },
            });
        }
    }
    out.sort_by_key(|n| !n.urgent);
    out
}

/// The reminders for now from what the phone holds — cached applications, reviews and wallet licences — less
/// those the citizen dismissed. Offline.
pub(crate) fn current(
    conn: &rusqlite::Connection,
    sealer: &crate::store::seal::Sealer,
    anchor: &onego_protocol::sdjwt::jws::Jwk,
    now_ms: i64,
) -> crate::error::CoreResult<Vec<Notification>> {
    let applications = crate::apply::cached_applications(conn, sealer)?;
    // A review the platform refused does not count: the invitation to review stays.
    let reviews: Vec<Review> = crate::reviews::list(conn, sealer, now_ms)?
        .into_iter()
        .filter(|e| e.delivery != crate::reviews::ReviewDelivery::NeedsAttention)
        .map(|e| e.review)
        .collect();
    let licences = crate::wallet::list(conn, anchor, now_ms)?;
    let today = onego_protocol::time::cst_date(now_ms);
    let mut dismissed = conn.prepare("SELECT 1 FROM dismissed_notification WHERE id = ?1")?;
    let mut out = Vec::new();
    for n in compute(&applications, &reviews, &licences, &today) {
        if !dismissed.exists([&n.id])? {
            out.push(n);
        }
    }
    Ok(out)
}

/// Keeps a reminder dismissed (ids are stable, so it stays so).
pub(crate) fn dismiss(conn: &rusqlite::Connection, id: &str, now_ms: i64) -> crate::error::CoreResult<()> {
    conn.execute(
        "INSERT INTO dismissed_notification (id, at_ms) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING",
        rusqlite::params![id, now_ms],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use onego_protocol::api::{
        Actor, ApplicationStatus, IssuedLicence, LoopStep, MatterEvent, MatterProgress, ReviewLevel, ReviewLoop,
    };

    use super::*;

    fn matter(id: &str, status: MatterStatus, licences: Vec<IssuedLicence>) -> MatterProgress {
        MatterProgress {
            matter_id: id.into(),
            name: format!("事项{id}"),
            department_id: "gaj".into(),
            status,
            due_date: "2026-11-30".into(),
            overdue: false,
            history: vec![MatterEvent { cursor: 1, at: 1, status, actor: Actor::Rules, note: "说明".into() }],
            licences,
            outputs: Vec::new(),
            needs: Vec::new(),
        }
    }

    fn app(matters: Vec<MatterProgress>) -> Application {
        Application {
            id: "BJ1".into(),
            service_id: "bundle-birth".into(),
            service_name: "出生一件事".into(),
            principal: "s".into(),
            submitted_by: "s".into(),
            delegate_name: None,
            delegation_id: None,
            idempotency_key: "k".into(),
            submitted_at: 1,
            status: ApplicationStatus::InProgress,
            matters,
        }
    }

    fn licence(valid_until: &str) -> LicenceSummary {
        LicenceSummary {
            id: "l1".into(),
            vct: onego_protocol::licence::RESIDENT_ID.into(),
            name: "居民身份证".into(),
            issuer_name: "浙江省公安厅".into(),
            province: "浙江".into(),
            valid_until: valid_until.into(),
            state: LicenceState::Valid,
            checked_at_ms: None,
            check_due: false,
        }
    }

    #[test]
    fn results_requests_reviews_and_expiry() {
        let birth = IssuedLicence { licence_id: "x".into(), vct: "v".into(), name: "出生医学证明".into() };
        let a = app(vec![
            matter("a", MatterStatus::Approved, vec![birth]),
            matter("b", MatterStatus::MoreNeeded, Vec::new()),
            matter("c", MatterStatus::InReview, Vec::new()),
        ]);
        let n = compute(std::slice::from_ref(&a), &[], &[licence("2027-01-15")], "2026-11-27");
        let kinds: Vec<NotificationKind> = n.iter().map(|n| n.kind).collect();
        assert_eq!(kinds[0], NotificationKind::MoreNeeded, "urgent first");
        assert!(kinds.contains(&NotificationKind::ResultReady));
        assert!(kinds.contains(&NotificationKind::ReviewInvited));
        assert!(kinds.contains(&NotificationKind::LicenceExpiring));
        assert!(!n.iter().any(|n| n.id == "review:BJ1:c"), "no review before a matter is finished");
        // Reviewed: no more invitation; far from expiry: no reminder.
        let review = Review {
            id: "r".into(),
            application_id: "BJ1".into(),
            matter_id: Some("a".into()),
            subject_name: "事项a".into(),
            department_id: "gaj".into(),
            level: ReviewLevel::Dissatisfied,
            tags: Vec::new(),
            comment: String::new(),
            at: 1,
            closed_loop: Some(ReviewLoop {
                state: LoopState::Open,
                jurisdiction: "浙江省".into(),
                steps: vec![LoopStep {
                    kind: LoopStepKind::Callback,
                    deadline: "2026-11-26".into(),
                    done_at: None,
                    note: String::new(),
                    overdue: true,
                }],
                follow_up_level: None,
            }),
            appeal: None,
        };
        let n = compute(&[a], &[review], &[licence("2036-01-15")], "2026-11-27");
        assert!(!n.iter().any(|n| n.id == "review:BJ1:a"));
        assert!(n.iter().any(|n| n.kind == NotificationKind::ReviewLoopOverdue && n.urgent));
        assert!(!n.iter().any(|n| n.kind == NotificationKind::LicenceExpiring));
    }
}
