//! Issuing authorities: the sandbox's provincial and national departments, their keys, the trust list that
//! names them and their SD-JWT VC issuer metadata.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use onego_protocol::api::IssuerMetadata;
use onego_protocol::ids::{CreditCode, uscc_check_char};
use onego_protocol::licence::{
    BIRTH_MEDICAL, BUSINESS, DRIVING, FOOD_BUSINESS, HOUSEHOLD_REGISTER, MARRIAGE, RESIDENT_ID, SOCIAL_SECURITY_CARD,
};
use onego_protocol::sdjwt::jws::Es256SigningKey;
use onego_protocol::trust::{Jwks, TrustList, TrustedIssuer};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{TRUST_LIST_ISSUER, issuer_url, trust_anchor};
use crate::catalog::{meta_get, meta_set};
use crate::seed::SeedError;
use crate::{ApiError, AppState};

/// Media type of a plain JWT (RFC 7519 §10.3.1).
pub(crate) const JWT_CONTENT_TYPE: &str = "application/jwt";
/// How long a signed trust list may be used before it must be refreshed.
const TRUST_LIST_TTL_SECS: i64 = 7 * 24 * 3600;
/// Issuers are trusted from this long before the seed …
const TRUSTED_BEFORE_SECS: i64 = 20 * 365 * 24 * 3600;
/// … until this long after it.
const TRUSTED_AFTER_SECS: i64 = 10 * 365 * 24 * 3600;
/// The meta key of the trust list's sequence number.
const SEQUENCE_KEY: &str = "trust_list_sequence";

/// One seeded issuing authority.
pub(crate) struct IssuerDef {
    pub slug: &'static str,
    pub name: &'static str,
    pub province: &'static str,
    /// Province-level GB/T 2260 code, `100000` for national departments.
    pub region: &'static str,
    /// The 9-character organisation code inside the credit code (synthetic).
    pub org: &'static str,
    pub types: &'static [&'static str],
}

impl IssuerDef {
    /// GB 32100 code of a government body: registration authority 1 (机构编制), type 1 (机关).
    pub fn credit_code(&self) -> Result<CreditCode, SeedError> {
        let first17 = format!("11{}{}", self.region, self.org);
        let check = uscc_check_char(&first17).ok_or_else(|| SeedError::Wallet(format!("bad code {first17}")))?;
        CreditCode::parse(&format!("{first17}{check}")).map_err(|e| SeedError::Wallet(format!("{first17}: {e}")))
    }
}

const POLICE: &[&str] = &[RESIDENT_ID, HOUSEHOLD_REGISTER, DRIVING];

/// The seeded issuers: three provinces' and 安徽's police, 浙江's other departments and two national ones.
pub(crate) const ISSUERS: &[IssuerDef] = &[
    IssuerDef {
        slug: "zj-gat",
        name: "浙江省公安厅",
        province: "浙江",
        region: "330000",
        org: "002482271",
        types: POLICE,
    },
    IssuerDef {
        slug: "js-gat",
        name: "江苏省公安厅",
        province: "江苏",
        region: "320000",
        org: "014000113",
        types: POLICE,
    },
    IssuerDef {
        slug: "sh-gaj",
        name: "上海市公安局",
        province: "上海",
        region: "310000",
        org: "002425138",
        types: POLICE,
    },
    IssuerDef {
        slug: "ah-gat",
        name: "安徽省公安厅",
        province: "安徽",
        region: "340000",
        org: "003281946",
        types: &[RESIDENT_ID],
    },
    IssuerDef {
        slug: "zj-mzt",
        name: "浙江省民政厅",
        province: "浙江",
        region: "330000",
        org: "002482123",
        types: &[MARRIAGE],
    },
    IssuerDef {
        slug: "zj-wsjkw",
        name: "浙江省卫生健康委员会",
        province: "浙江",
        region: "330000",
        org: "002482350",
        types: &[BIRTH_MEDICAL],
    },
    IssuerDef {
        slug: "zj-rlsbt",
        name: "浙江省人力资源和社会保障厅",
        province: "浙江",
        region: "330000",
        org: "002482448",
        types: &[SOCIAL_SECURITY_CARD],
    },
    IssuerDef {
        slug: "zj-scjgj",
        name: "浙江省市场监督管理局",
        province: "浙江",
        region: "330000",
        org: "002482569",
        types: &[BUSINESS, FOOD_BUSINESS],
    },
    IssuerDef {
        slug: "samr",
        name: "国家市场监督管理总局",
        province: "全国",
        region: "100000",
        org: "000013338",
        types: &[BUSINESS],
    },
    IssuerDef {
        slug: "mps",
        name: "公安部",
        province: "全国",
        region: "100000",
        org: "000012926",
        types: &[RESIDENT_ID],
    },
];

