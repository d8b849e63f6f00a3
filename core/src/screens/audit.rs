//! The ageing-friendly audit: a screen checked against the MIIT 2021 rules for apps (《移动互联网应用（APP）
//! 适老化通用设计规范》) and the WCAG 2.x contrast formula, over the values the shell will actually draw.

use crate::screens::theme::contrast_ratio;
use crate::screens::{Element, Intent, Role, Screen};

/// One rule of the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AuditRule {
    /// Elder mode: every text ≥ 18 dp.
    TextTooSmall,
    /// Elder mode: the largest text of the screen ≥ 30 dp.
    LargestTextTooSmall,
    /// Touch targets ≥ 60×60 dp in elder mode, ≥ 44×44 dp otherwise.
    TouchTargetTooSmall,
    /// Contrast ≥ 4.5:1, or ≥ 3:1 for text above 18 dp and for non-text (a QR code).
    LowContrast,
    /// Line spacing ≥ 1.3.
    LineSpacingTooTight,
    /// A colour that means something must also be said with an icon and a word.
    ColourOnlyCue,
    /// No pop-ups, no advertising.
    PopUpOrAdvert,
    /// Content with a time limit carries a way to extend it.
    TimeLimitWithoutExtension,
    /// Every element has a speakable text for screen readers and the read-out.
    NoSpeakableText,
    /// Elder mode: at most six tiles.
    TooManyTiles,
    /// Elder mode: at most one primary action.
    TooManyPrimaryActions,
    /// Elder mode: a way to call for help (12345 or a family member) on every screen.
    NoHelp,
}

impl AuditRule {
    /// The rule in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::TextTooSmall => "elder mode: text at least 18 dp",
            Self::LargestTextTooSmall => "elder mode: largest text at least 30 dp",
            Self::TouchTargetTooSmall => "touch targets at least 60x60 dp in elder mode, 44x44 dp otherwise",
            Self::LowContrast => "contrast at least 4.5:1 (3:1 for text above 18 dp and non-text)",
            Self::LineSpacingTooTight => "line spacing at least 1.3",
            Self::ColourOnlyCue => "colour never the only cue: an icon and a word with it",
            Self::PopUpOrAdvert => "no pop-ups or advertising",
            Self::TimeLimitWithoutExtension => "no time limit without a way to extend it",
            Self::NoSpeakableText => "every element has a speakable text",
            Self::TooManyTiles => "elder mode: at most six tiles",
            Self::TooManyPrimaryActions => "elder mode: at most one primary action",
            Self::NoHelp => "elder mode: help (12345 or family) on every screen",
        }
    }
}

/// A broken rule, naming the element (`screen` for the screen as a whole).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Violation {
    pub element_id: String,
    pub rule: AuditRule,
    pub detail: String,
}

const ELDER_MIN_TEXT_DP: i32 = 18;
const ELDER_LARGEST_TEXT_DP: i32 = 30;
const ELDER_MIN_TOUCH_DP: i32 = 60;
const MIN_TOUCH_DP: i32 = 44;
const MIN_LINE_SPACING_PERCENT: i32 = 130;
const ELDER_MAX_TILES: usize = 6;

fn has_text(e: &Element) -> bool {
    !e.text.trim().is_empty()
}

