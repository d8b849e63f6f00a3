//! A compact transport for SD-JWT presentations in QR codes (`OG1:` + Base45), which round-trips exactly.
//!
//! Base64url text wastes a QR code twice: base64 inflates bytes by a third, and its lower-case letters force
//! the QR byte mode. So: each base64url segment is decoded to its bytes; the segments are length-prefixed; well
//! known JSON fragments are replaced by single control bytes (0x01–0x1F, which compact JSON text never holds
//! raw, RFC 8259 §7); the result is DEFLATE-compressed (RFC 1951); and the bytes are written in Base45
//! (RFC 9285), whose 45 characters are exactly the QR alphanumeric set — 5.5 bits per character there.
//!
//! Layout before compression: `flags (1) ‖ disclosure count (varint) ‖ segments`, each segment
//! `length (varint) ‖ bytes`: issuer JWT header, payload, signature; the disclosures; then, when flag bit 0
//! is set, the KB-JWT header, payload and signature. Decoding reverses every step and re-encodes base64url
//! without padding; encoding refuses input that would not come back byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::sdjwt::SdJwtParts;

/// What a QR text in this encoding starts with.
pub const PREFIX: &str = "OG1:";

/// Largest decompressed size accepted (a presentation is a few kilobytes).
const MAX_INFLATED: usize = 64 * 1024;

/// JSON fragments replaced by the byte `index + 1`. Append only: a reorder would break codes in circulation.
const TOKENS: [&str; 31] = [
    r#"{"alg":"ES256","kid":""#,
    r#"{"alg":"ES256","typ":"kb+jwt"}"#,
    r#""_sd":[""#,
    r#"",""#,
    r#""_sd_alg":"sha-256""#,
    r#""cnf":{"jwk":{"crv":"P-256","kty":"EC","x":""#,
    r#"","y":""#,
    r#""status":{"status_list":{"idx":"#,
    r#","uri":""#,
    "/v1/status-lists/",
    r#""iss":""#,
    "/issuers/",
    r#""vct":"urn:cn:licence:"#,
    "resident-id",
    r#""iat":"#,
    r#""exp":"#,
    r#""nbf":"#,
    r#""licence_name":""#,
    r#""licence_type_code":""#,
    r#""issuer_name":""#,
    r#""issuer_code":""#,
    r#""valid_from":""#,
    r#""valid_until":""#,
    r#""nonce":""#,
    r#""aud":""#,
    r#""sd_hash":""#,
    "urn:onego:verifier:offline",
    "http://127.0.0.1:",
    "https://",
    "age_over_",
    r#"","typ":"dc+sd-jwt"}"#,
];

/// Why a text could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("not an SD-JWT presentation: {0}")]
    Format(&'static str),
    #[error("a segment is not canonical base64url, so it would not come back unchanged")]
    NotCanonical,
    #[error("a segment holds raw control characters")]
    ControlBytes,
    #[error("not {PREFIX} Base45 text")]
    Base45,
    #[error("the compressed data is damaged or too large")]
    Compression,
    #[error("the packed presentation is truncated or malformed")]
    Packing,
}

fn b64(segment: &str) -> Result<Vec<u8>, TransportError> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| TransportError::Format("bad base64url"))?;
    if URL_SAFE_NO_PAD.encode(&bytes) != segment {
        return Err(TransportError::NotCanonical);
    }
    Ok(bytes)
}

fn jws_parts(jws: &str) -> Result<[&str; 3], TransportError> {
    let mut it = jws.split('.');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => Ok([h, p, s]),
        _ => Err(TransportError::Format("a JWS has three parts")),
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = u8::try_from(n & 0x7f).unwrap_or(0);
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_varint(data: &[u8], at: &mut usize) -> Result<usize, TransportError> {
    let mut n = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*at).ok_or(TransportError::Packing)?;
        *at += 1;
        n |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err(TransportError::Packing)
}