/// Generates every issuer's key and stores the issuers; the trust list starts at sequence 1.
pub(crate) fn seed(tx: &Transaction<'_>, now_secs: i64) -> Result<(), SeedError> {
    let rng = ring::rand::SystemRandom::new();
    let mut insert = tx.prepare(
        "INSERT INTO issuer (slug, name, province, region, credit_code, licence_types, pkcs8, kid, valid_from,
                             valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for def in ISSUERS {
        let (key, pkcs8) = Es256SigningKey::generate(&rng).map_err(|e| SeedError::Wallet(e.to_string()))?;
        insert.execute(params![
            def.slug,
            def.name,
            def.province,
            def.region,
            def.credit_code()?.as_str(),
            serde_json::to_string(def.types)?,
            pkcs8,
            key.public_jwk().thumbprint(),
            now_secs - TRUSTED_BEFORE_SECS,
            now_secs + TRUSTED_AFTER_SECS,
        ])?;
    }
    meta_set(tx, SEQUENCE_KEY, "1")?;
    Ok(())
}

/// An issuer as stored.
pub(crate) struct IssuerRow {
    pub slug: String,
    pub name: String,
    pub province: String,
    pub region: String,
    pub credit_code: String,
    pub licence_types: Vec<String>,
    pkcs8: Vec<u8>,
    pub kid: String,
    pub valid_from: i64,
    pub valid_until: i64,
}

impl IssuerRow {
    pub fn signing_key(&self, rng: &dyn ring::rand::SecureRandom) -> Result<Es256SigningKey, ApiError> {
        Es256SigningKey::from_pkcs8(&self.pkcs8, rng)
            .map_err(|e| ApiError::internal(format!("key of issuer {}: {e}", self.slug)))
    }

    fn jwks(&self) -> Result<Jwks, ApiError> {
        let key = self.signing_key(&ring::rand::SystemRandom::new())?;
        Ok(Jwks { keys: vec![key.public_jwk().clone()] })
    }
}

const COLUMNS: &str =
    "slug, name, province, region, credit_code, licence_types, pkcs8, kid, valid_from, valid_until FROM issuer";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssuerRow> {
    let types: String = r.get(5)?;
    Ok(IssuerRow {
        slug: r.get(0)?,
        name: r.get(1)?,
        province: r.get(2)?,
        region: r.get(3)?,
        credit_code: r.get(4)?,
        licence_types: serde_json::from_str(&types)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?,
        pkcs8: r.get(6)?,
        kid: r.get(7)?,
        valid_from: r.get(8)?,
        valid_until: r.get(9)?,
    })
}

pub(crate) fn load_all(conn: &Connection) -> rusqlite::Result<Vec<IssuerRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} ORDER BY slug"))?;
    stmt.query_map([], row)?.collect()
}

pub(crate) fn load(conn: &Connection, slug: &str) -> rusqlite::Result<Option<IssuerRow>> {
    conn.query_row(&format!("SELECT {COLUMNS} WHERE slug = ?1"), [slug], row).optional()
}