/// Checks a screen; an empty list means it passes.
#[must_use]
pub fn audit(screen: &Screen) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut v = |e: &str, rule: AuditRule, detail: String| {
        out.push(Violation { element_id: e.to_owned(), rule, detail });
    };
    let elder = screen.elder;
    for e in &screen.elements {
        if e.speakable.trim().is_empty() {
            v(&e.id, AuditRule::NoSpeakableText, "speakable text is empty".into());
        }
        if matches!(e.role, Role::Dialog | Role::Advert) {
            v(&e.id, AuditRule::PopUpOrAdvert, format!("role {:?}", e.role));
        }
        if has_text(e) {
            if elder && e.text_dp < ELDER_MIN_TEXT_DP {
                v(&e.id, AuditRule::TextTooSmall, format!("{} dp < {ELDER_MIN_TEXT_DP} dp", e.text_dp));
            }
            if e.line_height_dp * 100 < e.text_dp * MIN_LINE_SPACING_PERCENT {
                v(
                    &e.id,
                    AuditRule::LineSpacingTooTight,
                    format!("line {} dp for text {} dp", e.line_height_dp, e.text_dp),
                );
            }
        }
        // WCAG 2.x SC 1.4.3 (text) and 1.4.11 (non-text): the thresholds the MIIT rules adopt.
        let needed = if has_text(e) && e.text_dp <= 18 { 4.5 } else { 3.0 };
        match (screen.theme.rgb(e.fg), screen.theme.rgb(e.bg)) {
            (Some(fg), Some(bg)) => {
                let ratio = contrast_ratio(fg, bg);
                if ratio < needed {
                    v(&e.id, AuditRule::LowContrast, format!("{ratio:.2}:1 < {needed}:1 ({:?} on {:?})", e.fg, e.bg));
                }
            }
            _ => v(&e.id, AuditRule::LowContrast, format!("{:?} or {:?} has no value in the theme", e.fg, e.bg)),
        }
        if e.role.is_interactive() || e.intent.is_some() {
            let min = if elder { ELDER_MIN_TOUCH_DP } else { MIN_TOUCH_DP };
            if e.min_touch_dp < min {
                v(&e.id, AuditRule::TouchTargetTooSmall, format!("{} dp < {min} dp", e.min_touch_dp));
            }
        }
        let means = e.fg.carries_meaning() || e.bg.carries_meaning();
        if means && e.cue.as_ref().is_none_or(|c| c.word.trim().is_empty()) {
            v(&e.id, AuditRule::ColourOnlyCue, format!("{:?} on {:?} without an icon and a word", e.fg, e.bg));
        }
    }
    if screen.expires_at_ms.is_some()
        && !screen.elements.iter().any(|e| e.intent == Some(Intent::Refresh) && e.min_touch_dp > 0)
    {
        v("screen", AuditRule::TimeLimitWithoutExtension, "the content expires and nothing renews it".into());
    }
    if elder {
        let largest = screen.elements.iter().filter(|e| has_text(e)).max_by_key(|e| e.text_dp);
        match largest {
            Some(e) if e.text_dp >= ELDER_LARGEST_TEXT_DP => {}
            Some(e) => {
                v(&e.id, AuditRule::LargestTextTooSmall, format!("{} dp < {ELDER_LARGEST_TEXT_DP} dp", e.text_dp))
            }
            None => v("screen", AuditRule::LargestTextTooSmall, "no text at all".into()),
        }
        let tiles: Vec<&Element> = screen.elements.iter().filter(|e| e.role == Role::Tile).collect();
        if let Some(extra) = tiles.get(ELDER_MAX_TILES) {
            v(&extra.id, AuditRule::TooManyTiles, format!("{} tiles > {ELDER_MAX_TILES}", tiles.len()));
        }
        if let Some(second) = screen.elements.iter().filter(|e| e.primary).nth(1) {
            v(&second.id, AuditRule::TooManyPrimaryActions, "a second primary action".into());
        }
        let help = screen.elements.iter().any(|e| {
            e.role == Role::HelpCall && matches!(e.intent, Some(Intent::CallHotline { .. } | Intent::AskFamily))
        });
        if !help {
            v("screen", AuditRule::NoHelp, "no help call".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;
    use crate::screens::page::{Ctx, Page, Tone};
    use crate::screens::theme::{Colour, TextSize};
    use crate::screens::{Icon, ScreenName, ScreenState, Settings};

    /// A clean screen of the mode, with one button and one coloured banner, to break one rule at a time.
    fn clean(elder: bool) -> Screen {
        let ctx = Ctx::new(elder, Locale::ZhCn, Settings::default());
        let mut p = Page::new(&ctx, ScreenName::Settings);
        p.text("body", "正文");
        p.button("ok", "确定", Intent::Refresh).primary();
        p.banner("state", Tone::Success, Icon::Check, "有效".into(), "证照有效。".into());
        let s = p.finish(ScreenState::Full);
        assert_eq!(audit(&s), [], "the baseline is clean");
        s
    }

    fn el<'a>(s: &'a mut Screen, id: &str) -> &'a mut Element {
        s.elements.iter_mut().find(|e| e.id == id).expect("element")
    }

    /// Exactly this rule is broken, and on this element.
    fn only(s: &Screen, rule: AuditRule, id: &str) {
        let found = audit(s);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].rule, found[0].element_id.as_str()), (rule, id), "{found:?}");
    }

    #[test]
    fn elder_text_below_18_dp_fails() {
        let mut s = clean(true);
        el(&mut s, "body").text_dp = 16;
        el(&mut s, "body").line_height_dp = 24;
        only(&s, AuditRule::TextTooSmall, "body");
        // The same size is allowed in standard mode.
        let mut s = clean(false);
        el(&mut s, "body").text_dp = 16;
        assert_eq!(audit(&s), []);
    }

    #[test]
    fn elder_largest_text_below_30_dp_fails() {
        let mut s = clean(true);
        let title = el(&mut s, "title");
        title.size = TextSize::Title;
        title.text_dp = 26;
        only(&s, AuditRule::LargestTextTooSmall, "title");
    }

    #[test]
    fn touch_targets_below_60_elder_and_44_standard_fail() {
        let mut s = clean(true);
        el(&mut s, "ok").min_touch_dp = 48;
        only(&s, AuditRule::TouchTargetTooSmall, "ok");
        let mut s = clean(false);
        el(&mut s, "ok").min_touch_dp = 40;
        only(&s, AuditRule::TouchTargetTooSmall, "ok");
        let mut s = clean(false);
        el(&mut s, "ok").min_touch_dp = 44;
        assert_eq!(audit(&s), []);
    }

    #[test]
    fn low_contrast_fails_with_the_theme_values() {
        let mut s = clean(false);
        // Light grey on white: 2.3:1.
        s.theme.swatches.iter_mut().find(|w| w.colour == Colour::Muted).expect("muted").hex = "#AAAAAA".into();
        el(&mut s, "body").fg = Colour::Muted;
        only(&s, AuditRule::LowContrast, "body");
        // #767676 passes for small text (4.54:1); #949494 (3.03:1) passes only above 18 dp.
        s.theme.swatches.iter_mut().find(|w| w.colour == Colour::Muted).expect("muted").hex = "#767676".into();
        assert_eq!(audit(&s), []);
        s.theme.swatches.iter_mut().find(|w| w.colour == Colour::Muted).expect("muted").hex = "#949494".into();
        only(&s, AuditRule::LowContrast, "body");
        let body = el(&mut s, "body");
        (body.text_dp, body.line_height_dp) = (20, 28);
        assert_eq!(audit(&s), []);
    }

    #[test]
    fn tight_line_spacing_fails() {
        let mut s = clean(false);
        let body = el(&mut s, "body");
        body.line_height_dp = body.text_dp * 12 / 10;
        only(&s, AuditRule::LineSpacingTooTight, "body");
    }

    #[test]
    fn colour_as_the_only_cue_fails() {
        let mut s = clean(false);
        el(&mut s, "state").cue = None;
        only(&s, AuditRule::ColourOnlyCue, "state");
        let mut s = clean(false);
        el(&mut s, "body").fg = Colour::DangerFg;
        only(&s, AuditRule::ColourOnlyCue, "body");
    }

    #[test]
    fn pop_ups_and_adverts_fail() {
        for role in [Role::Dialog, Role::Advert] {
            let mut s = clean(false);
            el(&mut s, "body").role = role;
            only(&s, AuditRule::PopUpOrAdvert, "body");
        }
    }

    #[test]
    fn a_time_limit_needs_a_way_to_extend() {
        let mut s = clean(true);
        s.expires_at_ms = Some(30_000);
        assert_eq!(audit(&s), [], "the Refresh button extends it");
        el(&mut s, "ok").intent = None;
        el(&mut s, "ok").role = Role::Text;
        el(&mut s, "ok").min_touch_dp = 0;
        only(&s, AuditRule::TimeLimitWithoutExtension, "screen");
    }

    #[test]
    fn missing_speakable_text_fails() {
        let mut s = clean(false);
        el(&mut s, "body").speakable = " ".into();
        only(&s, AuditRule::NoSpeakableText, "body");
    }

    #[test]
    fn elder_more_than_six_tiles_fails() {
        let ctx = Ctx::new(true, Locale::ZhCn, Settings::default());
        let mut p = Page::new(&ctx, ScreenName::Home);
        for i in 0..7 {
            p.add(format!("tile_{i}"), Role::Tile, "服务").intent(Intent::AskFamily);
        }
        only(&p.finish(ScreenState::Full), AuditRule::TooManyTiles, "tile_6");
    }

    #[test]
    fn elder_second_primary_action_fails() {
        let mut s = clean(true);
        el(&mut s, "help").primary = true;
        only(&s, AuditRule::TooManyPrimaryActions, "help");
        // Standard mode allows several.
        let mut s = clean(false);
        el(&mut s, "body").primary = true;
        assert_eq!(audit(&s), []);
    }

    #[test]
    fn elder_without_help_fails() {
        let mut s = clean(true);
        s.elements.retain(|e| e.role != Role::HelpCall);
        only(&s, AuditRule::NoHelp, "screen");
        let mut s = clean(true);
        el(&mut s, "help").intent = Some(Intent::Refresh);
        only(&s, AuditRule::NoHelp, "screen");
    }
}