fn tokenize(bytes: &[u8]) -> Result<Vec<u8>, TransportError> {
    if bytes.iter().any(|b| (1..=31).contains(b)) {
        return Err(TransportError::ControlBytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    'outer: while i < bytes.len() {
        // Longest token first, so a fragment is never split by a shorter one that prefixes it.
        let mut best: Option<(usize, usize)> = None;
        for (t, token) in TOKENS.iter().enumerate() {
            let tb = token.as_bytes();
            if bytes[i..].starts_with(tb) && best.is_none_or(|(_, len)| tb.len() > len) {
                best = Some((t, tb.len()));
            }
        }
        if let Some((t, len)) = best {
            out.push(u8::try_from(t + 1).unwrap_or(0));
            i += len;
            continue 'outer;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Ok(out)
}

fn detokenize(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        match TOKENS.get(usize::from(b).wrapping_sub(1)) {
            Some(token) if (1..=31).contains(&b) => out.extend_from_slice(token.as_bytes()),
            _ => out.push(b),
        }
    }
    out
}

/// Segment 2 is the issuer's signature, and the last one the KB-JWT's when there is one.
fn is_signature(index: usize, last: usize, kb: bool) -> bool {
    index == 2 || (kb && index == last)
}

/// Encodes an SD-JWT (+KB) presentation for a QR code.
pub fn encode(presentation: &str) -> Result<String, TransportError> {
    let parts = SdJwtParts::parse(presentation.trim()).map_err(|_| TransportError::Format("no '~' structure"))?;
    let mut packed = vec![u8::from(parts.kb_jwt.is_some())];
    push_varint(&mut packed, parts.disclosures.len());
    let mut segments: Vec<&str> = jws_parts(parts.issuer_jwt)?.to_vec();
    segments.extend(parts.disclosures.iter().copied());
    if let Some(kb) = parts.kb_jwt {
        segments.extend(jws_parts(kb)?);
    }
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        let raw = b64(seg)?;
        // Signatures are binary: only the JSON segments are tokenized.
        let bytes = if is_signature(i, last, parts.kb_jwt.is_some()) { raw } else { tokenize(&raw)? };
        push_varint(&mut packed, bytes.len());
        packed.extend_from_slice(&bytes);
    }
    let compressed = miniz_oxide::deflate::compress_to_vec(&packed, 10);
    Ok(format!("{PREFIX}{}", base45_encode(&compressed)))
}

/// Decodes `OG1:` text back to the exact presentation it was made from.
pub fn decode(text: &str) -> Result<String, TransportError> {
    let body = text.trim().strip_prefix(PREFIX).ok_or(TransportError::Base45)?;
    let compressed = base45_decode(body)?;
    let packed = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_INFLATED)
        .map_err(|_| TransportError::Compression)?;
    let flags = *packed.first().ok_or(TransportError::Packing)?;
    if flags > 1 {
        return Err(TransportError::Packing);
    }
    let mut at = 1;
    let disclosures = read_varint(&packed, &mut at)?;
    let count = 3usize
        .checked_add(disclosures)
        .and_then(|n| n.checked_add(if flags == 1 { 3 } else { 0 }))
        .ok_or(TransportError::Packing)?;
    let mut segments = Vec::with_capacity(count.min(256));
    for i in 0..count {
        let len = read_varint(&packed, &mut at)?;
        let end = at.checked_add(len).filter(|e| *e <= packed.len()).ok_or(TransportError::Packing)?;
        let bytes = &packed[at..end];
        let bytes = if is_signature(i, count - 1, flags == 1) { bytes.to_vec() } else { detokenize(bytes) };
        segments.push(URL_SAFE_NO_PAD.encode(bytes));
        at = end;
    }
    if at != packed.len() {
        return Err(TransportError::Packing);
    }
    let mut out = segments[..3].join(".");
    out.push('~');
    for d in &segments[3..3 + disclosures] {
        out.push_str(d);
        out.push('~');
    }
    if flags == 1 {
        out.push_str(&segments[3 + disclosures..].join("."));
    }
    Ok(out)
}

/// RFC 9285 §4: the 45 characters of the QR alphanumeric mode.
const BASE45: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Base45 (RFC 9285).
#[must_use]
pub fn base45_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 3 / 2 + 2);
    let ch = |i: usize| char::from(BASE45[i]);
    for pair in data.chunks(2) {
        if let [a, b] = pair {
            let n = usize::from(*a) * 256 + usize::from(*b);
            out.extend([ch(n % 45), ch(n / 45 % 45), ch(n / 2025)]);
        } else {
            let n = usize::from(pair[0]);
            out.extend([ch(n % 45), ch(n / 45)]);
        }
    }
    out
}

/// Base45 (RFC 9285), refusing characters outside the set and values that do not fit.
pub fn base45_decode(text: &str) -> Result<Vec<u8>, TransportError> {
    let values: Vec<usize> = text
        .bytes()
        .map(|c| BASE45.iter().position(|&b| b == c).ok_or(TransportError::Base45))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(values.len() * 2 / 3 + 1);
    for group in values.chunks(3) {
        match group {
            [c, d, e] => {
                let n = c + d * 45 + e * 2025;
                let n = u16::try_from(n).map_err(|_| TransportError::Base45)?;
                out.extend(n.to_be_bytes());
            }
            [c, d] => out.push(u8::try_from(c + d * 45).map_err(|_| TransportError::Base45)?),
            _ => return Err(TransportError::Base45),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9285 §4.3 examples.
    #[test]
    fn base45_rfc_examples() {
        assert_eq!(base45_encode(b"AB"), "BB8");
        assert_eq!(base45_encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(base45_encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(base45_decode("QED8WEX0").expect("decode"), b"ietf!");
        assert_eq!(base45_decode("GGW"), Err(TransportError::Base45), "65535 < 'GGW' value");
        assert!(base45_decode("a").is_err());
    }

    #[test]
    fn tokens_are_distinct_and_fit_control_bytes() {
        for (i, t) in TOKENS.iter().enumerate() {
            assert!(!t.is_empty() && TOKENS[i + 1..].iter().all(|u| u != t));
        }
        assert!(TOKENS.len() <= 31);
    }

    proptest::proptest! {
        #[test]
        fn any_well_formed_presentation_round_trips(
            segs in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..80), 3..12),
            kb in proptest::bool::ANY,
        ) {
            // Arbitrary bytes stand in for the segments; control bytes are legal only where JSON would not hold them.
            let seg = |b: &Vec<u8>| URL_SAFE_NO_PAD.encode(b.iter().map(|x| if (1..=31).contains(x) { 32 } else { *x }).collect::<Vec<_>>());
            let mut text = format!("{}.{}.{}~", seg(&segs[0]), seg(&segs[1]), seg(&segs[2]));
            for d in &segs[3..] {
                if !d.is_empty() {
                    text.push_str(&seg(d));
                    text.push('~');
                }
            }
            if kb {
                text.push_str(&format!("{}.{}.{}", seg(&segs[2]), seg(&segs[0]), seg(&segs[1])));
            }
            let encoded = encode(&text).expect("encode");
            proptest::prop_assert!(encoded.bytes().all(|c| BASE45.contains(&c)));
            proptest::prop_assert_eq!(decode(&encoded).expect("decode"), text);
        }

        #[test]
        fn decoding_garbage_never_panics(s in "\\PC{0,200}") {
            let _ = decode(&format!("{PREFIX}{s}"));
        }
    }
}
