//! The platform's own database: schema and pragmas.

use rusqlite::Connection;

const SCHEMA_VERSION: i32 = 1;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Catalog: one row per matter or bundle; a deletion keeps a tombstone row for delta sync.
CREATE TABLE catalog_item (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('matter', 'bundle')),
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    body TEXT
);
CREATE INDEX catalog_item_by_version ON catalog_item (version);
CREATE TABLE department (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE hall (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE synonym (phrase TEXT PRIMARY KEY, body TEXT NOT NULL);

-- Shared registries (population, marriage, social security, provident fund, business).
CREATE TABLE person (
    subject TEXT PRIMARY KEY,
    phone TEXT UNIQUE,
    id_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    address TEXT NOT NULL,
    region TEXT NOT NULL,
    marital_status TEXT NOT NULL,
    household_id TEXT NOT NULL,
    expecting_due_date TEXT
);
CREATE TABLE relation (
    subject TEXT NOT NULL REFERENCES person (subject),
    relative TEXT NOT NULL REFERENCES person (subject),
    relation TEXT NOT NULL,
    PRIMARY KEY (subject, relative)
);
CREATE TABLE marriage (
    id TEXT PRIMARY KEY,
    husband TEXT NOT NULL REFERENCES person (subject),
    wife TEXT NOT NULL REFERENCES person (subject),
    registered_on TEXT NOT NULL,
    office TEXT NOT NULL
);
CREATE TABLE social_security (
    subject TEXT PRIMARY KEY REFERENCES person (subject),
    card_no TEXT NOT NULL,
    insured_since TEXT NOT NULL,
    scheme TEXT NOT NULL,
    employer TEXT
);
CREATE TABLE provident_fund (
    subject TEXT PRIMARY KEY REFERENCES person (subject),
    account TEXT NOT NULL UNIQUE,
    balance_cents INTEGER NOT NULL,
    monthly_cents INTEGER NOT NULL,
    status TEXT NOT NULL,
    opened_on TEXT NOT NULL
);
CREATE TABLE company (
    credit_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL,
    registered_capital TEXT NOT NULL,
    scope TEXT NOT NULL,
    established_on TEXT NOT NULL
);
CREATE TABLE company_role (
    subject TEXT NOT NULL REFERENCES person (subject),
    credit_code TEXT NOT NULL REFERENCES company (credit_code),
    role TEXT NOT NULL,
    PRIMARY KEY (subject, credit_code)
);

-- Identity: one-time codes (hashed), their request log for rate limits, and tokens (hashed).
CREATE TABLE otp (
    phone TEXT NOT NULL,
    kind TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (phone, kind)
);
CREATE TABLE otp_request (phone TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX otp_request_by_phone ON otp_request (phone, at);
-- What the sandbox's SMS gateway would have sent (outside dev mode the only way to read a code).
CREATE TABLE sms_outbox (phone TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE token (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    subject TEXT NOT NULL,
    account_kind TEXT NOT NULL,
    family TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX token_by_family ON token (family);

-- Wallet: issuing authorities with their signing keys (PKCS#8), identified by a slug; their URLs are derived
-- from the platform's public base URL at request time.
CREATE TABLE issuer (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    province TEXT NOT NULL,
    region TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    licence_types TEXT NOT NULL,
    pkcs8 BLOB NOT NULL,
    kid TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL
);
-- Licences the registries issued: held by a person or by a company. status: 0 valid, 1 revoked, 2 suspended,
-- mirrored in the issuer's status list at status_idx. Dates are YYYY-MM-DD; 9999-12-31 means no end (长期).
CREATE TABLE licence (
    licence_id TEXT PRIMARY KEY,
    vct TEXT NOT NULL,
    holder_subject TEXT REFERENCES person (subject),
    holder_credit_code TEXT REFERENCES company (credit_code),
    issuer TEXT NOT NULL REFERENCES issuer (slug),
    status_idx INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    claims TEXT NOT NULL,
    UNIQUE (issuer, status_idx),
    CHECK ((holder_subject IS NULL) <> (holder_credit_code IS NULL))
);
CREATE INDEX licence_by_subject ON licence (holder_subject);
CREATE INDEX licence_by_company ON licence (holder_credit_code);
-- Staff status changes, for the record.
CREATE TABLE licence_status_change (
    licence_id TEXT NOT NULL REFERENCES licence (licence_id),
    status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
);
-- Issuance nonces (c_nonce), stored hashed, single use.
CREATE TABLE credential_nonce (
    hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX credential_nonce_by_subject ON credential_nonce (subject, expires_at);
-- Every credential issued, bound to which device key (RFC 7638 thumbprint), for audit.
CREATE TABLE issued_credential (
    licence_id TEXT NOT NULL REFERENCES licence (licence_id),
    jwk_thumbprint TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX issued_credential_by_licence ON issued_credential (licence_id);
-- Maternal-health registry (妇幼): deliveries the hospitals reported, what 出生医学证明 is issued from.
CREATE TABLE delivery_record (
    id TEXT PRIMARY KEY,
    mother TEXT NOT NULL REFERENCES person (subject),
    child_gender TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    hospital TEXT NOT NULL,
    reported_at INTEGER NOT NULL
);
-- Bank accounts by holder, for rules such as «the account belongs to the applicant».
CREATE TABLE bank_account (
    account TEXT PRIMARY KEY,
    holder TEXT NOT NULL REFERENCES person (subject),
    bank TEXT NOT NULL
);
-- Guardians see their wards' licences (a newborn's 出生医学证明, 户口簿 page, 社保卡) in their wallet.
CREATE TABLE guardianship (
    guardian TEXT NOT NULL REFERENCES person (subject),
    ward TEXT NOT NULL REFERENCES person (subject),
    PRIMARY KEY (guardian, ward)
);
-- Family proxy (亲友代办): a principal lets a delegate apply in their name, for some services, until expires_at.
CREATE TABLE delegation (
    id TEXT PRIMARY KEY,
    principal TEXT NOT NULL REFERENCES person (subject),
    delegate TEXT NOT NULL REFERENCES person (subject),
    scope TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX delegation_by_delegate ON delegation (delegate);
CREATE INDEX delegation_by_principal ON delegation (principal);
-- Applications (办件): one row per submission, deduplicated by (submitted_by, idempotency_key). request_hash is
-- the SHA-256 of the submission body: the same key with another body is a conflict, not a replay.
CREATE TABLE application (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    service_name TEXT NOT NULL,
    principal TEXT NOT NULL REFERENCES person (subject),
    -- The company an enterprise account applied for.
    company TEXT REFERENCES company (credit_code),
    submitted_by TEXT NOT NULL REFERENCES person (subject),
    delegation_id TEXT REFERENCES delegation (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    -- The newborn a birth application registered (出生医学证明), for the later matters that act on the child.
    child TEXT REFERENCES person (subject),
    UNIQUE (submitted_by, idempotency_key)
);
CREATE INDEX application_by_principal ON application (principal);
-- One row per member matter that applies; outputs/needs/licences are JSON.
CREATE TABLE application_matter (
    application_id TEXT NOT NULL REFERENCES application (id),
    matter_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    department_id TEXT NOT NULL,
    status TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    outputs TEXT NOT NULL DEFAULT '{}',
    needs TEXT NOT NULL DEFAULT '[]',
    licences TEXT NOT NULL DEFAULT '[]',
    -- Earlier matters of the same application whose results this one consumes (it waits for them).
    depends_on TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (application_id, matter_id)
);
-- Uploaded materials: only their digest, size and name are kept (the sandbox stores no scans).
CREATE TABLE application_upload (
    application_id TEXT NOT NULL REFERENCES application (id),
    material TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX application_matter_by_status ON application_matter (status, department_id);
-- Every status change, in order: the history of each matter and the event stream (cursor) clients resume from.
CREATE TABLE application_event (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL REFERENCES application (id),
    matter_id TEXT NOT NULL,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL,
    at INTEGER NOT NULL,
    licence_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX application_event_by_application ON application_event (application_id, cursor);
-- Online QR mode: a presentation parked under a short code, resolvable once within its window.
CREATE TABLE presentation_code (
    code TEXT PRIMARY KEY,
    presentation TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
";

/// Applies pragmas and creates the schema on a new database.
pub(crate) fn init(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // WAL only applies to files; an in-memory database keeps its own journal.
    let _: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == 0 {
        let tx = conn.transaction()?;
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(crate::reviews::SCHEMA)?;
        crate::reviews::seed_rules(&tx)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e))))?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
    }
    Ok(())
}
