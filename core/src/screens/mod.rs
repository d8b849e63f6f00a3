//! Screens: the view model of every screen, decided here so Android and iOS show and say the same thing.
//!
//! A shell draws [`Element`]s in order and sends back the [`Intent`] of what was tapped; it decides no content.
//! Elder mode (长辈版) changes the content, not only the size: fewer and larger choices, one question per step,
//! plain wording, at most one primary action, and a way to call for help on every screen. [`audit`] checks any
//! screen against the MIIT 2021 ageing-friendly rules (适老化), and the tests run it over every screen in every
//! state, mode and language.
//!
//! Screens are built from data the core already holds (cached catalog, wallet, profile); the builders are pure
//! functions of [`Input`], so tests build them from fixtures and the façade (`screens_api.rs`) from the database.

mod applications;
mod assistant;
pub mod audit;
mod catalog;
mod home;
pub(crate) mod page;
mod plan;
mod reviews;
pub(crate) mod text;
pub mod theme;
mod wallet;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;

use onego_protocol::api::{Application, Profile, Review, ReviewLevel};

use crate::apply::{Consent, Delegations, Draft, DraftSummary};
use crate::assistant::AssistantAnswer;
use crate::catalog::Guide;
use crate::catalog::search::SearchHit;
use crate::i18n::Locale;
use crate::notifications::Notification;
use crate::wallet::present::{Presentation, Purpose, QrMatrix};
use crate::wallet::usage::UsageEntry;
use crate::wallet::verifier::Verdict;
use crate::wallet::{LicenceSummary, LicenceView};
pub use audit::{AuditRule, Violation, audit};
pub(crate) use page::Ctx;
pub use theme::{Colour, Swatch, TextSize, Theme};

/// Every screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ScreenName {
    Home,
    SignIn,
    Profile,
    /// Search results over the cached catalog.
    Search,
    /// The help assistant: a question, its answer, the one next action, and 12345 when it does not know.
    Assistant,
    /// A matter's or a bundle's guide (办事指南).
    Guide,
    /// A bundle's guided questions (情形引导).
    BundleWizard,
    /// The plan of a bundle (the one form, what is spared) and the consent that submits it.
    Plan,
    Drafts,
    /// The applications (办事进度), or one application's detail when the id is an application's.
    Applications,
    /// The licence list (证照夹).
    Wallet,
    Licence,
    /// 亮证: a licence shown as a QR code.
    Present,
    /// Verifier mode: the verdict on a scanned licence.
    Verifier,
    UsageLog,
    Reviews,
    Delegations,
    Notifications,
    Settings,
}

impl ScreenName {
    pub const ALL: [Self; 19] = [
        Self::Home,
        Self::SignIn,
        Self::Profile,
        Self::Search,
        Self::Assistant,
        Self::Guide,
        Self::BundleWizard,
        Self::Plan,
        Self::Drafts,
        Self::Applications,
        Self::Wallet,
        Self::Licence,
        Self::Present,
        Self::Verifier,
        Self::UsageLog,
        Self::Reviews,
        Self::Delegations,
        Self::Notifications,
        Self::Settings,
    ];

    /// The stable name (`bundle_wizard`), as in JSON.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::SignIn => "sign_in",
            Self::Profile => "profile",
            Self::Search => "search",
            Self::Assistant => "assistant",
            Self::Guide => "guide",
            Self::BundleWizard => "bundle_wizard",
            Self::Plan => "plan",
            Self::Drafts => "drafts",
            Self::Applications => "applications",
            Self::Wallet => "wallet",
            Self::Licence => "licence",
            Self::Present => "present",
            Self::Verifier => "verifier",
            Self::UsageLog => "usage_log",
            Self::Reviews => "reviews",
            Self::Delegations => "delegations",
            Self::Notifications => "notifications",
            Self::Settings => "settings",
        }
    }

    /// Parses `bundle_wizard` or `bundle-wizard`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|n| n.key() == s)
    }
}

/// The main states every screen is built (and audited) in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ScreenState {
    /// Nothing to show yet; the screen says so and offers the next step.
    Empty,
    /// Waiting for a refresh the shell started.
    Loading,
    /// No connection: what is saved on the phone, under a banner that says so.
    Offline,
    /// Something failed: what happened in plain words, and what to do next.
    Error,
    Full,
}

impl ScreenState {
    pub const ALL: [Self; 5] = [Self::Empty, Self::Loading, Self::Offline, Self::Error, Self::Full];

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|st| serde_json::to_value(st).ok().and_then(|v| v.as_str().map(|v| v == s.trim())) == Some(true))
    }
}

