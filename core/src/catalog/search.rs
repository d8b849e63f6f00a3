//! Search the way citizens type: Chinese substrings of any length, English names, and everyday words.
//!
//! Candidates come from two FTS5 indexes — trigrams for terms of 3+ characters (Chinese or English), and an
//! index of Chinese character pairs for 2-character words such as 社保, which trigrams cannot answer — plus
//! a synonym table that maps everyday phrases (生孩子) to catalog words (出生一件事). Candidates are then
//! scored in Rust by where the term matched, so the bundle a citizen means ranks first.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use crate::error::CoreResult;

/// How far candidates are pulled from one index before scoring.
const CANDIDATES_PER_TERM: i64 = 400;

/// One search result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SearchHit {
    pub id: String,
    /// `matter` or `bundle` (一件事).
    pub kind: String,
    pub name: String,
    pub name_en: String,
    pub category: String,
    pub summary: String,
    /// Higher is better; comparable within one search only.
    pub score: i32,
    /// Why it matched: `name`, `keyword`, `english`, `summary`, or `synonym:<phrase>`.
    pub matched_by: String,
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// Folds what phones type into one form: full-width ASCII to half-width, lower case, punctuation to spaces.
#[must_use]
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        // Lower-casing can expand a letter into marks (İ → i + U+0307); only letters and digits are kept, so
        // folding twice gives what folding once did.
        for lc in c.to_lowercase() {
            if lc.is_alphanumeric() || is_cjk(lc) {
                out.push(lc);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
    }
    out.trim().to_owned()
}

/// Distinct pairs of adjacent Chinese characters of the texts, space-separated, for the pair index.
pub(crate) fn grams(texts: &[&str]) -> String {
    let mut seen = HashSet::new();
    let mut out = String::new();
    for text in texts {
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(2) {
            if is_cjk(w[0]) && is_cjk(w[1]) && seen.insert((w[0], w[1])) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push(w[0]);
                out.push(w[1]);
            }
        }
    }
    out
}

/// An FTS5 phrase literal.
fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

fn like_pattern(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[derive(Debug, Clone)]
struct Term {
    text: String,
    /// Synonym terms say what the citizen means; they weigh more than the raw words.
    weight: u32,
    via: Option<String>,
}

fn collect_rowids(conn: &Connection, sql: &str, arg: &str, into: &mut HashSet<i64>) -> CoreResult<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params![arg, CANDIDATES_PER_TERM], |r| r.get::<_, i64>(0))?;
    for r in rows {
        into.insert(r?);
    }
    Ok(())
}

fn candidates(conn: &Connection, term: &str, into: &mut HashSet<i64>) -> CoreResult<()> {
    let n = term.chars().count();
    if n >= 3 {
        collect_rowids(
            conn,
            "SELECT rowid FROM item_tri WHERE item_tri MATCH ?1 ORDER BY rank LIMIT ?2",
            &phrase(term),
            into,
        )
    } else if n == 2 && term.chars().all(is_cjk) {
        collect_rowids(
            conn,
            "SELECT rowid FROM item_bi WHERE item_bi MATCH ?1 ORDER BY rank LIMIT ?2",
            &phrase(term),
            into,
        )
    } else {
        // One character, or a short Latin word: few enough rows in practice to scan names and keywords.
        collect_rowids(
            conn,
            "SELECT rowid FROM catalog_item WHERE name LIKE ?1 ESCAPE '\\' OR keywords LIKE ?1 ESCAPE '\\'
             OR name_en LIKE ?1 ESCAPE '\\' LIMIT ?2",
            &like_pattern(term),
            into,
        )
    }
}

/// The phrase's synonyms: every stored phrase the query contains.
fn synonyms(conn: &Connection, q: &str) -> CoreResult<Vec<Term>> {
    let mut stmt = conn.prepare_cached("SELECT phrase, terms FROM synonym")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let p: String = r.get(0)?;
        if !p.is_empty() && q.contains(&p) {
            let terms: Vec<String> = serde_json::from_str(&r.get::<_, String>(1)?)?;
            for t in terms {
                out.push(Term { text: normalize(&t), weight: 3, via: Some(p.clone()) });
            }
        }
    }
    Ok(out)
}

struct Doc {
    id: String,
    kind: String,
    name: String,
    name_en: String,
    category: String,
    keywords: String,
    summary: String,
}

/// Score of one term against one document, and where it matched best.
///
/// The best field counts in full and every other matching field adds a third of its score, so a matter
/// named for the word and also tagged with it outranks one that merely mentions it.
fn score_term(doc: &Doc, name: &str, name_en: &str, summary: &str, t: &str) -> (u32, &'static str) {
    let name_score = if name == t {
        100
    } else if name.starts_with(t) {
        70
    } else if name.contains(t) {
        50
    } else {
        0
    };
    let keyword_score = doc
        .keywords
        .split(' ')
        .map(|k| {
            if k == t {
                45
            } else if k.contains(t) {
                30
            } else {
                0
            }
        })
        .max()
        .unwrap_or(0)
        .max(if doc.category == t { 20 } else { 0 });
    let english_score = if name_en == t {
        90
    } else if name_en.split(' ').any(|w| w == t) || name_en.starts_with(t) {
        45
    } else if name_en.contains(t) {
        25
    } else {
        0
    };
    let summary_score = if summary.contains(t) { 10 } else { 0 };
    let fields =
        [(name_score, "name"), (keyword_score, "keyword"), (english_score, "english"), (summary_score, "summary")];
    let Some(&(best, why)) = fields.iter().max_by_key(|(s, _)| *s) else { return (0, "") };
    let rest: u32 = fields.iter().map(|(s, _)| s).sum::<u32>() - best;
    (best + rest / 3, why)
}

