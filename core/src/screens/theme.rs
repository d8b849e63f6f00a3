//! Colours, text sizes and touch sizes of the two modes, as values the audit can check.
//!
//! Elements name semantic tokens; the theme holds what they are. The elder theme is darker text on white (close to
//! WCAG AAA), larger type (MIIT 2021: body ≥ 18 dp, the largest ≥ 30 dp) and larger targets (≥ 60 dp).

/// A semantic colour; the theme gives its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Surface,
    /// Tiles and cards, a step off the background.
    Raised,
    OnSurface,
    Muted,
    Accent,
    OnAccent,
    SuccessFg,
    SuccessBg,
    WarningFg,
    WarningBg,
    DangerFg,
    DangerBg,
    InfoBg,
}

impl Colour {
    pub const ALL: [Self; 13] = [
        Self::Surface,
        Self::Raised,
        Self::OnSurface,
        Self::Muted,
        Self::Accent,
        Self::OnAccent,
        Self::SuccessFg,
        Self::SuccessBg,
        Self::WarningFg,
        Self::WarningBg,
        Self::DangerFg,
        Self::DangerBg,
        Self::InfoBg,
    ];

    /// Colours that mean something (a state), so the element must also say it in a word.
    #[must_use]
    pub fn carries_meaning(self) -> bool {
        matches!(
            self,
            Self::SuccessFg
                | Self::SuccessBg
                | Self::WarningFg
                | Self::WarningBg
                | Self::DangerFg
                | Self::DangerBg
                | Self::InfoBg
        )
    }
}

/// A semantic text size; the theme resolves it to dp for the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum TextSize {
    Caption,
    Body,
    /// Buttons and list items.
    Label,
    Title,
    /// The screen's heading.
    Display,
}

/// One colour's value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Swatch {
    pub colour: Colour,
    /// `#RRGGBB`.
    pub hex: String,
}

/// What the tokens of a screen resolve to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Theme {
    /// `standard` or `elder`.
    pub name: String,
    pub swatches: Vec<Swatch>,
    /// Line height as a percentage of the text size.
    pub line_spacing_percent: i32,
    /// The user's text scale, already applied to every element's `text_dp`.
    pub text_scale_percent: i32,
}

const STANDARD: [&str; 13] = [
    "#FFFFFF", "#F2F5FA", "#1F2329", "#4E5969", "#0B57D0", "#FFFFFF", "#17692F", "#E8F5EC", "#8A4B00", "#FFF3E0",
    "#B3261E", "#FDECEA", "#E8F0FE",
];
const ELDER: [&str; 13] = [
    "#FFFFFF", "#EEF2F8", "#000000", "#333333", "#003DA5", "#FFFFFF", "#0B5A23", "#E3F2E7", "#6B3A00", "#FFEFD5",
    "#9A1B14", "#FCE4E2", "#E3ECFD",
];

impl Theme {
    #[must_use]
    pub fn for_mode(elder: bool, text_scale_percent: i32) -> Self {
        let values = if elder { ELDER } else { STANDARD };
        Self {
            name: if elder { "elder" } else { "standard" }.to_owned(),
            swatches: Colour::ALL.iter().zip(values).map(|(c, v)| Swatch { colour: *c, hex: v.to_owned() }).collect(),
            line_spacing_percent: if elder { 150 } else { 140 },
            text_scale_percent: text_scale_percent.clamp(100, 200),
        }
    }

    /// The value of a token, as `(r, g, b)`; `None` if the theme lacks it or it is not `#RRGGBB`.
    #[must_use]
    pub fn rgb(&self, colour: Colour) -> Option<(u8, u8, u8)> {
        let hex = &self.swatches.iter().find(|s| s.colour == colour)?.hex;
        let h = hex.strip_prefix('#').filter(|h| h.len() == 6)?;
        let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
        Some((byte(0)?, byte(2)?, byte(4)?))
    }

    /// The dp of a text size in this mode, scaled.
    #[must_use]
    pub fn text_dp(&self, size: TextSize) -> i32 {
        let base = match (self.name == "elder", size) {
            (false, TextSize::Caption) => 13,
            (false, TextSize::Body | TextSize::Label) => 16,
            (false, TextSize::Title) => 20,
            (false, TextSize::Display) => 26,
            (true, TextSize::Caption) => 18,
            (true, TextSize::Body) => 20,
            (true, TextSize::Label) => 22,
            (true, TextSize::Title) => 26,
            (true, TextSize::Display) => 32,
        };
        (base * self.text_scale_percent + 50) / 100
    }

    #[must_use]
    pub fn line_height_dp(&self, text_dp: i32) -> i32 {
        (text_dp * self.line_spacing_percent + 99) / 100
    }
}

/// The WCAG 2.x relative luminance of an sRGB colour (WCAG 2.2, "relative luminance"; the 0.04045 threshold
/// is the sRGB standard's, which WCAG 2.2 notes gives the same results).
#[must_use]
pub fn relative_luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), lighter over darker: 1 to 21.
#[must_use]
pub fn contrast_ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((contrast_ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic just-passing AA grey (4.54:1).
        let grey = contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255));
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
    }

    #[test]
    fn both_themes_resolve_every_token_and_scale_text() {
        for elder in [false, true] {
            let t = Theme::for_mode(elder, 100);
            assert!(Colour::ALL.iter().all(|c| t.rgb(*c).is_some()));
        }
        let elder = Theme::for_mode(true, 150);
        assert_eq!(elder.text_dp(TextSize::Body), 30);
        assert_eq!(Theme::for_mode(false, 500).text_scale_percent, 200);
    }
}