/// What an element is, for the shell's widget choice and the screen reader's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Heading,
    Text,
    Button,
    /// A large square choice (elder home).
    Tile,
    ListItem,
    TextField,
    /// An on/off switch; `checked` holds its state.
    Toggle,
    /// A QR code; `qr` holds its modules.
    Qr,
    /// A message across the screen (offline, error, a licence's state).
    Banner,
    /// The way to call for help (12345), on every elder screen.
    HelpCall,
    /// A pop-up over the screen. No screen uses one: the audit refuses it (MIIT: no pop-ups).
    Dialog,
    /// Advertising. No screen uses one: the audit refuses it (MIIT: no ads).
    Advert,
}

impl Role {
    /// Roles a finger uses even without an intent.
    pub(crate) fn is_interactive(self) -> bool {
        matches!(self, Self::Button | Self::Tile | Self::TextField | Self::Toggle | Self::HelpCall)
    }
}

/// A pictogram the shell draws from its own icon set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Icon {
    Check,
    Clock,
    Cross,
    Pause,
    Question,
    Info,
    Offline,
    Phone,
    Family,
    Pension,
    Medical,
    Card,
    Licence,
    Progress,
    Search,
    Qr,
    Scan,
    Settings,
    Bell,
    Star,
    Document,
    Back,
}

/// What a colour means, said again as an icon and a word (colour is never the only cue).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Cue {
    pub icon: Icon,
    pub word: String,
}

/// The keyboard and checks of a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Text,
    Number,
    Date,
    Phone,
    /// A one-time code.
    Code,
    Search,
}

/// A user setting, as stored and as changed by an intent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "setting", rename_all = "snake_case")]
pub enum Setting {
    /// 长辈版.
    ElderMode {
        on: bool,
    },
    /// Text size on top of the system's font scale, 100–200 %.
    TextScale {
        percent: i32,
    },
    Language {
        locale: Locale,
    },
    /// Read every screen aloud when it opens.
    VoiceReadOut {
        on: bool,
    },
}

/// The user's settings, kept on the phone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Settings {
    pub elder_mode: bool,
    pub text_scale_percent: i32,
    /// `None`: the language the core was opened with.
    pub language: Option<Locale>,
    /// Defaults to on in elder mode until the user chooses.
    pub voice_read_out: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self { elder_mode: false, text_scale_percent: 100, language: None, voice_read_out: false }
    }
}

/// The text scales offered on the settings screen.
pub const TEXT_SCALES: [i32; 4] = [100, 115, 130, 150];

/// What a tap sends back to the core (through the shell).
///
/// Where a value is `None`, the shell reads it from the screen's text field named in the doc.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intent {
    /// Open a screen that needs no parameter.
    Open {
        screen: ScreenName,
    },
    /// Search the catalog; `None`: the text of field `query`.
    Search {
        query: Option<String>,
    },
    /// A matter's or bundle's guide.
    OpenGuide {
        id: String,
    },
    /// The bundle's guided questions from the first.
    StartBundle {
        id: String,
    },
    /// An answer; `None`: the text of the field named after the question. `next_step` 0: the questions are done.
    AnswerQuestion {
        bundle_id: String,
        question_id: String,
        value: Option<String>,
        next_step: i32,
    },
    GoToStep {
        bundle_id: String,
        step: i32,
    },
    ShowPlan {
        bundle_id: String,
    },
    ShowLicence {
        id: String,
    },
    /// An application's progress (办件详情).
    OpenApplication {
        id: String,
    },
    Present {
        id: String,
        purpose: Purpose,
    },
    /// Build this screen again: retry after an error, or a new QR code before the old one expires.
    Refresh,
    RefreshWallet,
    SyncCatalog,
    /// Open the camera and verify what it scans.
    ScanToVerify,
    CallHotline {
        number: String,
    },
    /// Ask a family member to act for me (亲友代办).
    AskFamily,
    ChangeSetting {
        setting: Setting,
    },
    /// Text a code to the number in field `phone`.
    SendCode,
    /// Sign in with fields `phone` and `code`.
    SignIn,
    SignOut,
    /// A draft's plan and form (the plan screen with the draft's id).
    ResumeDraft {
        id: String,
    },
    /// Saves one field of a draft's form; `None`: the text of the field named `key`.
    SaveField {
        draft_id: String,
        key: String,
        value: Option<String>,
    },
    /// Agrees to the consent on the screen and submits the draft: the shell passes the screen's typed fields to
    /// `Onego::submit_from_screen`, which saves them into the draft first.
    SubmitDraft {
        draft_id: String,
    },
    /// Fetches the applications' progress from the platform.
    SyncApplications,
    /// Asks the assistant; `None`: the text of field `question`.
    AskAssistant {
        question: Option<String>,
    },
    /// Lets the person with the phone number in field `phone` act for me for `scope` (bundle or matter ids) for
    /// `days` days (`None`: the number in field `days`).
    GrantDelegation {
        scope: Vec<String>,
        days: Option<i32>,
    },
    RevokeDelegation {
        id: String,
    },
    /// The rating form with what is chosen so far (the reviews screen with `rating`).
    RateMatter {
        rating: Rating,
    },
    /// Sends the rating (or the follow-up review when `review_id` is set); the comment is the text of field
    /// `comment`.
    SubmitReview {
        rating: Rating,
    },
    /// Appeals my own review as filed by mistake (误评申诉), with the reason the screen words.
    AppealReview {
        review_id: String,
        reason: String,
    },
}

