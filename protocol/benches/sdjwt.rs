//! SD-JWT VC on ES256, side by side with the Python reference `sd-jwt` 0.10.4 (issue 3, item 8; DESIGN §10).
//!
//! Measures, on a resident-ID-card-shaped credential (`urn:cn:licence:resident-id`, 11 disclosable claims, 3
//! decoys): issuing it, building a presentation disclosing `name` and `age_over_18` with a KB-JWT, verifying that
//! presentation fully (issuer key from the trust list, signature, disclosures, validity times, KB-JWT with `aud`,
//! `nonce`, freshness and `sd_hash`), verifying 1,000 distinct presentations against a warm trust list of 15
//! issuers, and rendering the presentation as a QR code at level M.
//!
//! The keys and claims live in `fixture.json` under `$SDJWT_BENCH_DIR` (default `target/sdjwt-bench`): made here
//! on first use (P-256 keys as PKCS#8, public JWKs, the claims) and read by `bench/sdjwt_reference.py`, so both
//! sides sign with the same keys over the same claims. After the run this writes `rust-check.json` (a presentation
//! for the Python side to verify) and `rust-meta.json` (sizes, QR version). With `SDJWT_BENCH_CHECK=FILE` it only
//! verifies the presentation the Python side wrote and exits. `bench/run-sdjwt.sh` drives both and prints the
//! comparison; run alone with `cargo bench -p onego-protocol --bench sdjwt`.

#![allow(clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, SamplingMode, Throughput};
use onego_protocol::sdjwt::{
    Es256SigningKey, Header, IssueRequest, Jwk, KbRequest, SdJwtError, SoftwareHolderSigner, StatusRef, VerifiedSdJwt,
    VerifyOptions, issue, present, verify,
};
use onego_protocol::trust::TrustList;
use qrcode::{EcLevel, QrCode};
use ring::rand::SystemRandom;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Bumped when the fixture's shape changes; an older file is regenerated.
const FIXTURE_FORMAT: u32 = 1;
const RESIDENT_ID: &str = "urn:cn:licence:resident-id";
/// Presentations verified per iteration of the warm-trust-list loop.
const BATCH: usize = 1_000;

#[derive(Serialize, Deserialize)]
struct KeyFile {
    /// PKCS#8 v1 document, base64url.
    pkcs8: String,
    /// The public JWK.
    jwk: Value,
    /// RFC 7638 thumbprint: the `kid` of the issuer header, as the platform sets it.
    kid: String,
}

#[derive(Serialize, Deserialize)]
struct IssuerFile {
    id: String,
    name: String,
    province: String,
    region: String,
    credit_code: String,
    licence_types: Vec<String>,
    status_uri: String,
    key: KeyFile,
}

/// Keys and claims shared with the Python side. Licence `i` (0 for the single-operation benches) is issued by
/// the `i mod n`-th of the issuers allowed to issue `vct`, carries that issuer's `issuer_name`/`issuer_code`
/// and `status {status_list: {idx: status_idx + i, uri: its status_uri}}`, and is presented with nonce
/// `"{nonce}-{i}"`.
#[derive(Serialize, Deserialize)]
struct Fixture {
    format: u32,
    vct: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    status_idx: u64,
    /// Always-visible claims besides iss/vct/iat/nbf/exp/cnf/status.
    visible: Vec<(String, Value)>,
    /// Selectively disclosable claims, in issuing order.
    disclosable: Vec<(String, Value)>,
    decoys: usize,
    /// Claims the presentation discloses.
    disclose: Vec<String>,
    aud: String,
    nonce: String,
    batch: usize,
    holder: KeyFile,
    issuers: Vec<IssuerFile>,
}

/// A presentation and what the other side needs to verify it.
#[derive(Serialize, Deserialize)]
struct CheckFile {
    text: String,
    aud: String,
    nonce: String,
    now: i64,
    /// The claims the verifier must see disclosed, with their values.
    expect: Map<String, Value>,
}

fn bench_dir() -> PathBuf {
    std::env::var_os("SDJWT_BENCH_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/sdjwt-bench"), PathBuf::from)
}

