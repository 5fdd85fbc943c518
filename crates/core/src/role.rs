//! Account kinds, roles and statuses, with the spellings stored in the database.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

macro_rules! db_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            /// Reads the database spelling; `None` for anything else.
            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

/// Whether an account is a regular member or an external user (guest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccountKind {
    Member,
    Guest,
}
db_enum!(AccountKind { Member => "member", Guest => "guest" });

/// The role an account holds in its organisation (SPEC §2). Department admins administer the
/// departments listed for them and all their sub-departments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    CompanyAdmin,
    DepartmentAdmin,
    Member,
    Guest,
}
db_enum!(Role {
    CompanyAdmin => "company_admin",
    DepartmentAdmin => "department_admin",
    Member => "member",
    Guest => "guest",
});

impl Role {
    pub fn is_admin(self) -> bool {
        matches!(self, Self::CompanyAdmin | Self::DepartmentAdmin)
    }
}

/// Authentication status of an account: *Pending activation* until the first-login steps are
/// done, then *Active*. Deleted accounts can never log in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccountStatus {
    Pending,
    Active,
    Deleted,
}
db_enum!(AccountStatus { Pending => "pending", Active => "active", Deleted => "deleted" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_spellings_roundtrip() {
        for r in [Role::CompanyAdmin, Role::DepartmentAdmin, Role::Member, Role::Guest] {
            assert_eq!(Role::from_db(r.as_str()), Some(r));
        }
        for s in [AccountStatus::Pending, AccountStatus::Active, AccountStatus::Deleted] {
            assert_eq!(AccountStatus::from_db(s.as_str()), Some(s));
        }
        assert_eq!(AccountKind::from_db("admin"), None);
        assert!(Role::DepartmentAdmin.is_admin() && !Role::Guest.is_admin());
    }
}
