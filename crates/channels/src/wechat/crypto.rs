//! Safe mode (安全模式): WeChat encrypts each message, and wants each passive reply encrypted,
//! with AES-256-CBC under the account's EncodingAESKey.
//!
//! The key is the Base64 decoding of the 43-character EncodingAESKey with `=` appended (32
//! bytes); the IV is the key's first 16 bytes. The plaintext is 16 random bytes, the message's
//! length in 4 bytes (network order), the message, and the AppID; it is padded PKCS#7-style to a
//! multiple of 32 bytes (so a pad byte goes up to 32, not 16), and the ciphertext travels in
//! Base64. A message whose AppID is not the account's is refused.

use aes::Aes256;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

/// The length of an EncodingAESKey.
pub const ENCODING_AES_KEY_LEN: usize = 43;
/// WeChat pads to a multiple of this, not to AES's block of 16.
const PAD_BLOCK: usize = 32;
const RANDOM: usize = 16;

/// Base64 as WeChat's own sample code decodes it: the EncodingAESKey's last character carries
/// two bits beyond the key, which need not be zero.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);
const BASE64: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Why a safe-mode message could not be read (or a key not used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// Not 43 characters of letters and digits.
    BadKey,
    /// The ciphertext is not Base64, or not whole blocks.
    BadCiphertext,
    /// The decrypted bytes are not a padded WeChat payload.
    BadPayload,
    /// The payload was written for another official account.
    OtherAppId,
}

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CryptoError::BadKey => "the EncodingAESKey is not 43 letters and digits",
            CryptoError::BadCiphertext => "the encrypted text is not Base64 of whole blocks",
            CryptoError::BadPayload => "the decrypted message is not a WeChat payload",
            CryptoError::OtherAppId => "the message was encrypted for another AppID",
        })
    }
}

impl std::error::Error for CryptoError {}

/// Whether `value` has the shape of an EncodingAESKey: 43 ASCII letters and digits.
pub fn is_encoding_aes_key(value: &str) -> bool {
    value.len() == ENCODING_AES_KEY_LEN && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An account's AES key, ready to use.
#[derive(Clone)]
pub struct AesKey([u8; 32]);

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey(***)")
    }
}

