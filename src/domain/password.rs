//! Passwords: argon2id (the argon2 crate's defaults: m=19 MiB, t=2, p=1, OWASP's baseline).

use crate::{Error, Result};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

/// Like [`verify`], off the async workers, with at most one check per core at a time. Each
/// check fills a 19 MiB block (m=19 MiB): 32 wrong passwords at once held 600 MiB, and the
/// blocks freed on 32 blocking threads stayed in glibc's per-thread arenas (the memory bench:
/// 2.5 GiB after 10,000 mixed requests). More checks at once would not finish sooner on these
/// cores; the others wait for a slot, holding nothing.
pub async fn verify_bounded(password: &str, stored: &str) -> bool {
    use rocket::tokio::sync::Semaphore;
    static SLOTS: std::sync::OnceLock<Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    });
    let Ok(_slot) = slots.acquire().await else {
        return false;
    };
    let (password, stored) = (password.to_string(), stored.to_string());
    rocket::tokio::task::spawn_blocking(move || verify(&password, &stored))
        .await
        .unwrap_or(false)
}

/// True when `password` matches the stored hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// The office's password rule: at least 10 characters and not the username.
pub fn check_strength(field: &str, password: &str, username: &str) -> Result<()> {
    if password.chars().count() < MIN_LENGTH {
        return Err(Error::invalid_with(
            field,
            "msg.password.at_least_characters",
            &[("min", &MIN_LENGTH.to_string())],
        ));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(Error::invalid(
            field,
            "msg.password.the_password_must_not_be_the",
        ));
    }
    Ok(())
}

/// A random password for generated accounts: 16 characters from an unambiguous alphabet.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("mật khẩu dài đủ").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("mật khẩu dài đủ", &h));
        assert!(!verify("mật khẩu sai", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn strength_rule_names_the_field() {
        let e = check_strength("password", "short", "admin").unwrap_err();
        assert_eq!(e.field(), Some("password"));
        assert!(check_strength("password", "administrator", "AdministratoR").is_err());
        assert!(check_strength("password", "đủ-mười-ký-tự", "admin").is_ok());
    }
}
