//! The screen builder: element defaults per role, the shared states (loading, error, offline), and the finishing
//! pass that resolves sizes for the mode and adds what every elder screen must carry.

use crate::OnegoError;
use crate::i18n::{Locale, Msg};
use crate::screens::text::T;
use crate::screens::theme::{Colour, TextSize, Theme};
use crate::screens::{Cue, Element, Icon, InputKind, Intent, Role, Screen, ScreenName, ScreenState, Settings};

/// The 12345 government-service hotline: the help every elder screen offers.
pub const HOTLINE: &str = "12345";

/// Who the screen is for.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub elder: bool,
    pub locale: Locale,
    pub settings: Settings,
}

impl Ctx {
    pub(crate) fn new(elder: bool, locale: Locale, settings: Settings) -> Self {
        Self { elder, locale, settings }
    }

    pub(crate) fn t(&self, t: T) -> String {
        t.text(self.locale).to_owned()
    }

    /// A text with `{0}`, `{1}` … filled in.
    pub(crate) fn f(&self, t: T, args: &[&str]) -> String {
        let mut s = t.text(self.locale).to_owned();
        for (i, a) in args.iter().enumerate() {
            s = s.replace(&format!("{{{i}}}"), a);
        }
        s
    }

    /// Catalog data with an English field: the English when wanted and present.
    pub(crate) fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.locale == Locale::En && !en.trim().is_empty() { en } else { zh }
    }

    /// `label：value`, with the colon of the language.
    pub(crate) fn colon(&self, label: &str, value: &str) -> String {
        if self.en() { format!("{label}: {value}") } else { format!("{label}：{value}") }
    }

    pub(crate) fn en(&self) -> bool {
        self.locale == Locale::En
    }
}

/// What a coloured message means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Info,
    Success,
    Warning,
    Danger,
}

impl Tone {
    fn colours(self) -> (Colour, Colour) {
        match self {
            Self::Info => (Colour::OnSurface, Colour::InfoBg),
            Self::Success => (Colour::SuccessFg, Colour::SuccessBg),
            Self::Warning => (Colour::WarningFg, Colour::WarningBg),
            Self::Danger => (Colour::DangerFg, Colour::DangerBg),
        }
    }

    /// The colour of a coloured word on the plain background.
    pub(crate) fn fg(self) -> Colour {
        match self {
            Self::Info => Colour::OnSurface,
            Self::Success => Colour::SuccessFg,
            Self::Warning => Colour::WarningFg,
            Self::Danger => Colour::DangerFg,
        }
    }
}

impl Element {
    fn new(id: String, role: Role, text: String) -> Self {
        let (size, fg, bg) = match role {
            Role::Heading => (TextSize::Title, Colour::OnSurface, Colour::Surface),
            Role::Text | Role::Qr | Role::Dialog | Role::Advert => (TextSize::Body, Colour::OnSurface, Colour::Surface),
            Role::Button => (TextSize::Label, Colour::Accent, Colour::Surface),
            Role::Tile => (TextSize::Title, Colour::OnSurface, Colour::Raised),
            Role::ListItem | Role::Toggle => (TextSize::Label, Colour::OnSurface, Colour::Surface),
            Role::TextField => (TextSize::Body, Colour::OnSurface, Colour::Raised),
            Role::Banner => (TextSize::Body, Colour::OnSurface, Colour::InfoBg),
            Role::HelpCall => (TextSize::Label, Colour::Accent, Colour::Raised),
        };
        Self {
            id,
            role,
            text,
            speakable: String::new(),
            size,
            text_dp: 0,
            line_height_dp: 0,
            min_touch_dp: 0,
            fg,
            bg,
            icon: None,
            cue: None,
            intent: None,
            primary: false,
            input: None,
            value: None,
            checked: None,
            qr: None,
        }
    }

    pub(crate) fn speak(&mut self, s: impl Into<String>) -> &mut Self {
        self.speakable = s.into();
        self
    }