fn now() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    i64::try_from(secs).expect("time fits i64")
}

fn new_key(rng: &SystemRandom) -> KeyFile {
    let (key, pkcs8) = Es256SigningKey::generate(rng).expect("p-256 key");
    KeyFile {
        pkcs8: URL_SAFE_NO_PAD.encode(pkcs8),
        jwk: key.public_jwk().to_json(),
        kid: key.public_jwk().thumbprint(),
    }
}

/// 15 issuers, five provinces × three departments; only the public security departments issue ID cards, so the
/// trust list lookup walks past the others.
fn new_fixture(rng: &SystemRandom, now: i64) -> Fixture {
    let base = "https://wallet.onego.example";
    let provinces = [
        ("zj", "浙江", "330000", "浙江省"),
        ("js", "江苏", "320000", "江苏省"),
        ("sh", "上海", "310000", "上海市"),
        ("ah", "安徽", "340000", "安徽省"),
        ("fj", "福建", "350000", "福建省"),
    ];
    let departments = [
        ("mz", "民政厅", "urn:cn:licence:marriage"),
        ("rs", "人力资源和社会保障厅", "urn:cn:licence:social-security-card"),
        ("gat", "公安厅", RESIDENT_ID),
    ];
    let mut issuers = Vec::new();
    for (p, (slug, province, region, full)) in provinces.iter().enumerate() {
        for (d, (dept, dept_name, vct)) in departments.iter().enumerate() {
            let slug = format!("{slug}-{dept}");
            let mut types = vec![(*vct).to_owned()];
            if *dept == "gat" {
                types.push("urn:cn:licence:driving".into());
                types.push("urn:cn:licence:household-register".into());
            }
            issuers.push(IssuerFile {
                id: format!("{base}/issuers/{slug}"),
                name: format!("{full}{dept_name}"),
                province: (*province).into(),
                region: (*region).into(),
                credit_code: format!("11{}00{:02}{:02}0000{}X", &region[..4], p, d, p + d),
                licence_types: types,
                status_uri: format!("{base}/v1/status-lists/{slug}"),
                key: new_key(rng),
            });
        }
    }
    let strs = |pairs: &[(&str, Value)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    Fixture {
        format: FIXTURE_FORMAT,
        vct: RESIDENT_ID.into(),
        iat: now - 86_400,
        nbf: now - 86_400,
        exp: now + 5 * 365 * 86_400,
        status_idx: 4_096,
        visible: strs(&[
            ("licence_name", json!("居民身份证")),
            ("licence_type_code", json!("JMSFZ")),
            ("issuer_name", json!("")),
            ("issuer_code", json!("")),
            ("valid_from", json!("2019-03-12")),
            ("valid_until", json!("2039-03-12")),
        ]),
        disclosable: strs(&[
            ("licence_id", json!("1.2.156.3005.2.JMSFZ.11330000002482063L.330106201903120001.001.K")),
            ("holder_name", json!("王晓燕")),
            ("holder_code", json!("330106199003074525")),
            ("name", json!("王晓燕")),
            ("gender", json!("女")),
            ("ethnicity", json!("汉")),
            ("birth_date", json!("1990-03-07")),
            ("address", json!("浙江省杭州市西湖区文三路 90 号 3 幢 1201 室")),
            ("id_number", json!("330106199003074525")),
            ("age_over_18", json!(true)),
            ("age_over_60", json!(false)),
        ]),
        decoys: 3,
        disclose: vec!["name".into(), "age_over_18".into()],
        aud: "https://verifier.hotel.example/checkin".into(),
        nonce: "n-7Qb2xKc9".into(),
        batch: BATCH,
        holder: new_key(rng),
        issuers,
    }
}

/// Reads the fixture, or makes and writes one.
fn load_or_make_fixture(dir: &Path, rng: &SystemRandom, now: i64) -> Fixture {
    let path = dir.join("fixture.json");
    if let Ok(text) = std::fs::read_to_string(&path)
        && let Ok(fixture) = serde_json::from_str::<Fixture>(&text)
        && fixture.format == FIXTURE_FORMAT
        && fixture.exp > now + 86_400
    {
        return fixture;
    }
    let fixture = new_fixture(rng, now);
    std::fs::create_dir_all(dir).expect("bench dir");
    std::fs::write(&path, serde_json::to_vec_pretty(&fixture).expect("fixture json")).expect("write fixture");
    eprintln!("wrote new keys and claims to {}", path.display());
    fixture
}

fn signing_key(file: &KeyFile, rng: &SystemRandom) -> Es256SigningKey {
    let pkcs8 = URL_SAFE_NO_PAD.decode(&file.pkcs8).expect("pkcs8 base64url");
    let key = Es256SigningKey::from_pkcs8(&pkcs8, rng).expect("pkcs8 key");
    assert_eq!(key.public_jwk().to_json(), file.jwk, "the fixture's public key matches its private key");
    key
}

/// The trust list of the fixture's issuers, signed by an anchor and verified back, as the app holds it.
fn trust_list(fixture: &Fixture, rng: &SystemRandom) -> TrustList {
    let issuers: Vec<Value> = fixture
        .issuers
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "name": i.name, "region": i.region, "province": i.province,
                "credit_code": i.credit_code, "licence_types": i.licence_types,
                "jwks": { "keys": [i.key.jwk] }, "status_lists": [i.status_uri],
                "valid_from": fixture.iat - 365 * 86_400, "valid_until": fixture.exp + 365 * 86_400,
            })
        })
        .collect();
    let list: TrustList = serde_json::from_value(json!({
        "iss": "https://trust.onego.example/anchor", "iat": fixture.iat, "exp": fixture.exp, "sequence": 1,
        "issuers": issuers,
    }))
    .expect("trust list json");
    let (anchor, _) = Es256SigningKey::generate(rng).expect("anchor key");
    let jws = list.sign(&anchor, rng).expect("sign trust list");
    TrustList::verify(&jws, anchor.public_jwk()).expect("verify trust list")
}

