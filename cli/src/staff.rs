//! `onego staff --platform URL [--key K] revoke|suspend|reinstate LICENCE_ID [--reason R]`: a department's
//! staff action on a licence of the sandbox platform (`POST /v1/staff/licences/{licence_id}/status`).
//!
//! `onego staff queue [--department D] [--json]` lists matters under review or waiting for the applicant
//! (`GET /v1/staff/queue`); `onego staff approve|reject|request-more APP_ID MATTER_ID [--note N] [--needs X]…`
//! decides one (`POST /v1/staff/applications/{id}/matters/{matter_id}`).
//!
//! `onego staff reviews [--json]` lists bad reviews with open loops (`GET /v1/staff/reviews`); `onego staff
//! review-step REVIEW_ID callback|verification|rectification|feedback --note N` completes the next step
//! (`POST /v1/staff/reviews/{id}/steps`).
//!
//! The sandbox platform listens on plain HTTP on loopback, so this speaks a minimal HTTP/1.1 over a
//! `TcpStream` (one request, `Connection: close`) rather than pulling an HTTP client into the shell; `https`
//! URLs are refused. Exit codes: 0 done, 1 refused by the platform, 2 unusable input or platform unreachable.

use std::io::{Read as _, Write as _};
use std::net::{TcpStream, ToSocketAddrs as _};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use onego_protocol::api::{
    Decision, LicenceStatusChange, LoopStepKind, Problem, StaffDecision, StaffQueue, StaffReviewList,
    StaffStatusRequest, StepDone,
};
use onego_protocol::ids::LicenceId;

const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest response read (a problem document is far smaller).
const MAX_RESPONSE: u64 = 1 << 20;

