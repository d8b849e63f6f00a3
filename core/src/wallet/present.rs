//! 亮证: showing a licence for a purpose, with the fewest claims the purpose needs, as an SD-JWT+KB bound to
//! the device key and to the verifier's nonce — or, for a static QR, to a 30-second window.

use onego_protocol::licence;
use onego_protocol::sdjwt::{KbRequest, SdJwtParts, present};
use qrcode::{EcLevel, QrCode};

use crate::error::{CoreError, CoreResult};
use crate::wallet::device_key::DeviceSigner;

/// The audience of a static QR, when no verifier asked with its own nonce.
pub const OFFLINE_AUDIENCE: &str = "urn:onego:verifier:offline";
/// How long a static QR stays valid; the wallet shows a new one before then.
pub const QR_WINDOW_SECS: i64 = 30;

/// Why a licence is shown: each purpose preselects the fewest claims it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 年龄核验: only whether the holder is over 18.
    AgeCheck,
    /// 身份核验: name and ID number.
    IdentityCheck,
    /// 入住登记: what a hotel must register with the police.
    HotelCheckIn,
    /// 营业执照核验: who the company is.
    BusinessLicenceCheck,
    /// 驾驶资格核验: may the holder drive this class.
    DrivingCheck,
    /// 办事材料: attached to an application (免交).
    Application,
}

impl Purpose {
    pub const ALL: [Self; 6] = [
        Self::AgeCheck,
        Self::IdentityCheck,
        Self::HotelCheckIn,
        Self::BusinessLicenceCheck,
        Self::DrivingCheck,
        Self::Application,
    ];

    /// The plain-language name (zh-CN, en).
    #[must_use]
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::AgeCheck => ("年龄核验", "Age check"),
            Self::IdentityCheck => ("身份核验", "Identity check"),
            Self::HotelCheckIn => ("入住登记", "Hotel check-in"),
            Self::BusinessLicenceCheck => ("营业执照核验", "Business licence check"),
            Self::DrivingCheck => ("驾驶资格核验", "Driving check"),
            Self::Application => ("办事材料", "Application material"),
        }
    }

    /// Parses `age-check`, `age_check` or the Chinese name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().replace('-', "_");
        Self::ALL.into_iter().find(|p| {
            let (zh, en) = p.names();
            zh == s.trim()
                || en.eq_ignore_ascii_case(s.trim())
                || serde_json::to_value(p).ok().and_then(|v| v.as_str().map(|v| v == norm)).unwrap_or(false)
        })
    }

    /// The claims this purpose needs from a licence of type `vct` (none: the purpose does not fit it).
    #[must_use]
    pub fn default_claims(self, vct: &str) -> Vec<&'static str> {
        let fixed: &[&str] = match (self, vct) {
            (Self::AgeCheck, licence::RESIDENT_ID) => &["age_over_18"],
            (Self::IdentityCheck, licence::RESIDENT_ID | licence::SOCIAL_SECURITY_CARD) => &["name", "id_number"],
            (Self::HotelCheckIn, licence::RESIDENT_ID) => {
                &["name", "gender", "ethnicity", "birth_date", "address", "id_number"]
            }
            (Self::BusinessLicenceCheck, licence::BUSINESS) => &["company_name", "credit_code", "legal_rep"],
            (Self::DrivingCheck, licence::DRIVING) => &["name", "vehicle_class", "valid"],
            (Self::Application, _) => {
                return licence::by_vct(vct).map(|t| t.claims.iter().map(|(n, _)| *n).collect()).unwrap_or_default();
            }
            _ => &[],
        };
        fixed.to_vec()
    }
}

/// What the holder asks to show.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PresentRequest {
    pub licence_id: String,
    pub purpose: Purpose,
    /// Claims added to the purpose's defaults.
    pub add: Vec<String>,
    /// Claims taken away from them.
    pub remove: Vec<String>,
    /// The verifier's audience and nonce, when it asked; absent for a static QR.
    pub aud: Option<String>,
    pub nonce: Option<String>,
}

/// A QR code as a module matrix for the shells to draw.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct QrMatrix {
    pub version: i32,
    /// `L`, `M`, `Q` or `H`.
    pub ec_level: String,
    /// Modules per side.
    pub size: i32,
    /// Row-major, `true` = dark.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    /// Renders with half blocks, two rows per line, with a quiet zone (for terminals).
    #[must_use]
    pub fn to_unicode(&self) -> String {
        let size = usize::try_from(self.size).unwrap_or(0);
        let dark = |x: isize, y: isize| {
            x >= 0
                && y >= 0
                && (x as usize) < size
                && (y as usize) < size
                && self.modules[y as usize * size + x as usize]
        };
        let quiet: isize = 2;
        let mut out = String::new();
        let side = size as isize;
        let mut y = -quiet;
        while y < side + quiet {
            for x in -quiet..side + quiet {
                out.push(match (dark(x, y), dark(x, y + 1)) {
                    (true, true) => ' ',
                    (true, false) => '▄',
                    (false, true) => '▀',
                    (false, false) => '█',
                });
            }
            out.push('\n');
            y += 2;
        }
        out
    }
}