impl AesKey {
    /// The key an EncodingAESKey stands for.
    pub fn from_encoding_aes_key(encoding_aes_key: &str) -> Result<AesKey, CryptoError> {
        if !is_encoding_aes_key(encoding_aes_key) {
            return Err(CryptoError::BadKey);
        }
        let bytes = LENIENT
            .decode(format!("{encoding_aes_key}="))
            .map_err(|_| CryptoError::BadKey)?;
        Ok(AesKey(bytes.try_into().map_err(|_| CryptoError::BadKey)?))
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.0[..16]);
        iv
    }

    /// Encrypts `message` for the account `app_id` with the 16 bytes `random` in front, as
    /// Base64.
    pub fn encrypt(&self, message: &str, app_id: &str, random: [u8; RANDOM]) -> String {
        let mut plain = Vec::with_capacity(RANDOM + 4 + message.len() + app_id.len() + PAD_BLOCK);
        plain.extend_from_slice(&random);
        // A callback message is far below 4 GiB; a longer one could not be sent anyway.
        let len = u32::try_from(message.len()).unwrap_or(u32::MAX);
        plain.extend_from_slice(&len.to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(app_id.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        plain.resize(plain.len() + pad, pad as u8);
        let cipher = cbc::Encryptor::<Aes256>::new(&self.0.into(), &self.iv().into());
        BASE64.encode(cipher.encrypt_padded_vec_mut::<NoPadding>(&plain))
    }

    /// Decrypts a Base64 `Encrypt` text, checking it was written for `app_id`.
    pub fn decrypt(&self, encrypted: &str, app_id: &str) -> Result<String, CryptoError> {
        let bytes = BASE64
            .decode(encrypted.trim())
            .map_err(|_| CryptoError::BadCiphertext)?;
        if bytes.is_empty() || bytes.len() % 16 != 0 {
            return Err(CryptoError::BadCiphertext);
        }
        let cipher = cbc::Decryptor::<Aes256>::new(&self.0.into(), &self.iv().into());
        let plain = cipher
            .decrypt_padded_vec_mut::<NoPadding>(&bytes)
            .map_err(|_| CryptoError::BadCiphertext)?;
        let pad = usize::from(*plain.last().ok_or(CryptoError::BadPayload)?);
        if !(1..=PAD_BLOCK).contains(&pad) || pad > plain.len() {
            return Err(CryptoError::BadPayload);
        }
        let content = &plain[..plain.len() - pad];
        let rest = content.get(RANDOM..).ok_or(CryptoError::BadPayload)?;
        let (len, rest) = rest.split_at_checked(4).ok_or(CryptoError::BadPayload)?;
        let len = u32::from_be_bytes(len.try_into().map_err(|_| CryptoError::BadPayload)?);
        let (message, from_app) = rest
            .split_at_checked(len as usize)
            .ok_or(CryptoError::BadPayload)?;
        if from_app != app_id.as_bytes() {
            return Err(CryptoError::OtherAppId);
        }
        String::from_utf8(message.to_vec()).map_err(|_| CryptoError::BadPayload)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The EncodingAESKey of WeChat's message crypto samples.
    pub(crate) const SAMPLE_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    /// The encrypted text message of WeChat's Python sample (Token `spamtest`, AppID
    /// `wx2c2769f8efd9abc2`, timestamp 1409735669, nonce 1320562132).
    pub(crate) const SAMPLE_ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
    pub(crate) const SAMPLE_APP_ID: &str = "wx2c2769f8efd9abc2";

    fn key() -> AesKey {
        AesKey::from_encoding_aes_key(SAMPLE_KEY).unwrap()
    }

    /// WeChat's Java sample: this message, AppID `wxb11529c136998cb6` and the random string
    /// `aaaabbbbccccdddd` encrypt to exactly this text.
    #[test]
    fn the_documented_encryption() {
        let encrypted = key().encrypt(
            "我是中文abcd123",
            "wxb11529c136998cb6",
            *b"aaaabbbbccccdddd",
        );
        assert_eq!(
            encrypted,
            "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
        );
        assert_eq!(
            key().decrypt(&encrypted, "wxb11529c136998cb6").unwrap(),
            "我是中文abcd123"
        );
    }

    #[test]
    fn the_documented_message_decrypts() {
        let xml = key().decrypt(SAMPLE_ENCRYPT, SAMPLE_APP_ID).unwrap();
        assert!(xml.starts_with("<xml>"), "{xml}");
        assert!(xml.contains("<MsgType><![CDATA[text]]></MsgType>"), "{xml}");
    }

    #[test]
    fn another_accounts_message_is_refused() {
        assert_eq!(
            key().decrypt(SAMPLE_ENCRYPT, "wx0000000000000000"),
            Err(CryptoError::OtherAppId)
        );
    }

    #[test]
    fn garbage_is_refused_without_panic() {
        for bad in [
            "",
            "not base64!",
            "AAAA",
            &BASE64.encode([0u8; 32]),
            &BASE64.encode([7u8; 48]),
        ] {
            assert!(key().decrypt(bad, SAMPLE_APP_ID).is_err(), "{bad}");
        }
        // A well-formed block whose length field points past the end.
        let mut plain = vec![0u8; 16];
        plain.extend_from_slice(&u32::MAX.to_be_bytes());
        plain.resize(32, 0);
        plain.extend_from_slice(&[32u8; 32]);
        let cipher = cbc::Encryptor::<Aes256>::new(&key().0.into(), &key().iv().into());
        let text = BASE64.encode(cipher.encrypt_padded_vec_mut::<NoPadding>(&plain));
        assert_eq!(
            key().decrypt(&text, SAMPLE_APP_ID),
            Err(CryptoError::BadPayload)
        );
    }

    #[test]
    fn keys_are_43_letters_and_digits() {
        assert!(is_encoding_aes_key(SAMPLE_KEY));
        assert!(!is_encoding_aes_key(&SAMPLE_KEY[1..]));
        assert!(!is_encoding_aes_key(&format!("{}+", &SAMPLE_KEY[1..])));
        assert_eq!(
            AesKey::from_encoding_aes_key("short").unwrap_err(),
            CryptoError::BadKey
        );
    }

    #[test]
    fn a_round_trip_pads_to_32() {
        for len in [0, 1, 11, 12, 43, 44, 100] {
            let message = "a".repeat(len);
            let encrypted = key().encrypt(&message, SAMPLE_APP_ID, [9; 16]);
            let raw = BASE64.decode(&encrypted).unwrap();
            assert_eq!(raw.len() % PAD_BLOCK, 0);
            assert_eq!(key().decrypt(&encrypted, SAMPLE_APP_ID).unwrap(), message);
        }
    }
}
