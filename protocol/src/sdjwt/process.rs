//! Replacing digests by disclosed claims (RFC 9901 §7.1 steps 3–5).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::SdJwtError;
use super::disclosure::{DisclosedValue, Disclosure};

/// Deepest object/array nesting accepted while processing, counting levels added by disclosures. It bounds the
/// recursion (and the depth of the value dropped afterwards) whatever the disclosures chain together.
const MAX_DEPTH: usize = 96;

/// The key of an array-element digest placeholder `{"...": digest}` (RFC 9901 §4.2.4.2).
const ELLIPSIS: &str = "...";
const SD: &str = "_sd";

/// Processes `payload` in place with the base64url `disclosures`; returns the names of the disclosed object
/// properties (at any depth), in processing order.
///
/// On success no `_sd` key is left anywhere, undisclosed array elements are gone and `_sd_alg` is removed from
/// the top level; every disclosure was referenced exactly once and every digest occurred once.
pub(crate) fn process(payload: &mut Map<String, Value>, disclosures: &[&str]) -> Result<Vec<String>, SdJwtError> {
    // Step 3.1: hash every disclosure; the same disclosure string twice gives the same digest.
    let mut contents = Vec::with_capacity(disclosures.len());
    let mut digests = Vec::with_capacity(disclosures.len());
    for (index, encoded) in disclosures.iter().enumerate() {
        let Disclosure { digest, content } = Disclosure::decode(encoded, index)?;
        digests.push(digest);
        contents.push(Some(content));
    }
    let mut by_digest = HashMap::with_capacity(digests.len());
    for (index, digest) in digests.iter().enumerate() {
        if by_digest.insert(digest.as_str(), index).is_some() {
            return Err(SdJwtError::DuplicateDisclosure { index });
        }
    }

    payload.remove("_sd_alg");
    let mut processor = Processor {
        by_digest: &by_digest,
        contents,
        seen: HashSet::new(),
        disclosed: Vec::with_capacity(disclosures.len()),
    };
    processor.object(payload, 1)?;

    // Step 5: every disclosure must have been used.
    if let Some(index) = processor.contents.iter().position(Option::is_some) {
        return Err(SdJwtError::UnreferencedDisclosure { index });
    }
    Ok(processor.disclosed)
}

struct Processor<'d> {
    by_digest: &'d HashMap<&'d str, usize>,
    /// Each disclosure's content until its digest is found; `None` once used.
    contents: Vec<Option<DisclosedValue>>,
    /// Every digest met so far, decoys included (step 4). The strings are moved out of the payload.
    seen: HashSet<String>,
    disclosed: Vec<String>,
}

impl Processor<'_> {
    /// Records an embedded digest and returns the disclosure it refers to, if one was presented.
    fn reference(&mut self, digest: String) -> Result<Option<(usize, DisclosedValue)>, SdJwtError> {
        let hit = self.by_digest.get(digest.as_str()).copied();
        if !self.seen.insert(digest) {
            return Err(SdJwtError::DuplicateDigest);
        }
        match hit {
            // Step 3.3.1: a digest without a disclosure is a decoy or an undisclosed claim.
            None => Ok(None),
            Some(index) => {
                let content = self.contents[index].take().ok_or(SdJwtError::DuplicateDigest)?;
                Ok(Some((index, content)))
            }
        }
    }

    fn value(&mut self, value: &mut Value, depth: usize) -> Result<(), SdJwtError> {
        match value {
            Value::Object(map) => self.object(map, depth + 1),
            Value::Array(items) => self.array(items, depth + 1),
            _ => Ok(()),
        }
    }

    fn object(&mut self, map: &mut Map<String, Value>, depth: usize) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(SdJwtError::PayloadStructure("nesting is too deep"));
        }
        // Step 3.5: the `_sd` key goes whatever it holds.
        let sd = map.remove(SD);
        for value in map.values_mut() {
            self.value(value, depth)?;
        }
        let Some(sd) = sd else { return Ok(()) };
        let Value::Array(digests) = sd else {
            return Err(SdJwtError::PayloadStructure("_sd is not an array"));
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(SdJwtError::PayloadStructure("_sd holds a value that is not a string"));
            };
            let Some((index, content)) = self.reference(digest)? else { continue };
            // Step 3.3.2.
            let DisclosedValue::Property { name, mut value } = content else {
                return Err(SdJwtError::DisclosureShape { index, expected: "[salt, name, value]" });
            };
            if name == SD {
                return Err(SdJwtError::ReservedClaimName { index, name: SD });
            }
            if name == ELLIPSIS {
                return Err(SdJwtError::ReservedClaimName { index, name: ELLIPSIS });
            }
            if map.contains_key(&name) {
                return Err(SdJwtError::ClaimExists { name });
            }
            self.value(&mut value, depth)?;
            self.disclosed.push(name.clone());
            map.insert(name, value);
        }
        Ok(())
    }

    fn array(&mut self, items: &mut Vec<Value>, depth: usize) -> Result<(), SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(SdJwtError::PayloadStructure("nesting is too deep"));
        }
        if !items.iter().any(is_placeholder) {
            return items.iter_mut().try_for_each(|item| self.value(item, depth));
        }
        let old = std::mem::take(items);
        items.reserve(old.len());
        for item in old {
            let digest = match item {
                Value::Object(mut map) if map.len() == 1 && map.get(ELLIPSIS).is_some_and(Value::is_string) => {
                    match map.remove(ELLIPSIS) {
                        Some(Value::String(digest)) => digest,
                        _ => return Err(SdJwtError::PayloadStructure("array digest is not a string")),
                    }
                }
                mut other => {
                    self.value(&mut other, depth)?;
                    items.push(other);
                    continue;
                }
            };
            // Step 3.3.3; step 3.4 drops the element when nothing discloses it.
            let Some((index, content)) = self.reference(digest)? else { continue };
            let DisclosedValue::Element(mut value) = content else {
                return Err(SdJwtError::DisclosureShape { index, expected: "[salt, value]" });
            };
            self.value(&mut value, depth)?;
            items.push(value);
        }
        Ok(())
    }
}