/// Encodes `text` as a QR code at level M (the smallest version that holds it).
pub(crate) fn qr(text: &str) -> CoreResult<QrMatrix> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| CoreError::Validation {
        field: "claims".into(),
        detail: format!("too long for a QR code: {e}"),
    })?;
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => i32::from(v),
    };
    let size = i32::try_from(code.width()).unwrap_or(0);
    let modules = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Ok(QrMatrix { version, ec_level: "M".into(), size, modules })
}

/// A built presentation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Presentation {
    /// The SD-JWT+KB text (for NFC, copy and paste, and online exchange).
    pub text: String,
    /// What the QR code carries: the compact `OG1:` form when it is shorter, else the text itself.
    pub qr_text: String,
    pub disclosed: Vec<String>,
    pub aud: String,
    pub nonce: String,
    /// When a verifier will stop accepting it; the shell shows a new one before then.
    pub expires_at_ms: i64,
    pub qr: Option<QrMatrix>,
    /// Bytes the QR carries.
    pub bytes: i32,
}

/// The disclosable claim names a stored credential carries.
pub(crate) fn available_claims(credential: &str) -> CoreResult<Vec<String>> {
    let parts = SdJwtParts::parse(credential).map_err(|e| CoreError::Integrity(e.to_string()))?;
    parts
        .disclosures
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let d = onego_protocol::sdjwt::Disclosure::decode(d, i).map_err(|e| CoreError::Integrity(e.to_string()))?;
            Ok(d.name().unwrap_or_default().to_owned())
        })
        .collect()
}

/// Chooses the claims: the purpose's defaults, plus and minus the holder's changes, among those the licence has.
pub(crate) fn choose_claims(req: &PresentRequest, vct: &str, available: &[String]) -> CoreResult<Vec<String>> {
    let mut chosen: Vec<String> = req.purpose.default_claims(vct).iter().map(|c| (*c).to_owned()).collect();
    if chosen.is_empty() && req.add.is_empty() {
        let (zh, _) = req.purpose.names();
        return Err(CoreError::Validation {
            field: "purpose".into(), detail: format!("「{zh}」不适用于这类证照")
        });
    }
    for a in &req.add {
        if !available.contains(a) {
            return Err(CoreError::Validation {
                field: "claims".into(), detail: format!("这张证照没有「{a}」")
            });
        }
        if !chosen.contains(a) {
            chosen.push(a.clone());
        }
    }
    chosen.retain(|c| !req.remove.contains(c) && available.contains(c));
    if chosen.is_empty() {
        return Err(CoreError::Validation { field: "claims".into(), detail: "至少要出示一项信息".into() });
    }
    Ok(chosen)
}

/// Builds the presentation (no storage; the caller logs the use).
pub(crate) fn build(
    credential: &str,
    chosen: &[String],
    req: &PresentRequest,
    signer: &DeviceSigner,
    now_ms: i64,
    random_nonce: impl FnOnce() -> CoreResult<String>,
) -> CoreResult<Presentation> {
    let aud = req.aud.clone().unwrap_or_else(|| OFFLINE_AUDIENCE.to_owned());
    let nonce = match &req.nonce {
        Some(n) => n.clone(),
        None => random_nonce()?,
    };
    let names: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let now = now_ms.div_euclid(1000);
    let text = present(credential, &names, &KbRequest { aud: &aud, nonce: &nonce, iat: now }, signer)
        .map_err(|e| CoreError::Integrity(e.to_string()))?;
    let qr_text = match onego_protocol::transport::encode(&text) {
        Ok(compact) if compact.len() < text.len() => compact,
        _ => text.clone(),
    };
    let qr = qr(&qr_text).ok();
    let bytes = i32::try_from(qr_text.len()).unwrap_or(i32::MAX);
    Ok(Presentation {
        text,
        qr_text,
        disclosed: chosen.to_vec(),
        aud,
        nonce,
        expires_at_ms: (now + QR_WINDOW_SECS) * 1000,
        qr,
        bytes,
    })
}

/// What an online-mode QR carries: this prefix and the platform's one-time code.
pub const ONLINE_PREFIX: &str = "ONEGO-P:";

/// A presentation parked on the platform under a one-time code (online QR mode).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OnlinePresentation {
    pub code: String,
    /// `ONEGO-P:<code>`: short enough for any scanner.
    pub qr_text: String,
    pub qr: Option<QrMatrix>,
    pub disclosed: Vec<String>,
    pub expires_at_ms: i64,
}
