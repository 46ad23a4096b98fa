//! Signed links: `NONCE.SIGNATURE`, where the nonce finds the stored link and the HMAC-SHA256
//! signature, made with the installation's secret over what the link is for, proves the server
//! issued it for exactly that. Every node shares the secret through the database.

use hmac::{Hmac, Mac};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use sha2::Sha256;

use crate::auth::new_secret;
use crate::entity::installation_secret;
use crate::error::{Result, StorageError};

const SECRET_NAME: &str = "links";

/// The installation's signing secret, made once by whichever node signs a link first (in its
/// write transaction).
async fn secret(db: &impl ConnectionTrait) -> Result<Vec<u8>> {
    if let Some(stored) = stored_secret(db).await? {
        return Ok(stored);
    }
    let row = installation_secret::ActiveModel {
        name: Set(SECRET_NAME.to_owned()),
        value: Set(new_secret()?),
    };
    installation_secret::Entity::insert(row)
        .on_conflict(
            OnConflict::column(installation_secret::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    stored_secret(db)
        .await?
        .ok_or(StorageError::NotFound("secret"))
}

/// The secret if one was made: checking a link only reads (on a read-only connection).
async fn stored_secret(db: &impl ConnectionTrait) -> Result<Option<Vec<u8>>> {
    Ok(
        installation_secret::Entity::find_by_id(SECRET_NAME.to_owned())
            .one(db)
            .await?
            .map(|s| s.value.into_bytes()),
    )
}

fn mac(secret: &[u8], claims: &str) -> Result<Hmac<Sha256>> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret).map_err(|e| StorageError::Hashing(e.to_string()))?;
    mac.update(claims.as_bytes());
    Ok(mac)
}

/// A fresh nonce for a new link.
pub(crate) fn nonce() -> Result<String> {
    Ok(new_secret()?[..32].to_owned())
}

/// The token of a link with `nonce`, signing `claims`.
pub(crate) async fn token(db: &impl ConnectionTrait, nonce: &str, claims: &str) -> Result<String> {
    Ok(format!(
        "{nonce}.{}",
        hex::encode(mac(&secret(db).await?, claims)?.finalize().into_bytes())
    ))
}

/// The nonce of a well-formed token, to find its link by.
pub(crate) fn nonce_of(token: &str) -> Result<&str> {
    token
        .split_once('.')
        .map(|(nonce, _)| nonce)
        .ok_or(StorageError::NotFound("link"))
}

/// Checks that `token` signs `claims`; anything else is "not found", telling a forger nothing.
pub(crate) async fn verify(db: &impl ConnectionTrait, token: &str, claims: &str) -> Result<()> {
    let not_found = || StorageError::NotFound("link");
    let (_, signature) = token.split_once('.').ok_or_else(not_found)?;
    let signature = hex::decode(signature).map_err(|_| not_found())?;
    // No secret yet: no link was ever signed, so this one is not ours.
    let secret = stored_secret(db).await?.ok_or_else(not_found)?;
    mac(&secret, claims)?
        .verify_slice(&signature)
        .map_err(|_| not_found())
}