    pub(crate) fn primary(&mut self) -> &mut Self {
        self.primary = true;
        self.fg = Colour::OnAccent;
        self.bg = Colour::Accent;
        self
    }

    pub(crate) fn icon(&mut self, icon: Icon) -> &mut Self {
        self.icon = Some(icon);
        self
    }

    pub(crate) fn size(&mut self, size: TextSize) -> &mut Self {
        self.size = size;
        self
    }

    pub(crate) fn intent(&mut self, intent: Intent) -> &mut Self {
        self.intent = Some(intent);
        self
    }

    pub(crate) fn checked(&mut self, on: bool) -> &mut Self {
        self.checked = Some(on);
        self
    }

    /// A coloured word that means something: the colour, an icon and the word together.
    pub(crate) fn tone(&mut self, tone: Tone, icon: Icon, word: impl Into<String>) -> &mut Self {
        self.fg = tone.fg();
        self.cue = Some(Cue { icon, word: word.into() });
        self
    }
}

/// A screen being built.
pub(crate) struct Page<'a> {
    pub ctx: &'a Ctx,
    name: ScreenName,
    title: String,
    elements: Vec<Element>,
    pub expires_at_ms: Option<i64>,
}

impl<'a> Page<'a> {
    /// A page with its heading, the largest text of the screen.
    pub(crate) fn new(ctx: &'a Ctx, name: ScreenName) -> Self {
        let title = ctx.t(T::title(name, ctx.elder));
        let mut p = Self { ctx, name, title: title.clone(), elements: Vec::new(), expires_at_ms: None };
        p.add("title", Role::Heading, title).size(TextSize::Display);
        p
    }

    pub(crate) fn elder(&self) -> bool {
        self.ctx.elder
    }

    pub(crate) fn t(&self, t: T) -> String {
        self.ctx.t(t)
    }

    pub(crate) fn f(&self, t: T, args: &[&str]) -> String {
        self.ctx.f(t, args)
    }

    pub(crate) fn add(&mut self, id: impl Into<String>, role: Role, text: impl Into<String>) -> &mut Element {
        self.elements.push(Element::new(id.into(), role, text.into()));
        let last = self.elements.len() - 1;
        &mut self.elements[last]
    }

    pub(crate) fn heading(&mut self, id: impl Into<String>, text: impl Into<String>) -> &mut Element {
        self.add(id, Role::Heading, text)
    }

    pub(crate) fn text(&mut self, id: impl Into<String>, text: impl Into<String>) -> &mut Element {
        self.add(id, Role::Text, text)
    }

    /// Secondary information (small print in standard mode; still ≥ 18 dp in elder mode).
    pub(crate) fn note(&mut self, id: impl Into<String>, text: impl Into<String>) -> &mut Element {
        let e = self.add(id, Role::Text, text).size(TextSize::Caption);
        e.fg = Colour::Muted;
        e
    }

    pub(crate) fn button(&mut self, id: impl Into<String>, text: impl Into<String>, intent: Intent) -> &mut Element {
        self.add(id, Role::Button, text).intent(intent)
    }

    pub(crate) fn item(&mut self, id: impl Into<String>, text: impl Into<String>) -> &mut Element {
        self.add(id, Role::ListItem, text)
    }

    pub(crate) fn field(
        &mut self,
        id: impl Into<String>,
        label: impl Into<String>,
        input: InputKind,
        value: Option<String>,
    ) -> &mut Element {
        let e = self.add(id, Role::TextField, label);
        e.input = Some(input);
        e.value = value;
        e
    }

    /// A message across the screen whose colour means something, said again by an icon and a word.
    pub(crate) fn banner(
        &mut self,
        id: impl Into<String>,
        tone: Tone,
        icon: Icon,
        word: String,
        text: String,
    ) -> &mut Element {
        let speak = if self.ctx.en() { format!("{word}: {text}") } else { format!("{word}：{text}") };
        let e = self.add(id, Role::Banner, text);
        (e.fg, e.bg) = tone.colours();
        e.cue = Some(Cue { icon, word });
        e.icon = Some(icon);
        e.speakable = speak;
        e
    }