/// The resolver the wallet's verifier mode uses: `iss`, `vct` and `kid` looked up in the trust list.
fn resolver(list: &TrustList, now: i64) -> impl Fn(&Header, &Map<String, Value>) -> Result<Jwk, SdJwtError> + '_ {
    move |header, claims| {
        let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
        let vct = claims.get("vct").and_then(Value::as_str).unwrap_or_default();
        list.key_for(iss, vct, header.kid(), now).cloned().map_err(|e| SdJwtError::IssuerKey(e.to_string()))
    }
}

fn options<'a>(fixture: &'a Fixture, nonce: &'a str, now: i64) -> VerifyOptions<'a> {
    let mut options = VerifyOptions::sd_jwt_vc(now).with_key_binding(&fixture.aud, nonce);
    options.require_exp = true;
    options
}

struct Setup {
    rng: SystemRandom,
    fixture: Fixture,
    issuer_keys: Vec<Es256SigningKey>,
    holder: Es256SigningKey,
    list: TrustList,
}

impl Setup {
    fn new(dir: &Path, now: i64) -> Self {
        let rng = SystemRandom::new();
        let fixture = load_or_make_fixture(dir, &rng, now);
        let issuer_keys = fixture.issuers.iter().map(|i| signing_key(&i.key, &rng)).collect();
        let holder = signing_key(&fixture.holder, &rng);
        let list = trust_list(&fixture, &rng);
        Self { rng, fixture, issuer_keys, holder, list }
    }

    /// Indices of the issuers that may issue the fixture's `vct`.
    fn eligible(&self) -> Vec<usize> {
        let vct = &self.fixture.vct;
        (0..self.fixture.issuers.len()).filter(|&k| self.fixture.issuers[k].licence_types.contains(vct)).collect()
    }