/// `{"...": "<digest>"}` and nothing else (RFC 9901 §7.1 step 3.2: an object with the single key `...`
/// referring to a string). Other objects, even with a `...` member, are ordinary values.
fn is_placeholder(value: &Value) -> bool {
    matches!(value, Value::Object(map) if map.len() == 1 && map.get(ELLIPSIS).is_some_and(Value::is_string))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::jws::{b64_encode, sha256_b64};
    use super::*;

    fn disclosure(content: &Value) -> (String, String) {
        let encoded = b64_encode(serde_json::to_string(content).unwrap().as_bytes());
        let digest = sha256_b64(encoded.as_bytes());
        (encoded, digest)
    }

    fn run(payload: Value, disclosures: &[&str]) -> Result<Value, SdJwtError> {
        let Value::Object(mut map) = payload else { panic!("object") };
        process(&mut map, disclosures).map(|_| Value::Object(map))
    }

    #[test]
    fn nested_and_array_disclosures() {
        let (d_city, h_city) = disclosure(&json!(["s1", "city", "Hangzhou"]));
        let (d_addr, h_addr) = disclosure(&json!(["s2", "address", {"_sd": [h_city, "decoy"]}]));
        let (d_el, h_el) = disclosure(&json!(["s3", "CN"]));
        let payload =
            json!({"_sd": [h_addr], "_sd_alg": "sha-256", "nat": [{"...": h_el}, {"...": "undisclosed"}, "HK"]});
        let out = run(payload, &[&d_el, &d_city, &d_addr]).unwrap();
        assert_eq!(out, json!({"address": {"city": "Hangzhou"}, "nat": ["CN", "HK"]}));
    }

    #[test]
    fn rejections() {
        let (d_a, h_a) = disclosure(&json!(["s", "a", 1]));
        let (d_el, h_el) = disclosure(&json!(["s", 1]));
        let (d_sd, h_sd) = disclosure(&json!(["s", "_sd", 1]));
        let code = |payload: Value, ds: &[&str]| run(payload, ds).unwrap_err().reason_code();
        assert_eq!(code(json!({"_sd": [h_a.clone(), h_a.clone()]}), &[]), "duplicate_digest");
        assert_eq!(code(json!({"_sd": [h_a.clone()]}), &[&d_a, &d_a]), "duplicate_disclosure");
        assert_eq!(code(json!({"_sd": []}), &[&d_a]), "unreferenced_disclosure");
        assert_eq!(code(json!({"_sd": [h_a.clone()], "a": 0}), &[&d_a]), "claim_exists");
        assert_eq!(code(json!({"_sd": [h_el.clone()]}), &[&d_el]), "disclosure_shape");
        assert_eq!(code(json!({"x": [{"...": h_a.clone()}]}), &[&d_a]), "disclosure_shape");
        assert_eq!(code(json!({"_sd": [h_sd]}), &[&d_sd]), "reserved_claim_name");
        assert_eq!(code(json!({"_sd": "x"}), &[]), "payload_structure");
        assert_eq!(code(json!({"_sd": [1]}), &[]), "payload_structure");
        // A digest used both in `_sd` and as an array element is still one digest used twice.
        assert_eq!(code(json!({"_sd": [h_a.clone()], "x": [{"...": h_a}]}), &[]), "duplicate_digest");
    }

    #[test]
    fn deep_recursion_is_bounded() {
        let mut payload = json!({"leaf": 1});
        for _ in 0..MAX_DEPTH {
            payload = json!({ "n": payload });
        }
        assert_eq!(run(payload, &[]).unwrap_err().reason_code(), "payload_structure");
    }
}