    /// The elder-mode switch, on the first screen and in settings.
    pub(crate) fn elder_toggle(&mut self) {
        let on = self.ctx.elder;
        let (text, speak) = if on {
            (self.t(T::ElderOff), self.t(T::ElderOffSpeak))
        } else {
            (self.t(T::ElderOn), self.t(T::ElderOnSpeak))
        };
        self.add("elder_mode", Role::Toggle, text)
            .checked(on)
            .icon(Icon::Settings)
            .speak(speak)
            .intent(Intent::ChangeSetting { setting: crate::screens::Setting::ElderMode { on: !on } });
    }

    /// The way to call for help.
    pub(crate) fn help(&mut self) {
        if self.elements.iter().any(|e| e.role == Role::HelpCall) {
            return;
        }
        let (text, speak) = (self.t(T::HelpCall), self.t(T::HelpCallSpeak));
        self.add("help", Role::HelpCall, text)
            .icon(Icon::Phone)
            .speak(speak)
            .intent(Intent::CallHotline { number: HOTLINE.to_owned() });
    }

    pub(crate) fn offline_banner(&mut self) {
        let text = self.ctx.locale.text(Msg::ErrOffline).to_owned();
        self.banner("offline", Tone::Info, Icon::Offline, self.t(T::CueOffline), text);
    }

    pub(crate) fn loading(mut self) -> Screen {
        let (text, speak) = (self.t(T::Loading), self.t(T::LoadingSpeak));
        self.text("loading", text).icon(Icon::Clock).speak(speak);
        self.finish(ScreenState::Loading)
    }

    /// The error state: what happened in plain words and one next action.
    pub(crate) fn failed(mut self, error: Option<&OnegoError>) -> Screen {
        let message =
            error.map_or_else(|| self.ctx.locale.text(Msg::ErrInternal).to_owned(), std::string::ToString::to_string);
        self.banner("error", Tone::Danger, Icon::Cross, self.t(T::CueError), message);
        let (label, intent) = match error {
            Some(OnegoError::Unauthorized { .. }) => (T::GoSignIn, Intent::Open { screen: ScreenName::SignIn }),
            Some(OnegoError::NotFound { .. }) => (T::GoHome, Intent::Open { screen: ScreenName::Home }),
            _ => (T::TryAgain, Intent::Refresh),
        };
        let label = self.t(label);
        self.button("next", label, intent).primary();
        self.help();
        self.finish(ScreenState::Error)
    }

    /// Resolves sizes for the mode, fills speakable text, and adds help to every elder screen.
    pub(crate) fn finish(mut self, state: ScreenState) -> Screen {
        if self.ctx.elder {
            self.help();
        }
        let theme = Theme::for_mode(self.ctx.elder, self.ctx.settings.text_scale_percent);
        for e in &mut self.elements {
            e.text_dp = theme.text_dp(e.size);
            e.line_height_dp = theme.line_height_dp(e.text_dp);
            if e.role.is_interactive() || e.intent.is_some() {
                e.min_touch_dp = match (self.ctx.elder, e.role) {
                    (true, Role::Tile) => 120,
                    (true, _) => 64,
                    (false, Role::Tile) => 88,
                    (false, _) => 48,
                };
            }
            if e.speakable.trim().is_empty() {
                e.speakable = e.text.clone();
            }
        }
        let read_out = self.elements.iter().map(|e| e.speakable.as_str()).collect::<Vec<_>>().join("\n");
        Screen {
            name: self.name,
            title: self.title,
            elder: self.ctx.elder,
            locale: self.ctx.locale,
            state,
            elements: self.elements,
            theme,
            read_out,
            read_aloud: self.ctx.settings.voice_read_out,
            expires_at_ms: self.expires_at_ms,
        }
    }
}