    /// Licence `i` of the fixture: its issue request and issuer index.
    fn request(&self, i: usize) -> (IssueRequest, usize) {
        let f = &self.fixture;
        let eligible = self.eligible();
        let k = eligible[i % eligible.len()];
        let issuer = &f.issuers[k];
        let mut visible: Map<String, Value> = f.visible.iter().cloned().collect();
        visible.insert("issuer_name".into(), Value::from(issuer.name.as_str()));
        visible.insert("issuer_code".into(), Value::from(issuer.credit_code.as_str()));
        let request = IssueRequest {
            iss: issuer.id.clone(),
            vct: f.vct.clone(),
            iat: f.iat,
            nbf: Some(f.nbf),
            exp: Some(f.exp),
            holder_key: self.holder.public_jwk().clone(),
            status: Some(StatusRef { idx: f.status_idx + i as u64, uri: issuer.status_uri.clone() }),
            visible,
            disclosable: f.disclosable.iter().cloned().collect(),
            decoys: f.decoys,
        };
        (request, k)
    }

    fn issue(&self, i: usize) -> String {
        let (request, k) = self.request(i);
        issue(&request, &self.issuer_keys[k], &self.fixture.issuers[k].key.kid, &self.rng).expect("issue")
    }

    fn present(&self, credential: &str, nonce: &str, now: i64) -> String {
        let disclose: Vec<&str> = self.fixture.disclose.iter().map(String::as_str).collect();
        let signer = SoftwareHolderSigner::new(&self.holder, &self.rng);
        present(credential, &disclose, &KbRequest { aud: &self.fixture.aud, nonce, iat: now }, &signer)
            .expect("present")
    }

    /// The disclosed claims a verifier must see, with their values.
    fn expected_disclosed(&self) -> Map<String, Value> {
        let f = &self.fixture;
        f.disclosable.iter().filter(|(name, _)| f.disclose.contains(name)).cloned().collect()
    }

    /// Panics unless `verified` shows exactly the fixture's disclosed claims with their values.
    fn check_disclosed(&self, verified: &VerifiedSdJwt) {
        let expect = self.expected_disclosed();
        let mut disclosed = verified.disclosed.clone();
        disclosed.sort();
        let mut names: Vec<String> = expect.keys().cloned().collect();
        names.sort();
        assert_eq!(disclosed, names, "exactly the chosen claims are disclosed");
        for (name, value) in &expect {
            assert_eq!(verified.payload.get(name), Some(value), "disclosed value of {name}");
        }
        for (name, _) in self.fixture.disclosable.iter().filter(|(n, _)| !expect.contains_key(n)) {
            assert!(verified.payload.get(name).is_none(), "{name} stays hidden");
        }
        assert!(verified.key_binding.is_verified(), "key binding verified");
    }
}

/// `SDJWT_BENCH_CHECK=FILE`: verify the Python side's presentation (as of the time it was made) and exit.
fn check_foreign(setup: &Setup, path: &Path) {
    let file: CheckFile = serde_json::from_slice(&std::fs::read(path).expect("read check file")).expect("check json");
    let resolve = resolver(&setup.list, file.now);
    let mut options = VerifyOptions::sd_jwt_vc(file.now).with_key_binding(&file.aud, &file.nonce);
    options.require_exp = true;
    let verified = verify(&file.text, &resolve, &options).expect("the Python presentation verifies in onego");
    setup.check_disclosed(&verified);
    assert_eq!(Value::Object(file.expect), json!(setup.expected_disclosed()), "the Python side expected the same");
    println!(
        "onego verified the sd-jwt 0.10.4 presentation ({} bytes): issuer {}, disclosed {:?}",
        file.text.len(),
        verified.issuer().unwrap_or_default(),
        verified.disclosed
    );
}

fn qr_matrix(text: &str) -> (usize, Vec<qrcode::Color>) {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).expect("fits a qr code");
    (code.width(), code.to_colors())
}

fn qr_version(text: &str) -> i16 {
    match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).expect("fits a qr code").version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    }
}