/// Marks a change of the issuers, so apps holding an older list replace it.
#[allow(dead_code, reason = "no issuer changes after the seed yet; key rotation will call it")]
pub(crate) fn bump_sequence(conn: &Connection) -> Result<i64, ApiError> {
    let next = sequence(conn)? + 1;
    meta_set(conn, SEQUENCE_KEY, &next.to_string())?;
    Ok(next)
}

fn sequence(conn: &Connection) -> Result<i64, ApiError> {
    meta_get(conn, SEQUENCE_KEY)?.map_or(Ok(0), |v| v.parse().map_err(ApiError::internal))
}

/// The unsigned trust list as of `now`.
pub(crate) fn trust_list_at(conn: &Connection, base: &str, now: i64) -> Result<TrustList, ApiError> {
    let issuers = load_all(conn)?
        .into_iter()
        .map(|i| {
            Ok(TrustedIssuer {
                id: issuer_url(base, &i.slug),
                jwks: i.jwks()?,
                status_lists: vec![super::status_list_url(base, &i.slug)],
                name: i.name,
                region: i.region,
                province: i.province,
                credit_code: i.credit_code,
                licence_types: i.licence_types,
                valid_from: i.valid_from,
                valid_until: i.valid_until,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(TrustList {
        iss: TRUST_LIST_ISSUER.into(),
        iat: now,
        exp: now + TRUST_LIST_TTL_SECS,
        sequence: sequence(conn)?,
        issuers,
    })
}

/// The national trust list: every issuing authority, the licence types it may issue and its keys.
///
/// A compact JWS (`typ: trust-list+jwt`, ES256) signed by the national trust anchor, whose public key apps pin;
/// its payload is a `TrustList`. Valid for seven days; `sequence` grows whenever the issuers change.
#[utoipa::path(get, path = "/v1/trust-list", tag = "wallet",
    responses(
        (status = 200, description = "The signed trust list (compact JWS; payload: TrustList)", body = String,
            content_type = "application/jwt"),
    ))]
pub(crate) async fn trust_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let now = state.now_ms() / 1000;
    let base = state.public_url();
    let list = state.db(move |c| trust_list_at(c, &base, now)).await?;
    let rng = ring::rand::SystemRandom::new();
    let jws = list.sign(&trust_anchor(&rng)?, &rng).map_err(ApiError::internal)?;
    Ok(jwt_response(jws, JWT_CONTENT_TYPE))
}

pub(crate) fn jwt_response(body: String, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// SD-JWT VC issuer metadata (draft-ietf-oauth-sd-jwt-vc §5): the issuer `{base}/issuers/{slug}` and its keys.
#[utoipa::path(get, path = "/.well-known/jwt-vc-issuer/issuers/{slug}", tag = "wallet",
    params(("slug" = String, Path, description = "The issuer's short name, the last segment of its identifier")),
    responses(
        (status = 200, description = "The issuer's metadata", body = IssuerMetadata),
        (status = 404, description = "No such issuer", body = onego_protocol::api::Problem),
    ))]
pub(crate) async fn issuer_metadata(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<axum::Json<IssuerMetadata>, ApiError> {
    let base = state.public_url();
    let issuer = state.db(move |c| Ok(load(c, &slug)?)).await?;
    let issuer = issuer.ok_or_else(|| ApiError::not_found("no such issuer"))?;
    Ok(axum::Json(IssuerMetadata { issuer: issuer_url(&base, &issuer.slug), jwks: issuer.jwks()? }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_distinct_with_valid_codes() {
        let mut codes = std::collections::HashSet::new();
        for (i, def) in ISSUERS.iter().enumerate() {
            assert!(ISSUERS[i + 1..].iter().all(|o| o.slug != def.slug));
            let code = def.credit_code().expect("valid code");
            assert!(code.as_str().starts_with("11"));
            assert!(codes.insert(code));
            assert!(def.types.iter().all(|t| onego_protocol::licence::by_vct(t).is_some()));
        }
        let provinces: std::collections::HashSet<_> = ISSUERS.iter().map(|d| d.province).collect();
        assert!(["浙江", "江苏", "上海", "全国"].iter().all(|p| provinces.contains(p)));
    }
}
