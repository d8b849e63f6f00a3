//! The screens' part of the `Onego` façade: live view models from the core's own data (cached catalog, wallet,
//! profile), offline, and the user's settings kept in the `kv` table.

use std::collections::HashMap;

use onego_protocol::api::AnswerKind;
use onego_protocol::plan::AnswerValue;
use rusqlite::Connection;

use crate::apply::{Draft, QueuedSubmission};

use crate::error::{CoreError, CoreResult};
use crate::i18n::{Locale, Msg};
use crate::screens::{self, BundleLink, Ctx, Input, Screen, ScreenName, ScreenOptions, ScreenState, Setting, Settings};
use crate::store::{kv_get, kv_set};
use crate::wallet::present::{ONLINE_PREFIX, PresentRequest, Purpose};
use crate::{Onego, OnegoError};

const KEY_ELDER: &str = "settings.elder_mode";
const KEY_TEXT_SCALE: &str = "settings.text_scale";
const KEY_LANGUAGE: &str = "settings.language";
const KEY_VOICE: &str = "settings.voice_read_out";

/// How many search hits a screen lists.
const SCREEN_HITS: i32 = 20;

fn flag(v: Option<String>) -> Option<bool> {
    v.map(|v| v == "1")
}

fn read_settings(conn: &Connection) -> CoreResult<Settings> {
    let elder_mode = flag(kv_get(conn, KEY_ELDER)?).unwrap_or(false);
    let text_scale_percent = kv_get(conn, KEY_TEXT_SCALE)?.and_then(|v| v.parse().ok()).unwrap_or(100);
    let language = kv_get(conn, KEY_LANGUAGE)?.map(|t| Locale::from_tag(&t));
    // Until the user chooses, elder mode reads screens aloud.
    let voice_read_out = flag(kv_get(conn, KEY_VOICE)?).unwrap_or(elder_mode);
    Ok(Settings { elder_mode, text_scale_percent, language, voice_read_out })
}

fn write_setting(conn: &Connection, setting: &Setting) -> CoreResult<()> {
    let bit = |on: bool| if on { "1" } else { "0" };
    match setting {
        Setting::ElderMode { on } => kv_set(conn, KEY_ELDER, bit(*on))?,
        Setting::TextScale { percent } => {
            if !(100..=200).contains(percent) {
                return Err(CoreError::Validation { field: "text_scale".into(), detail: "100%–200%".into() });
            }
            kv_set(conn, KEY_TEXT_SCALE, &percent.to_string())?;
        }
        Setting::Language { locale } => kv_set(conn, KEY_LANGUAGE, locale.tag())?,
        Setting::VoiceReadOut { on } => kv_set(conn, KEY_VOICE, bit(*on))?,
    }
    Ok(())
}

