//! Shared bits of the application tests: 陈静's 出生一件事 journey, the platform's own count of an account's
//! applications, and a TCP gate in front of the platform that fails in the ways networks fail.

use std::time::{Duration, Instant};

use onego_core::{AnswerValue, Draft, Onego};
use onego_platform::{PlatformConfig, RunningPlatform};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// 出生一件事's answers for 陈静 (13800000001): born, hukou with the mother, not insured, a social security card.
pub const BIRTH_ANSWERS: [(&str, &str); 5] = [
    ("born", "true"),
    ("hukou_with", "随母亲"),
    ("mother_insured", "false"),
    ("need_ssc", "true"),
    ("birth_registered", "true"),
];

/// The fields she fills in; the rest is pre-filled (the birth facts from the maternal-health registry).
pub const BIRTH_FIELDS: [(&str, &str); 5] = [
    ("child.name", "王小满"),
    ("vaccination.clinic", "西湖区北山街道社区卫生服务中心"),
    ("insured.category", "新生儿"),
    ("ssc.bank", "杭州银行"),
    ("bank.account", "6222330000000007919"),
];

/// The answer as the core takes it: `true`/`false` are booleans, the rest text.
pub fn answer_value(v: &str) -> AnswerValue {
    match v {
        "true" => AnswerValue::Bool(true),
        "false" => AnswerValue::Bool(false),
        other => AnswerValue::Text(other.to_owned()),
    }
}

/// A complete 出生一件事 draft through the core library (a new one each time the last was submitted).
pub async fn birth_draft(app: &Onego) -> Draft {
    let mut d = app.start_draft("bundle-birth".into(), None).await.expect("draft");
    for (q, v) in BIRTH_ANSWERS {
        d = app.answer(d.id.clone(), q.into(), answer_value(v)).await.expect("answer");
    }
    for (k, v) in BIRTH_FIELDS {
        d = app.set_field(d.id.clone(), k.into(), v.into()).await.expect("field");
    }
    assert!(d.errors.is_empty(), "the journey is complete: {:?}", d.errors);
    d
}

/// The applications the platform holds for `phone` (as principal or submitter), as `GET /v1/applications`
/// answers it to that account.
pub async fn platform_applications(url: &str, phone: &str) -> Vec<serde_json::Value> {
    let token = super::access_token(url, phone, "citizen").await;
    let list: serde_json::Value = super::http()
        .get(format!("{url}/v1/applications"))
        .bearer_auth(token)
        .send()
        .await
        .expect("list applications")
        .error_for_status()
        .expect("200")
        .json()
        .await
        .expect("json");
    list["applications"].as_array().expect("applications").clone()
}

/// Polls `check` every 20 ms until it is true or `limit` has passed; whether it became true.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How the gate treats a new connection. Switching the mode also cuts the connections already open, so a
/// pooled keep-alive connection cannot slip past a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwards both ways.
    None,
    /// Answers `500` without asking the platform.
    ServerError,
    /// Forwards the request, then holds the platform's answer back until the mode changes: the platform did
    /// the work; the phone times out.
    HangAfterSend,
    /// Forwards the request, waits for the first byte of the platform's answer (so the platform has committed),
    /// then closes the phone's socket: the answer is lost.
    DropAfterProcessed,
}

/// A TCP gate in front of a platform that is told the gate is its public address (presentations are addressed
/// to the URL the phone uses).
pub struct Gate {
    pub platform: RunningPlatform,
    /// The gate's URL: give it to the phone.
    pub url: String,
    /// The platform's own URL, around the gate.
    pub direct: String,
    mode: tokio::sync::watch::Sender<Fault>,
    /// Connections that reached the platform (forwarded at least one request byte), for assertions.
    pub forwarded: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Gate {
    /// Changes the fault for new connections and cuts the open ones. The phone's HTTP pool learns of a cut
    /// keep-alive connection only when it reads the close; a request racing that close would be lost before the
    /// platform saw it and prove nothing, so the change is given a moment to land.
    pub async fn set(&self, fault: Fault) {
        self.mode.send_replace(fault);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

pub async fn gate() -> Gate {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let platform =
        super::platform_with(PlatformConfig { public_url: Some(url.clone()), ..PlatformConfig::default() }).await;
    let upstream = platform.addr();
    let direct = platform.url();
    let (tx, rx) = tokio::sync::watch::channel(Fault::None);
    let forwarded = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = forwarded.clone();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let mut rx = rx.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let fault = *rx.borrow_and_update();
                tokio::select! {
                    () = serve(inbound, upstream, fault, counter) => {}
                    _ = rx.changed() => {}
                }
            });
        }
    });
    Gate { platform, url, direct, mode: tx, forwarded }
}

async fn serve(
    mut inbound: tokio::net::TcpStream,
    upstream: std::net::SocketAddr,
    fault: Fault,
    counter: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    if fault == Fault::ServerError {
        let mut buf = [0u8; 4096];
        let _ = inbound.read(&mut buf).await;
        let body = r#"{"type":"about:blank","title":"Internal Server Error","status":500,"code":"internal"}"#;
        let head = format!(
            "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n",
            body.len()
        );
        let _ = inbound.write_all(format!("{head}{body}").as_bytes()).await;
        return;
    }
    let Ok(out) = tokio::net::TcpStream::connect(upstream).await else { return };
    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if fault == Fault::None {
        let (mut inbound, mut out) = (inbound, out);
        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
        return;
    }
    let (mut in_read, in_write) = inbound.into_split();
    let (mut up_read, mut up_write) = out.into_split();
    let upward = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut in_read, &mut up_write).await;
    });
    let mut first = [0u8; 1];
    let _ = up_read.read_exact(&mut first).await;
    match fault {
        // The platform answered: it committed. Hold the answer (the phone times out) or drop it.
        Fault::HangAfterSend => std::future::pending::<()>().await,
        _ => {
            upward.abort();
            drop(in_write);
        }
    }
}
