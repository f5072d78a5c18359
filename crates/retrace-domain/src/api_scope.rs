//! What an API token may do: a set of scopes chosen when the token is made.
//! A scope never widens what the token's owner may do (roles still apply);
//! it only narrows it, so a script that reads needs no token that writes.

use crate::InvalidValue;
use std::fmt;

/// One permission of an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiScope {
    /// Read records through `GET` routes.
    Read,
    /// Create and change records.
    Write,
    /// Take data out in bulk: PFIF feeds and export files.
    Export,
    /// Administer the organisation's accounts and read its audit log.
    Admin,
}

impl ApiScope {
    pub const ALL: [ApiScope; 4] = [
        ApiScope::Read,
        ApiScope::Write,
        ApiScope::Export,
        ApiScope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Write => "write",
            ApiScope::Export => "export",
            ApiScope::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-empty set of scopes, stored as the names separated by spaces
/// (`"read write"`), as OAuth writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiScopes(u8);

impl ApiScopes {
    /// What tokens made before scopes existed were given: they could read
    /// and write, never export in bulk nor administer (ADR 0015).
    pub const LEGACY: ApiScopes = ApiScopes(0b0011);

    pub fn of(scopes: &[ApiScope]) -> Result<Self, InvalidValue> {
        let bits = scopes.iter().fold(0, |bits, s| bits | s.bit());
        if bits == 0 {
            return Err(InvalidValue::new("scopes", crate::Problem::ScopesRequired));
        }
        Ok(Self(bits))
    }

    /// Reads names separated by spaces or commas; an unknown name is refused.
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let mut scopes = Vec::new();
        for name in value.split([' ', ',']).filter(|n| !n.trim().is_empty()) {
            let scope = ApiScope::parse(name).ok_or_else(|| {
                InvalidValue::new(
                    "scopes",
                    crate::Problem::UnknownScope {
                        value: name.trim().to_owned(),
                    },
                )
            })?;
            scopes.push(scope);
        }
        Self::of(&scopes)
    }

    pub fn contains(self, scope: ApiScope) -> bool {
        self.0 & scope.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = ApiScope> {
        ApiScope::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl fmt::Display for ApiScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(ApiScope::as_str).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_refuse_unknown_or_empty() {
        let scopes = ApiScopes::parse("write, read").unwrap();
        assert_eq!(scopes.to_string(), "read write");
        assert_eq!(scopes, ApiScopes::LEGACY);
        assert!(scopes.contains(ApiScope::Read) && !scopes.contains(ApiScope::Export));
        assert_eq!(ApiScopes::parse("read root").unwrap_err().field, "scopes");
        assert!(ApiScopes::parse(" ").is_err());
        let all = ApiScopes::of(&ApiScope::ALL).unwrap();
        assert_eq!(ApiScopes::parse(&all.to_string()).unwrap(), all);
    }
}