/// A rating being chosen: the matter (or bundle, without `matter_id`) and, once picked, the level and its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Rating {
    pub application_id: String,
    pub matter_id: Option<String>,
    /// The matter's or bundle's name, as the screen shows it.
    pub subject_name: String,
    /// Set for the one follow-up review (追评) of this review.
    pub review_id: Option<String>,
    pub level: Option<ReviewLevel>,
    pub tags: Vec<String>,
}

/// One thing on a screen, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Element {
    /// Unique on the screen; also the field name intents refer to.
    pub id: String,
    pub role: Role,
    pub text: String,
    /// What TalkBack, VoiceOver and the read-out say: a full sentence.
    pub speakable: String,
    pub size: TextSize,
    /// `size` resolved for the mode and the text scale.
    pub text_dp: i32,
    pub line_height_dp: i32,
    /// The smallest side of the touch target; 0 for what cannot be touched.
    pub min_touch_dp: i32,
    pub fg: Colour,
    pub bg: Colour,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<Icon>,
    /// Set whenever the colours carry a meaning (a licence's state, an error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<Cue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// The screen's main action (at most one in elder mode).
    pub primary: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<InputKind>,
    /// A text field's current text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A toggle's state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr: Option<QrMatrix>,
}

/// A screen's view model.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Screen {
    pub name: ScreenName,
    pub title: String,
    pub elder: bool,
    pub locale: Locale,
    pub state: ScreenState,
    pub elements: Vec<Element>,
    pub theme: Theme,
    /// The whole screen as one text, in reading order, for the voice read-out.
    pub read_out: String,
    /// Read the screen aloud as it opens (the voice read-out setting).
    pub read_aloud: bool,
    /// When the content stops being valid (a licence QR); the screen then carries a `Refresh` to renew it, and
    /// the shell renews it by itself before this time.
    pub expires_at_ms: Option<i64>,
}

/// How to build a screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ScreenOptions {
    /// `None`: the saved setting.
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub elder: Option<bool>,
    /// `None`: the saved language, else the core's.
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub locale: Option<Locale>,
    /// `None`: from the data (empty or full). A shell passes `Loading` while it refreshes, `Offline` when the
    /// system reports no network; `Empty` and `Error` force those states (tests, previews).
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub state: Option<ScreenState>,
    /// The matter, bundle or licence id.
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub id: Option<String>,
    /// Search and assistant text.
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub query: Option<String>,
    /// The wizard's step, from 1; 0 is the first.
    #[cfg_attr(feature = "ffi", uniffi(default = 0))]
    pub step: i32,
    /// Why a licence is shown (present screen); `None`: the licence's most common purpose.
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub purpose: Option<Purpose>,
    /// Verifier mode: the text the camera scanned.
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub scanned: Option<String>,
    /// Reviews screen: the rating being chosen (from a `RateMatter` intent).
    #[cfg_attr(feature = "ffi", uniffi(default = None))]
    pub rating: Option<Rating>,
}

/// A catalog bundle as the home screen offers it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct BundleLink {
    pub id: String,
    pub name: String,
    pub name_en: String,
}

