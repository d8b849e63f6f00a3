//! Token Status List (draft-ietf-oauth-status-list §4): one status of `bits` bits per licence, packed from
//! the least significant bit of each byte, ZLIB-compressed and base64url-encoded as `lst`.
//!
//! Status values (§7.1): 0 valid, 1 invalid (revoked), 2 suspended.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::wire;

/// The largest decompressed list accepted: a hostile `lst` must not balloon in memory.
pub const MAX_BYTES: usize = 4 << 20;

/// The status of one referenced token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Valid,
    Invalid,
    Suspended,
    /// 0x03 and above: application-specific; treated as not valid.
    Other(u8),
}

impl TokenStatus {
    #[must_use]
    pub fn from_value(v: u8) -> Self {
        match v {
            0 => Self::Valid,
            1 => Self::Invalid,
            2 => Self::Suspended,
            n => Self::Other(n),
        }
    }

    #[must_use]
    pub fn value(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Invalid => 1,
            Self::Suspended => 2,
            Self::Other(n) => n,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    #[error("bits must be 1, 2, 4 or 8, not {0}")]
    Bits(u8),
    #[error("index {index} is outside the list of {len} entries")]
    Index { index: u64, len: u64 },
    #[error("status {0} does not fit in the list's bits")]
    Value(u8),
    #[error("lst is not base64url")]
    Base64,
    #[error("lst is not ZLIB data, or decompresses past the size limit")]
    Compression,
}

/// A decoded status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

fn check_bits(bits: u8) -> Result<(), StatusListError> {
    if matches!(bits, 1 | 2 | 4 | 8) { Ok(()) } else { Err(StatusListError::Bits(bits)) }
}

impl StatusList {
    /// An all-valid list with room for `len` entries.
    pub fn new(bits: u8, len: usize) -> Result<Self, StatusListError> {
        check_bits(bits)?;
        let bytes = (len * usize::from(bits)).div_ceil(8);
        Ok(Self { bits, bytes: vec![0; bytes] })
    }

    #[must_use]
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// How many entries the list holds.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn locate(&self, index: u64) -> Result<(usize, u32), StatusListError> {
        let bit = index.checked_mul(u64::from(self.bits)).ok_or(StatusListError::Index { index, len: self.len() })?;
        let byte = usize::try_from(bit / 8).map_err(|_| StatusListError::Index { index, len: self.len() })?;
        if byte >= self.bytes.len() {
            return Err(StatusListError::Index { index, len: self.len() });
        }
        Ok((byte, u32::try_from(bit % 8).unwrap_or(0)))
    }

    pub fn get(&self, index: u64) -> Result<TokenStatus, StatusListError> {
        let (byte, shift) = self.locate(index)?;
        let mask = u8::MAX >> (8 - self.bits);
        Ok(TokenStatus::from_value((self.bytes[byte] >> shift) & mask))
    }

    pub fn set(&mut self, index: u64, status: TokenStatus) -> Result<(), StatusListError> {
        let (byte, shift) = self.locate(index)?;
        let mask = u8::MAX >> (8 - self.bits);
        let v = status.value();
        if v > mask {
            return Err(StatusListError::Value(v));
        }
        self.bytes[byte] = (self.bytes[byte] & !(mask << shift)) | (v << shift);
        Ok(())
    }

    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The `status_list` member of a status list token.
    #[must_use]
    pub fn encode(&self) -> EncodedStatusList {
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&self.bytes, 9);
        EncodedStatusList { bits: self.bits, lst: URL_SAFE_NO_PAD.encode(compressed) }
    }

    pub fn decode(encoded: &EncodedStatusList) -> Result<Self, StatusListError> {
        check_bits(encoded.bits)?;
        let compressed =
            URL_SAFE_NO_PAD.decode(encoded.lst.trim_end_matches('=')).map_err(|_| StatusListError::Base64)?;
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_BYTES)
            .map_err(|_| StatusListError::Compression)?;
        Ok(Self { bits: encoded.bits, bytes })
    }
}

wire! {
/// `status_list` in a status list token (§4.2).
pub struct EncodedStatusList {
    pub bits: u8,
    pub lst: String,
}
}

wire! {
/// The payload of a status list token, a JWT with `typ: statuslist+jwt` (§5.1).
pub struct StatusListClaims {
    /// The URI the list is fetched from; must equal the referenced token's `status.status_list.uri`.
    pub sub: String,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Seconds a client may cache the list before fetching it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
    pub status_list: EncodedStatusList,
}
}

wire! {
/// `status` in a referenced token (§6.1).
pub struct StatusReference {
    pub status_list: StatusListIndex,
}
}

wire! {
pub struct StatusListIndex {
    pub idx: u64,
    pub uri: String,
}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// draft-ietf-oauth-status-list §4.1: 16 one-bit statuses, bytes 0xB9 0xA3, `lst` "eNrbuRgAAhcBXQ".
    #[test]
    fn spec_example() {
        let list = StatusList::decode(&EncodedStatusList { bits: 1, lst: "eNrbuRgAAhcBXQ".into() }).expect("decode");
        assert_eq!(list.as_bytes(), &[0xb9, 0xa3]);
        let invalid = [0, 3, 4, 5, 7, 8, 9, 13, 15];
        for i in 0..16 {
            let want = if invalid.contains(&i) { TokenStatus::Invalid } else { TokenStatus::Valid };
            assert_eq!(list.get(i).expect("get"), want, "index {i}");
        }
        assert!(list.get(16).is_err());
        let mut rebuilt = StatusList::new(1, 16).expect("new");
        for i in invalid {
            rebuilt.set(i, TokenStatus::Invalid).expect("set");
        }
        assert_eq!(rebuilt.as_bytes(), list.as_bytes());
        assert_eq!(StatusList::decode(&rebuilt.encode()).expect("round trip"), list);
    }

    #[test]
    fn two_bit_lists_hold_suspension() {
        let mut list = StatusList::new(2, 100).expect("new");
        list.set(5, TokenStatus::Suspended).expect("set");
        list.set(6, TokenStatus::Invalid).expect("set");
        assert!(matches!(list.set(7, TokenStatus::Other(4)), Err(StatusListError::Value(4))));
        let back = StatusList::decode(&list.encode()).expect("round trip");
        assert_eq!(back.get(5).expect("5"), TokenStatus::Suspended);
        assert_eq!(back.get(6).expect("6"), TokenStatus::Invalid);
        assert_eq!(back.get(4).expect("4"), TokenStatus::Valid);
        assert!(StatusList::new(3, 1).is_err());
    }

    #[test]
    fn hostile_input_is_refused() {
        assert_eq!(StatusList::decode(&EncodedStatusList { bits: 1, lst: "@@@".into() }), Err(StatusListError::Base64));
        assert_eq!(
            StatusList::decode(&EncodedStatusList { bits: 1, lst: "AAAA".into() }),
            Err(StatusListError::Compression)
        );
        // A zip bomb: 64 MiB of zeros compresses to a few KB and must not be inflated.
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 64 << 20], 9);
        let lst = URL_SAFE_NO_PAD.encode(bomb);
        assert_eq!(StatusList::decode(&EncodedStatusList { bits: 1, lst }), Err(StatusListError::Compression));
    }
}
