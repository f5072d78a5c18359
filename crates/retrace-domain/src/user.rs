//! People who sign in: their sign-in email, display name and roles.

use crate::InvalidValue;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A sign-in email address, trimmed and lower-cased. Checked for shape only:
/// one `@`, a non-empty local part, a dotted domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let email = value.trim().to_lowercase();
        let invalid = || InvalidValue::new("email", crate::Problem::Email);
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(invalid());
        }
        Ok(Self(email))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

/// The name shown for a user: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(InvalidValue::new("display_name", crate::Problem::Empty));
        }
        if trimmed.chars().count() > 100 {
            return Err(InvalidValue::new(
                "display_name",
                crate::Problem::TooLong { max: 100 },
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(InvalidValue::new(
                "display_name",
                crate::Problem::ControlCharacters,
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DisplayName {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DisplayName> for String {
    fn from(value: DisplayName) -> Self {
        value.0
    }
}

/// What a member of an organisation may do. A user holds one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    OrgAdmin,
    Caseworker,
    ReferralOfficer,
    OutreachWorker,
    Coordinator,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::OrgAdmin,
        Role::Caseworker,
        Role::ReferralOfficer,
        Role::OutreachWorker,
        Role::Coordinator,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::OrgAdmin => "org_admin",
            Role::Caseworker => "caseworker",
            Role::ReferralOfficer => "referral_officer",
            Role::OutreachWorker => "outreach_worker",
            Role::Coordinator => "coordinator",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == value.trim())
            .ok_or_else(|| {
                InvalidValue::new(
                    "roles",
                    crate::Problem::UnknownRole {
                        value: value.trim().to_owned(),
                    },
                )
            })
    }

    /// Organisation administrators hold the keys to other accounts, so a
    /// second factor is mandatory for them.
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::OrgAdmin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-empty set of roles, kept sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Role>", into = "Vec<Role>")]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Self, InvalidValue> {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(InvalidValue::new("roles", crate::Problem::NoRole));
        }
        Ok(Self(roles))
    }

    pub fn single(role: Role) -> Self {
        Self(vec![role])
    }

    /// Parses `caseworker,viewer` (the stored form).
    pub fn parse_list(value: &str) -> Result<Self, InvalidValue> {
        let roles = value
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(Role::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(roles)
    }

    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|role| role.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn requires_second_factor(&self) -> bool {
        self.0.iter().any(|role| role.requires_second_factor())
    }
}

impl TryFrom<Vec<Role>> for RoleSet {
    type Error = InvalidValue;
    fn try_from(value: Vec<Role>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<RoleSet> for Vec<Role> {
    fn from(value: RoleSet) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ana@Croix-Rouge.FR ").map(|e| e.to_string()),
            Ok("ana@croix-rouge.fr".into())
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.org",
            "ana@x",
            "a b@x.org",
            "a@b@c.org",
            "ana@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn role_sets_sort_dedup_and_refuse_empty_or_unknown() {
        let roles = RoleSet::parse_list("viewer, org_admin,viewer").unwrap();
        assert_eq!(roles.to_list(), "org_admin,viewer");
        assert!(roles.requires_second_factor());
        assert!(RoleSet::parse_list("").is_err());
        let err = RoleSet::parse_list("caseworker,king").unwrap_err();
        assert_eq!(err.field, "roles");
        assert!(err.problem.to_string().contains("king"));
    }
}