#[derive(Args)]
pub(crate) struct StaffArgs {
    /// The platform's base URL (plain http, as `onego serve` listens).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    platform: String,
    /// The staff key (the sandbox's in dev mode is sandbox-staff).
    #[arg(long, visible_alias = "staff-key", default_value = "sandbox-staff")]
    key: String,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Revokes a licence for good (吊销/注销).
    Revoke(Target),
    /// Suspends a licence until it is reinstated (暂扣).
    Suspend(Target),
    /// Makes a suspended licence valid again.
    Reinstate(Target),
    /// Lists matters under review or waiting for the applicant (补正), oldest first.
    Queue(QueueArgs),
    /// Approves a matter under review (issuing its result licences).
    Approve(DecideArgs),
    /// Refuses a matter under review (a note is required).
    Reject(DecideArgs),
    /// Asks the applicant for more (补正; a note is required).
    RequestMore(DecideArgs),
    /// Lists bad reviews (差评) whose closed loop is open or whose appeal waits, overdue first.
    Reviews {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Completes the next step of a bad review's loop: callback (回访), verification (核实), rectification
    /// (整改), feedback (反馈) — in that order.
    ReviewStep {
        /// The review (PJ…).
        review_id: String,
        /// callback|verification|rectification|feedback (or 回访|核实|整改|反馈).
        step: String,
        /// What was done, in plain words (required).
        #[arg(long)]
        note: String,
        /// Print the review as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct QueueArgs {
    /// Only this department's matters (e.g. gaj, rsj).
    #[arg(long)]
    department: Option<String>,
    /// Print the queue as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DecideArgs {
    /// The application id (BJ…).
    app_id: String,
    /// The matter to decide.
    matter_id: String,
    /// Reason or request, in plain words.
    #[arg(long, default_value = "")]
    note: String,
    /// For request-more: a field or material (`matter_id/material_id`) needed; repeatable.
    #[arg(long)]
    needs: Vec<String>,
}

#[derive(Args)]
struct Target {
    /// The licence's GB/T 36904 identifier.
    licence_id: String,
    /// Why, for the record (no personal data).
    #[arg(long, default_value = "staff action")]
    reason: String,
}

fn refused(status: u16, body: &str) -> ExitCode {
    match serde_json::from_str::<Problem>(body) {
        Ok(p) => eprintln!(
            "onego staff: refused ({status} {}): {}",
            p.code.as_str(),
            p.detail.as_deref().unwrap_or(&p.title)
        ),
        Err(_) => eprintln!("onego staff: refused with HTTP {status}"),
    }
    ExitCode::from(1)
}

fn queue(args: &StaffArgs, q: &QueueArgs) -> ExitCode {
    let query = q.department.as_deref().map(|d| format!("?department={}", d.trim())).unwrap_or_default();
    match request(&args.platform, "GET", &format!("/v1/staff/queue{query}"), &args.key, None) {
        Ok((200, body)) if q.json => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Ok((200, body)) => match serde_json::from_str::<StaffQueue>(&body) {
            Ok(queue) => {
                for i in &queue.items {
                    let late = if i.overdue { " 已超期" } else { "" };
                    println!(
                        "{}  {}  {}  {}  {}  办结时限 {}{late}",
                        i.application_id,
                        i.matter_id,
                        i.department_id,
                        i.applicant_name,
                        i.status.label_zh(),
                        i.due_date
                    );
                }
                println!("{} matter(s)", queue.items.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("onego staff: not a queue: {e}");
                ExitCode::from(2)
            }
        },
        Ok((status, body)) => refused(status, &body),
        Err(e) => {
            eprintln!("onego staff: {e}");
            ExitCode::from(2)
        }
    }
}

fn decide(args: &StaffArgs, decision: Decision, d: &DecideArgs) -> ExitCode {
    let body = StaffDecision { decision, note: d.note.clone(), needs: d.needs.clone() };
    let path = format!("/v1/staff/applications/{}/matters/{}", d.app_id.trim(), d.matter_id.trim());
    match post_json(&args.platform, &path, &args.key, &body) {
        Ok((200, _)) => {
            println!("{} {}: {decision:?}", d.app_id, d.matter_id);
            ExitCode::SUCCESS
        }
        Ok((status, body)) => refused(status, &body),
        Err(e) => {
            eprintln!("onego staff: {e}");
            ExitCode::from(2)
        }
    }
}

fn reviews(args: &StaffArgs, json: bool) -> ExitCode {
    match request(&args.platform, "GET", "/v1/staff/reviews", &args.key, None) {
        Ok((200, body)) if json => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Ok((200, body)) => match serde_json::from_str::<StaffReviewList>(&body) {
            Ok(list) => {
                for i in &list.items {
                    let r = &i.review;
                    let next = i.next_step.map_or("—", LoopStepKind::label_zh);
                    let due = r
                        .closed_loop
                        .as_ref()
                        .and_then(|l| l.steps.iter().find(|s| Some(s.kind) == i.next_step))
                        .map_or(String::new(), |s| format!("  截止 {}", s.deadline));
                    let late = if i.overdue { " 已超期" } else { "" };
                    let appeal = if r.appeal.is_some() { "  申诉待裁定" } else { "" };
                    println!(
                        "{}  {}  {}  {}  下一步 {next}{due}{late}{appeal}",
                        r.id,
                        r.subject_name,
                        r.department_id,
                        r.level.label_zh()
                    );
                }
                println!("{} review(s)", list.items.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("onego staff: not a review list: {e}");
                ExitCode::from(2)
            }
        },
        Ok((status, body)) => refused(status, &body),
        Err(e) => {
            eprintln!("onego staff: {e}");
            ExitCode::from(2)
        }
    }
}

fn review_step(args: &StaffArgs, review_id: &str, step: &str, note: &str, json: bool) -> ExitCode {
    let step = step.trim();
    let Some(kind) = LoopStepKind::ALL[..4].iter().copied().find(|k| k.as_str() == step || k.label_zh() == step) else {
        eprintln!("onego staff: the step is callback, verification, rectification or feedback");
        return ExitCode::from(2);
    };
    let body = StepDone { step: kind, note: note.to_owned() };
    let path = format!("/v1/staff/reviews/{}/steps", review_id.trim());
    match post_json(&args.platform, &path, &args.key, &body) {
        Ok((200, body)) if json => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Ok((200, _)) => {
            println!("{review_id}: {} done", kind.label_zh());
            ExitCode::SUCCESS
        }
        Ok((status, body)) => refused(status, &body),
        Err(e) => {
            eprintln!("onego staff: {e}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn run(args: &StaffArgs) -> ExitCode {
    let (change, target, word) = match &args.action {
        Action::Revoke(t) => (LicenceStatusChange::Revoked, t, "revoked"),
        Action::Suspend(t) => (LicenceStatusChange::Suspended, t, "suspended"),
        Action::Reinstate(t) => (LicenceStatusChange::Valid, t, "valid again"),
        Action::Queue(q) => return queue(args, q),
        Action::Approve(d) => return decide(args, Decision::Approve, d),
        Action::Reject(d) => return decide(args, Decision::Reject, d),
        Action::RequestMore(d) => return decide(args, Decision::RequestMore, d),
        Action::Reviews { json } => return reviews(args, *json),
        Action::ReviewStep { review_id, step, note, json } => return review_step(args, review_id, step, note, *json),
    };
    let licence_id = match LicenceId::parse(&target.licence_id) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("onego staff: not a licence id: {e}");
            return ExitCode::from(2);
        }
    };
    let body = StaffStatusRequest { status: change, reason: target.reason.clone() };
    let path = format!("/v1/staff/licences/{licence_id}/status");
    match post_json(&args.platform, &path, &args.key, &body) {
        Ok((204 | 200, _)) => {
            println!("licence {licence_id} is now {word}");
            ExitCode::SUCCESS
        }
        Ok((status, body)) => {
            match serde_json::from_str::<Problem>(&body) {
                Ok(p) => eprintln!(
                    "onego staff: refused ({status} {}): {}",
                    p.code.as_str(),
                    p.detail.as_deref().unwrap_or(&p.title)
                ),
                Err(_) => eprintln!("onego staff: refused with HTTP {status}"),
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("onego staff: {e}");
            ExitCode::from(2)
        }
    }
}

/// `http://host[:port][/prefix]` → (host:port, prefix).
fn split_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only plain http:// URLs of the sandbox platform are supported"))?;
    let (authority, prefix) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    if authority.is_empty() {
        return Err(format!("{url}: no host"));
    }
    let authority = if authority.contains(':') { authority.to_owned() } else { format!("{authority}:80") };
    let prefix = prefix.trim_end_matches('/');
    Ok((authority, if prefix.is_empty() { String::new() } else { format!("/{prefix}") }))
}

/// One HTTP/1.1 POST with a JSON body; returns the status and the response body.
fn post_json(base: &str, path: &str, bearer: &str, body: &impl serde::Serialize) -> Result<(u16, String), String> {
    let body = serde_json::to_string(body).map_err(|e| e.to_string())?;
    request(base, "POST", path, bearer, Some(body))
}

/// One HTTP/1.1 request, with a JSON body when given; returns the status and the response body.
fn request(base: &str, method: &str, path: &str, bearer: &str, body: Option<String>) -> Result<(u16, String), String> {
    let (authority, prefix) = split_url(base)?;
    let body = body.unwrap_or_default();
    let addr = authority
        .to_socket_addrs()
        .map_err(|e| format!("{authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("{authority}: no address"))?;
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("cannot reach {base}: {e}"))?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {prefix}{path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| format!("sending to {base}: {e}"))?;
    let mut response = Vec::new();
    stream.take(MAX_RESPONSE).read_to_end(&mut response).map_err(|e| format!("reading from {base}: {e}"))?;
    parse_response(&String::from_utf8_lossy(&response))
}

/// The status code and body of an HTTP/1.1 response (`Content-Length` or chunked).
fn parse_response(text: &str) -> Result<(u16, String), String> {
    let (head, body) = text.split_once("\r\n\r\n").ok_or("the platform's answer is not HTTP")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or("the platform's answer has no status")?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16) else { break };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(rest.get(..size).unwrap_or_default());
        body = rest.get(size..).unwrap_or_default().trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_responses() {
        assert_eq!(split_url("http://127.0.0.1:8080").unwrap(), ("127.0.0.1:8080".into(), String::new()));
        assert_eq!(split_url("http://localhost/sandbox/").unwrap(), ("localhost:80".into(), "/sandbox".into()));
        assert!(split_url("https://example.com").is_err());
        assert_eq!(
            parse_response("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").unwrap(),
            (204, String::new())
        );
        let chunked =
            "HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n2\r\n:1\r\n1\r\n}\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap(), (409, "{\"a\":1}".into()));
    }
}