fn main() {
    let dir = bench_dir();
    let now = now();
    let setup = Setup::new(&dir, now);
    if let Some(path) = std::env::var_os("SDJWT_BENCH_CHECK") {
        check_foreign(&setup, Path::new(&path));
        return;
    }
    let f = &setup.fixture;
    let resolve = resolver(&setup.list, now);

    // Licence 0 for the single-operation benches; every one of them checked once before it is timed.
    let credential = setup.issue(0);
    let nonce0 = format!("{}-0", f.nonce);
    let presentation = setup.present(&credential, &nonce0, now);
    let verified = verify(&presentation, &resolve, &options(f, &nonce0, now)).expect("presentation verifies");
    setup.check_disclosed(&verified);

    // 1,000 distinct licences from the eligible issuers, each presented with its own nonce.
    let nonces: Vec<String> = (0..f.batch).map(|i| format!("{}-{i}", f.nonce)).collect();
    let batch: Vec<String> = nonces.iter().enumerate().map(|(i, n)| setup.present(&setup.issue(i), n, now)).collect();
    for (text, nonce) in batch.iter().zip(&nonces) {
        setup.check_disclosed(&verify(text, &resolve, &options(f, nonce, now)).expect("batch presentation verifies"));
    }

    // `SDJWT_BENCH_QUICK=1`: a smoke run, not for the record (the group's settings win over criterion's flags).
    let quick = std::env::var_os("SDJWT_BENCH_QUICK").is_some_and(|v| v != "0");
    let secs = |full: u64| Duration::from_secs(if quick { 1 } else { full });
    let mut c = Criterion::default().without_plots().configure_from_args();
    let mut group = c.benchmark_group("sdjwt");
    // Flat sampling: every sample runs the same number of calls, like a `timeit` round on the Python side.
    group.sampling_mode(SamplingMode::Flat).sample_size(if quick { 20 } else { 100 }).warm_up_time(secs(2));
    group.measurement_time(secs(5));
    let (request, k) = setup.request(0);
    let kid = &f.issuers[k].key.kid;
    group.bench_function("issue", |b| {
        b.iter(|| issue(black_box(&request), &setup.issuer_keys[k], kid, &setup.rng).expect("issue"));
    });
    let disclose: Vec<&str> = f.disclose.iter().map(String::as_str).collect();
    let signer = SoftwareHolderSigner::new(&setup.holder, &setup.rng);
    let kb = KbRequest { aud: &f.aud, nonce: &nonce0, iat: now };
    group.bench_function("present", |b| {
        b.iter(|| present(black_box(&credential), &disclose, &kb, &signer).expect("present"));
    });
    let verify_options = options(f, &nonce0, now);
    group.bench_function("verify", |b| {
        b.iter(|| verify(black_box(&presentation), &resolve, &verify_options).expect("verify"));
    });
    group.bench_function("qr", |b| b.iter(|| qr_matrix(black_box(&presentation))));
    group.sample_size(if quick { 10 } else { 15 }).measurement_time(secs(8));
    group.throughput(Throughput::Elements(f.batch as u64));
    group.bench_function("verify_1000", |b| {
        b.iter(|| {
            for (text, nonce) in batch.iter().zip(&nonces) {
                black_box(verify(black_box(text), &resolve, &options(f, nonce, now)).expect("verify"));
            }
        });
    });
    group.finish();
    c.final_summary();

    // For the Python side: a fresh presentation to verify, and the sizes for the report.
    let check_now = self::now();
    let check = CheckFile {
        text: setup.present(&credential, &nonce0, check_now),
        aud: f.aud.clone(),
        nonce: nonce0.clone(),
        now: check_now,
        expect: setup.expected_disclosed(),
    };
    std::fs::write(dir.join("rust-check.json"), serde_json::to_vec_pretty(&check).expect("json")).expect("write");
    let meta = json!({
        "credential_bytes": credential.len(),
        "presentation_bytes": presentation.len(),
        "qr_version": qr_version(&presentation),
        "qr_width": qr_matrix(&presentation).0,
        "issuers_on_trust_list": setup.list.issuers.len(),
        "batch": f.batch,
    });
    std::fs::write(dir.join("rust-meta.json"), serde_json::to_vec_pretty(&meta).expect("json")).expect("write");
    eprintln!("sizes: {meta}");
}