fn bundle_links(conn: &Connection) -> CoreResult<Vec<BundleLink>> {
    let mut stmt = conn.prepare("SELECT id, name, name_en FROM catalog_item WHERE kind = 'bundle' ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok(BundleLink { id: r.get(0)?, name: r.get(1)?, name_en: r.get(2)? }))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Catalog names of what a 补正 request may name: field keys and `matter/material` ids of the service.
fn need_labels(conn: &Connection, service_id: &str) -> CoreResult<HashMap<String, String>> {
    let (_, matters) = crate::plan_api::service(conn, service_id)?;
    let mut out = HashMap::new();
    for m in &matters {
        for f in &m.fields {
            out.entry(f.key.clone()).or_insert_with(|| f.label.clone());
        }
        for mat in &m.materials {
            out.insert(format!("{}/{}", m.id, mat.id), mat.name.clone());
        }
    }
    Ok(out)
}

/// A wizard answer as the shell sends it (the button's value or the field's text), typed by the question.
fn answer_value(kind: &AnswerKind, text: &str) -> Result<AnswerValue, CoreError> {
    let t = text.trim();
    let bad = |detail: &str| CoreError::Validation { field: "value".into(), detail: detail.into() };
    Ok(match kind {
        AnswerKind::Bool => match t {
            "true" | "是" => AnswerValue::Bool(true),
            "false" | "否" => AnswerValue::Bool(false),
            _ => return Err(bad("请选择“是”或“否”")),
        },
        AnswerKind::Number => AnswerValue::Number(t.parse().map_err(|_| bad("请输入数字"))?),
        AnswerKind::Date => AnswerValue::Date(t.to_owned()),
        AnswerKind::Choice | AnswerKind::Text => AnswerValue::Text(t.to_owned()),
    })
}

/// The failure worded in the screen's language (the façade words it in the core's).
fn reworded(e: OnegoError, core: Locale, screen: Locale) -> OnegoError {
    if core == screen {
        return e;
    }
    let m = |msg: Msg| screen.text(msg).to_owned();
    match e {
        OnegoError::Offline { .. } => OnegoError::Offline { message: m(Msg::ErrOffline) },
        OnegoError::Network { .. } => OnegoError::Network { message: m(Msg::ErrServer) },
        OnegoError::Unauthorized { .. } => OnegoError::Unauthorized { message: m(Msg::ErrSignIn) },
        OnegoError::Validation { field, .. } => OnegoError::Validation { field, message: m(Msg::ErrValidation) },
        OnegoError::Integrity { .. } => OnegoError::Integrity { message: m(Msg::ErrIntegrity) },
        OnegoError::NotFound { .. } => OnegoError::NotFound { message: m(Msg::ErrNotFound) },
        OnegoError::Conflict { .. } => OnegoError::Conflict { message: m(Msg::ErrConflict) },
        OnegoError::Storage { .. } => OnegoError::Storage { message: m(Msg::ErrStorage) },
        OnegoError::Internal { .. } => OnegoError::Internal { message: m(Msg::ErrInternal) },
    }
}

/// `Ok(None)` for what is simply not there (not signed in, not in the cache): the screen's empty state.
fn absent_ok<T>(r: Result<T, OnegoError>) -> Result<Option<T>, OnegoError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(OnegoError::NotFound { .. } | OnegoError::Unauthorized { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Exported like the rest of the façade: a shell asks for a screen, renders it and sends back its intents.
#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// The user's settings (elder mode, text scale, language, voice read-out). Offline.
    pub async fn settings(&self) -> Result<Settings, OnegoError> {
        self.run(|i| async move { i.store.run(|c, _| read_settings(c)).await }).await
    }

    /// Changes one setting and returns them all.
    pub async fn set_setting(&self, setting: Setting) -> Result<Settings, OnegoError> {
        self.run(move |i| async move {
            i.store
                .run(move |c, _| {
                    write_setting(c, &setting)?;
                    read_settings(c)
                })
                .await
        })
        .await
    }

    /// Saves a wizard answer (`Intent::AnswerQuestion`) into the bundle's draft, starting or resuming it; the value
    /// is the button's (`true`, `随母亲`) or the field's text, typed by the question.
    pub async fn answer_question(
        &self,
        bundle_id: String,
        question_id: String,
        value: String,
    ) -> Result<Draft, OnegoError> {
        let draft = self.start_draft(bundle_id.clone(), None).await?;
        let locale = self.inner.locale;
        let kind = self
            .run(move |i| async move {
                i.store
                    .run(move |c, _| {
                        let (bundle, _) = crate::plan_api::service(c, &bundle_id)?;
                        bundle.questions.into_iter().find(|q| q.id == question_id).map(|q| (q.id, q.kind)).ok_or_else(
                            || CoreError::Validation {
                                field: "question_id".into(), detail: "没有这个问题".into()
                            },
                        )
                    })
                    .await
            })
            .await?;
        let answer = answer_value(&kind.1, &value).map_err(|e| e.public(locale))?;
        self.answer(draft.id, kind.0, answer).await
    }

    /// `Intent::SubmitDraft`: saves the fields the citizen typed on the plan screen (the form's own keys; other
    /// fields are ignored), then submits with the consent the screen showed.
    pub async fn submit_from_screen(
        &self,
        draft_id: String,
        fields: HashMap<String, String>,
    ) -> Result<QueuedSubmission, OnegoError> {
        let draft = self.draft(draft_id.clone()).await?;
        let mut typed: Vec<(String, String)> = fields
            .into_iter()
            .filter(|(k, v)| !v.trim().is_empty() && draft.plan.fields.iter().any(|f| &f.key == k))
            .filter(|(k, v)| draft.values.get(k) != Some(v))
            .collect();
        typed.sort();
        for (key, value) in typed {
            self.set_field(draft_id.clone(), key, value).await?;
        }
        self.submit(draft_id, true).await
    }

    /// A screen's view model from the data on the phone (no network). A failure to read that data comes back as
    /// the screen's error state, worded for the user; only a missing parameter is an `Err`.
    ///
    /// The present screen builds a new presentation each time, and each is written to the usage log.
    pub async fn screen(&self, name: ScreenName, opts: ScreenOptions) -> Result<Screen, OnegoError> {
        let settings = self.settings().await?;
        let elder = opts.elder.unwrap_or(settings.elder_mode);
        let core_locale = self.inner.locale;
        let locale = opts.locale.or(settings.language).unwrap_or(core_locale);
        let ctx = Ctx::new(elder, locale, settings.clone());
        let mut input = Input {
            settings,
            id: opts.id.clone().unwrap_or_default(),
            query: opts.query.clone().unwrap_or_default(),
            step: opts.step,
            purpose: opts.purpose,
            rating: opts.rating.clone(),
            ..Input::default()
        };
        // Loading, error and empty need no data, so no parameter either.
        let forced = opts.state.filter(|s| matches!(s, ScreenState::Loading | ScreenState::Error | ScreenState::Empty));
        let needs_id =
            matches!(name, ScreenName::Guide | ScreenName::BundleWizard | ScreenName::Licence | ScreenName::Present);
        if forced.is_none() && needs_id && input.id.trim().is_empty() {
            let e = CoreError::Validation { field: "id".into(), detail: format!("{} needs an id", name.key()) };
            return Err(e.public(locale));
        }
        let loaded = match forced {
            Some(_) => Ok(()),
            None => self.gather(name, &opts, &mut input).await,
        };
        let screen = match (loaded, forced, opts.state) {
            (Err(e), _, _) => {
                let e = reworded(e, core_locale, locale);
                screens::build(name, &ctx, ScreenState::Error, &input, Some(&e))
            }
            (Ok(()), Some(state), _) | (Ok(()), None, Some(state)) => screens::build(name, &ctx, state, &input, None),
            (Ok(()), None, None) => {
                let state = if input.is_empty_for(name) { ScreenState::Empty } else { ScreenState::Full };
                screens::build(name, &ctx, state, &input, None)
            }
        };
        tracing::debug!(screen = name.key(), elder, state = ?screen.state, elements = screen.elements.len(), "screen built");
        Ok(screen)
    }
}

impl Onego {
    /// Reads what the screen shows into `input`.
    async fn gather(&self, name: ScreenName, opts: &ScreenOptions, input: &mut Input) -> Result<(), OnegoError> {
        match name {
            ScreenName::Home => {
                input.profile = absent_ok(self.profile().await)?;
                input.catalog_items = self.catalog_state().await?.items;
                input.bundles = self.run(|i| async move { i.store.run(|c, _| bundle_links(c)).await }).await?;
                input.licences = self.licences().await?;
            }
            ScreenName::Profile => input.profile = absent_ok(self.profile().await)?,
            ScreenName::Search if !input.query.trim().is_empty() => {
                input.hits = self.search(input.query.clone(), SCREEN_HITS).await?;
            }
            ScreenName::Guide | ScreenName::BundleWizard => {
                input.guide = absent_ok(self.guide(input.id.clone()).await)?;
            }
            ScreenName::Wallet => input.licences = self.licences().await?,
            ScreenName::Licence => input.licence = absent_ok(self.licence(input.id.clone()).await)?,
            ScreenName::Present => {
                let Some(summary) = self.licences().await?.into_iter().find(|l| l.id == input.id) else {
                    return Ok(());
                };
                let fits = |p: &Purpose| *p != Purpose::Application && !p.default_claims(&summary.vct).is_empty();
                let purpose = opts.purpose.or_else(|| {
                    let all = Purpose::ALL.into_iter().filter(fits).collect::<Vec<_>>();
                    all.iter().copied().find(|p| *p == Purpose::IdentityCheck).or(all.first().copied())
                });
                let Some(purpose) = purpose else { return Ok(()) };
                let request = PresentRequest {
                    licence_id: summary.id.clone(),
                    purpose,
                    add: Vec::new(),
                    remove: Vec::new(),
                    aud: None,
                    nonce: None,
                };
                input.presentation = Some(self.present(request).await?);
                input.purpose = Some(purpose);
                input.licences = vec![summary];
            }
            ScreenName::Verifier => {
                if let Some(text) = opts.scanned.clone().filter(|t| !t.trim().is_empty()) {
                    // An online QR holds only a code: that one needs the network, every other kind is checked offline.
                    let verdict = if text.trim_start().starts_with(ONLINE_PREFIX) {
                        self.verify_code(text).await?
                    } else {
                        self.verify_presentation(text, None, None).await?
                    };
                    input.verdict = Some(verdict);
                }
            }
            ScreenName::UsageLog => input.usage = self.usage_log().await?,
            ScreenName::Plan if !input.id.trim().is_empty() => {
                let draft = if input.id.starts_with("d-") {
                    absent_ok(self.draft(input.id.clone()).await)?
                } else {
                    absent_ok(self.start_draft(input.id.clone(), None).await)?
                };
                if let Some(d) = draft.as_ref().filter(|d| d.state.editable()) {
                    // A delegated draft's consent needs its platform plan: offline there is none to show.
                    input.consent = self.consent(d.id.clone()).await.ok();
                }
                input.draft = draft;
            }
            ScreenName::Drafts => input.drafts = self.drafts().await?,
            ScreenName::Applications if !input.id.trim().is_empty() => {
                let app = absent_ok(self.application(input.id.clone()).await)?;
                if let Some(app) = &app {
                    let service = app.service_id.clone();
                    input.labels = self
                        .run(|i| async move { i.store.run(move |c, _| need_labels(c, &service)).await })
                        .await
                        .unwrap_or_default();
                    input.licences = self.licences().await?;
                }
                input.application = app;
            }
            ScreenName::Applications => input.applications = self.applications().await?,
            ScreenName::Delegations => {
                input.delegations = absent_ok(self.delegations().await)?;
                input.bundles = self.run(|i| async move { i.store.run(|c, _| bundle_links(c)).await }).await?;
            }
            ScreenName::Notifications => {
                input.applications = self.applications().await?;
                input.licences = self.licences().await?;
                input.reviews = self.gathered_reviews().await?;
                input.notifications = self.notifications().await?;
            }
            ScreenName::Assistant if !input.query.trim().is_empty() => {
                input.answer = Some(self.ask(input.query.clone()).await?);
            }
            ScreenName::Reviews => {
                input.applications = self.applications().await?;
                input.reviews = self.gathered_reviews().await?;
                input.rating.clone_from(&opts.rating);
            }
            _ => {}
        }
        Ok(())
    }

    /// The citizen's reviews as last seen (queued ones included), for the reviews and notifications screens.
    async fn gathered_reviews(&self) -> Result<Vec<onego_protocol::api::Review>, OnegoError> {
        Ok(self.reviews().await?.into_iter().map(|e| e.review).collect())
    }
}