/// Everything a screen may show, gathered by the façade (or a test). Screens read what they need; the
/// default is the empty state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Input {
    pub settings: Settings,
    pub profile: Option<Profile>,
    pub bundles: Vec<BundleLink>,
    pub catalog_items: i32,
    pub hits: Vec<SearchHit>,
    pub guide: Option<Guide>,
    pub licences: Vec<LicenceSummary>,
    pub licence: Option<LicenceView>,
    pub presentation: Option<Presentation>,
    pub verdict: Option<Verdict>,
    pub usage: Vec<UsageEntry>,
    pub draft: Option<Draft>,
    pub consent: Option<Consent>,
    pub drafts: Vec<DraftSummary>,
    pub applications: Vec<Application>,
    /// The application whose detail is shown.
    pub application: Option<Application>,
    pub delegations: Option<Delegations>,
    pub notifications: Vec<Notification>,
    /// Catalog names of field keys and `matter/material` ids, for what a 补正 request needs.
    pub labels: std::collections::HashMap<String, String>,
    pub answer: Option<AssistantAnswer>,
    pub reviews: Vec<Review>,
    // Parameters, kept in the empty state.
    pub id: String,
    pub query: String,
    pub step: i32,
    pub purpose: Option<Purpose>,
    pub rating: Option<Rating>,
}

impl Input {
    /// The same parameters without data.
    pub(crate) fn emptied(&self) -> Self {
        Self {
            settings: self.settings.clone(),
            id: self.id.clone(),
            query: self.query.clone(),
            step: self.step,
            purpose: self.purpose,
            rating: self.rating.clone(),
            ..Self::default()
        }
    }

    /// Whether this screen has nothing of its own to show.
    pub(crate) fn is_empty_for(&self, name: ScreenName) -> bool {
        match name {
            ScreenName::Home => self.catalog_items == 0 && self.licences.is_empty() && self.profile.is_none(),
            ScreenName::SignIn | ScreenName::Settings => false,
            ScreenName::Profile => self.profile.is_none(),
            ScreenName::Search => self.hits.is_empty(),
            ScreenName::Guide | ScreenName::BundleWizard => self.guide.is_none(),
            ScreenName::Wallet => self.licences.is_empty(),
            ScreenName::Licence => self.licence.is_none(),
            ScreenName::Present => self.presentation.is_none(),
            ScreenName::Verifier => self.verdict.is_none(),
            ScreenName::UsageLog => self.usage.is_empty(),
            ScreenName::Assistant => self.answer.is_none(),
            ScreenName::Plan => self.draft.is_none(),
            ScreenName::Drafts => self.drafts.is_empty(),
            ScreenName::Applications => self.applications.is_empty() && self.application.is_none(),
            ScreenName::Reviews => {
                self.rating.is_none() && self.reviews.is_empty() && reviews::to_rate(self).is_empty()
            }
            ScreenName::Delegations => {
                self.delegations.as_ref().is_none_or(|d| d.granted.is_empty() && d.received.is_empty())
            }
            ScreenName::Notifications => self.notifications.is_empty(),
        }
    }
}

/// Builds a screen in a state. `error` words the failure for the error state.
pub(crate) fn build(
    name: ScreenName,
    ctx: &Ctx,
    state: ScreenState,
    input: &Input,
    error: Option<&crate::OnegoError>,
) -> Screen {
    let mut p = page::Page::new(ctx, name);
    let emptied;
    let input = match state {
        ScreenState::Loading => return p.loading(),
        ScreenState::Error => return p.failed(error),
        ScreenState::Empty => {
            emptied = input.emptied();
            &emptied
        }
        ScreenState::Offline => {
            p.offline_banner();
            input
        }
        ScreenState::Full => input,
    };
    match name {
        ScreenName::Home => home::home(&mut p, input),
        ScreenName::SignIn => home::sign_in(&mut p),
        ScreenName::Profile => home::profile(&mut p, input),
        ScreenName::Settings => home::settings(&mut p, input),
        ScreenName::Search => catalog::search(&mut p, input),
        ScreenName::Guide => catalog::guide(&mut p, input),
        ScreenName::BundleWizard => catalog::wizard(&mut p, input),
        ScreenName::Wallet => wallet::list(&mut p, input),
        ScreenName::Licence => wallet::licence(&mut p, input),
        ScreenName::Present => wallet::present(&mut p, input),
        ScreenName::Verifier => wallet::verifier(&mut p, input),
        ScreenName::UsageLog => wallet::usage(&mut p, input),
        ScreenName::Assistant => assistant::assistant(&mut p, input),
        ScreenName::Notifications => assistant::notifications(&mut p, input),
        ScreenName::Plan => plan::plan(&mut p, input),
        ScreenName::Drafts => plan::drafts(&mut p, input),
        ScreenName::Applications => applications::applications(&mut p, input),
        ScreenName::Delegations => applications::delegations(&mut p, input),
        ScreenName::Reviews => reviews::reviews(&mut p, input),
    }
    p.finish(state)
}
