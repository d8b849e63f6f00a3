//! `onego app screen …`: a screen's view model as a phone shell receives it, with its ageing-friendly audit.

use clap::Args;
use onego_core::screens::Element;
use onego_core::{Onego, OnegoError, Purpose, Role, Screen, ScreenName, ScreenOptions, ScreenState, Violation, audit};

#[derive(Args)]
pub(crate) struct ScreenArgs {
    /// The screen (`onego app screen --list` names them all).
    #[arg(required_unless_present = "list")]
    name: Option<String>,
    /// Names every screen.
    #[arg(long, conflicts_with = "name")]
    list: bool,
    /// 长辈版 (elder mode); without it, the saved setting decides.
    #[arg(long)]
    elder: bool,
    /// Build the screen in this state instead of the one its data gives.
    #[arg(long, value_parser = ["empty", "loading", "offline", "error", "full"])]
    state: Option<String>,
    /// The matter, bundle or licence the screen is about.
    #[arg(long)]
    id: Option<String>,
    /// Search or assistant text.
    #[arg(long)]
    query: Option<String>,
    /// The bundle wizard's step, from 1.
    #[arg(long, default_value_t = 0)]
    step: i32,
    /// Why a licence is shown (present screen): age-check, identity-check …
    #[arg(long)]
    purpose: Option<String>,
    /// Verifier screen: the text a camera scanned.
    #[arg(long)]
    scanned: Option<String>,
}

pub(crate) async fn run(app: &Onego, args: ScreenArgs, json: bool) -> Result<(), OnegoError> {
    if args.list {
        return list(app, json).await;
    }
    let name_arg = args.name.unwrap_or_default();
    let Some(name) = ScreenName::parse(&name_arg) else {
        let known: Vec<&str> = ScreenName::ALL.iter().map(|n| n.key()).collect();
        let message = format!("no screen named “{name_arg}”; screens: {}", known.join(", "));
        return Err(OnegoError::Validation { field: "name".into(), message });
    };
    let purpose = match args.purpose.as_deref() {
        Some(p) => Some(Purpose::parse(p).ok_or_else(|| OnegoError::Validation {
            field: "purpose".into(),
            message: format!("unknown purpose “{p}”"),
        })?),
        None => None,
    };
    let opts = ScreenOptions {
        elder: args.elder.then_some(true),
        state: args.state.as_deref().and_then(ScreenState::parse),
        id: args.id,
        query: args.query,
        step: args.step,
        purpose,
        scanned: args.scanned,
        ..ScreenOptions::default()
    };
    let screen = app.screen(name, opts).await?;
    let violations = audit(&screen);
    let out = serde_json::json!({ "screen": screen, "violations": violations });
    crate::app::print(json, &out, |_| print_screen(&screen, &violations));
    Ok(())
}

async fn list(app: &Onego, json: bool) -> Result<(), OnegoError> {
    let mut rows = Vec::new();
    for name in ScreenName::ALL {
        // The loading state needs no data and carries the title.
        let opts = ScreenOptions { state: Some(ScreenState::Loading), ..ScreenOptions::default() };
        let title = app.screen(name, opts).await?.title;
        rows.push(serde_json::json!({ "name": name.key(), "title": title }));
    }
    crate::app::print(json, &rows, |rows| {
        for r in rows {
            println!("{:<14} {}", r["name"].as_str().unwrap_or_default(), r["title"].as_str().unwrap_or_default());
        }
    });
    Ok(())
}

fn element_line(e: &Element) -> String {
    let mut line = format!(
        "[{}] ",
        serde_json::to_value(e.role).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    );
    match (&e.qr, e.role) {
        (Some(q), _) => line.push_str(&format!("QR {}×{} modules", q.size, q.size)),
        (None, Role::TextField) => line.push_str(&format!("⌨ {}", e.text)),
        _ => line.push_str(&e.text),
    }
    if let Some(on) = e.checked {
        line.push_str(if on { " ☑" } else { " ☐" });
    }
    line.push_str(&format!("  ({} dp", e.text_dp));
    if e.min_touch_dp > 0 {
        line.push_str(&format!(", target {} dp", e.min_touch_dp));
    }
    line.push(')');
    if let Some(cue) = &e.cue {
        line.push_str(&format!("  [{}]", cue.word));
    }
    if e.primary {
        line.push_str("  ★");
    }
    if let Some(intent) = &e.intent {
        line.push_str(&format!("  → {}", serde_json::to_string(intent).unwrap_or_default()));
    }
    line
}

/// The screen as a support engineer reads it, then its audit.
pub(crate) fn print_screen(screen: &Screen, violations: &[Violation]) {
    let mode = if screen.elder { "长辈版 elder" } else { "标准版 standard" };
    println!("【{}】 {} · {} · {:?}", screen.title, mode, screen.locale.tag(), screen.state);
    for e in &screen.elements {
        println!("   {}", element_line(e));
    }
    print_audit(violations);
}

pub(crate) fn print_audit(violations: &[Violation]) {
    if violations.is_empty() {
        println!("   适老化检查 / ageing-friendly audit: 0 violations ✔");
        return;
    }
    println!("   适老化检查 / ageing-friendly audit: {} violation(s) ✘", violations.len());
    for v in violations {
        println!(
            "   ✘ {}: {} — {} ({})",
            v.element_id,
            v.rule.describe(),
            v.detail,
            serde_json::to_string(&v.rule).unwrap_or_default()
        );
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ScreenArgs,
    }

    #[test]
    fn arguments() {
        let cli = Cli::try_parse_from(["screen", "home", "--elder", "--state", "offline"]).expect("parses");
        assert!(cli.args.elder && cli.args.state.as_deref().and_then(ScreenState::parse) == Some(ScreenState::Offline));
        assert!(Cli::try_parse_from(["screen", "--list"]).expect("list").args.list);
        assert!(Cli::try_parse_from(["screen"]).is_err(), "a name or --list");
        assert!(Cli::try_parse_from(["screen", "home", "--state", "broken"]).is_err());
        assert!(Cli::try_parse_from(["screen", "home", "--list"]).is_err());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn every_listed_screen_prints_on_a_new_phone() {
        let dir = tempfile::tempdir().expect("dir");
        let app =
            crate::app::open(dir.path().to_owned(), "http://127.0.0.1:9".into(), onego_core::Locale::En).expect("open");
        for name in ScreenName::ALL {
            let opts = ScreenOptions { id: Some("x".into()), elder: Some(true), ..ScreenOptions::default() };
            let screen = app.screen(name, opts).await.expect("screen");
            assert_eq!(audit(&screen), []);
            assert!(screen.elements.iter().all(|e| !element_line(e).is_empty()));
        }
    }
}