/// Searches the cached catalog. Never touches the network.
pub(crate) fn search(conn: &Connection, query: &str, limit: usize) -> CoreResult<Vec<SearchHit>> {
    let q = normalize(query);
    if q.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut terms: Vec<Term> = vec![Term { text: q.clone(), weight: 2, via: None }];
    if q.contains(' ') {
        terms.extend(q.split(' ').map(|w| Term { text: w.to_owned(), weight: 1, via: None }));
    }
    terms.extend(synonyms(conn, &q)?);
    let mut rowids = HashSet::new();
    for t in &terms {
        candidates(conn, &t.text, &mut rowids)?;
    }
    if rowids.is_empty() {
        // No matter contains the phrase whole (居民身份证换领 vs 居民身份证申领、换领、补领): fall back to its
        // character pairs, so the documents covering most of them rank first.
        let pairs = grams(&[&q]);
        terms = pairs
            .split(' ')
            .filter(|g| !g.is_empty())
            .map(|g| Term { text: g.to_owned(), weight: 1, via: None })
            .collect();
        for t in &terms {
            candidates(conn, &t.text, &mut rowids)?;
        }
    }
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    // One cached statement for any number of candidates (json_each), rather than an `IN (?, ?, …)` per size.
    let ids = serde_json::to_string(&rowids.into_iter().collect::<Vec<i64>>())?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, name, name_en, category, keywords, summary FROM catalog_item
         WHERE rowid IN (SELECT value FROM json_each(?1))",
    )?;
    let docs = stmt
        .query_map([ids], |r| {
            Ok(Doc {
                id: r.get(0)?,
                kind: r.get(1)?,
                name: r.get(2)?,
                name_en: r.get(3)?,
                category: r.get(4)?,
                keywords: r.get(5)?,
                summary: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let latin = terms.iter().any(|t| t.text.bytes().any(|b| b.is_ascii_alphabetic()));
    let mut hits: Vec<SearchHit> = Vec::new();
    for doc in docs {
        let name = doc.name.to_lowercase();
        let name_en = doc.name_en.to_lowercase();
        // Chinese has no case: lower-case the long summary only when a term could need it, and once per doc.
        let summary = if latin { std::borrow::Cow::Owned(doc.summary.to_lowercase()) } else { (&doc.summary).into() };
        let mut total = 0u32;
        let mut why: HashMap<u32, String> = HashMap::new();
        for t in &terms {
            let (s, w) = score_term(&doc, &name, &name_en, &summary, &t.text);
            if s > 0 {
                let weighted = s * t.weight;
                total += weighted;
                let label = t.via.as_ref().map_or_else(|| w.to_owned(), |p| format!("synonym:{p}"));
                why.entry(weighted).or_insert(label);
            }
        }
        if total == 0 {
            continue;
        }
        if doc.kind == "bundle" {
            // A life event answers more of what the citizen came for than any one of its matters.
            total = total * 5 / 4;
        }
        let matched_by = why.iter().max_by_key(|(k, _)| **k).map(|(_, v)| v.clone()).unwrap_or_default();
        hits.push(SearchHit {
            id: doc.id,
            kind: doc.kind,
            name: doc.name,
            name_en: doc.name_en,
            category: doc.category,
            summary: doc.summary,
            score: i32::try_from(total).unwrap_or(i32::MAX),
            matched_by,
        });
    }
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.name.chars().count().cmp(&b.name.chars().count()))
            .then_with(|| a.id.cmp(&b.id))
    });
    hits.truncate(limit);
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_what_phones_type() {
        assert_eq!(normalize("  生孩子？ "), "生孩子");
        assert_eq!(normalize("ＳＯＣＩＡＬ　Security!"), "social security");
        assert_eq!(normalize("公积金，怎么取"), "公积金 怎么取");
        assert_eq!(normalize("???"), "");
        // Found by the property test below: a lower-case expansion with a combining mark.
        assert_eq!(normalize(&normalize("İ")), normalize("İ"));
    }

    #[test]
    fn grams_are_distinct_pairs_of_chinese_characters() {
        assert_eq!(grams(&["社保卡", "社保"]), "社保 保卡");
        assert_eq!(grams(&["ID 卡"]), "");
        assert_eq!(grams(&["a医保b"]), "医保");
    }

    proptest::proptest! {
        #[test]
        fn normalize_is_idempotent_and_grams_are_pairs(s in "\\PC{0,40}") {
            let once = normalize(&s);
            proptest::prop_assert_eq!(normalize(&once), once.clone());
            for g in grams(&[&s]).split(' ').filter(|g| !g.is_empty()) {
                proptest::prop_assert_eq!(g.chars().count(), 2);
                proptest::prop_assert!(g.chars().all(is_cjk));
            }
        }

        #[test]
        fn any_query_is_safe_against_the_indexes(q in "\\PC{0,24}") {
            let mut conn = Connection::open_in_memory().expect("db");
            crate::store::test_schema(&mut conn);
            proptest::prop_assert!(search(&conn, &q, 10).is_ok());
        }
    }

    #[test]
    fn fts_literals_are_quoted() {
        assert_eq!(phrase("a\"b"), "\"a\"\"b\"");
        assert_eq!(like_pattern("50%_"), "%50\\%\\_%");
    }
}
