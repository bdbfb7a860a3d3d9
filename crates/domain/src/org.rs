//! The organisation tree: head office → branches → sub-branches/outlets, plus
//! village banks (村镇银行) that are separate legal entities under the sponsor.
//!
//! Every org carries a materialised path (`/HO/HZ/HZ01/`) so that "is this record
//! inside the user's subtree" is a prefix test that both SQLite and PostgreSQL
//! answer with an index, and that code cannot get subtly wrong.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The level of an organisation in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    HeadOffice,
    Branch,
    SubBranch,
    Outlet,
    VillageBank,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [
        OrgKind::HeadOffice,
        OrgKind::Branch,
        OrgKind::SubBranch,
        OrgKind::Outlet,
        OrgKind::VillageBank,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::HeadOffice => "head_office",
            OrgKind::Branch => "branch",
            OrgKind::SubBranch => "sub_branch",
            OrgKind::Outlet => "outlet",
            OrgKind::VillageBank => "village_bank",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            OrgKind::HeadOffice => "总行",
            OrgKind::Branch => "分行",
            OrgKind::SubBranch => "支行",
            OrgKind::Outlet => "网点",
            OrgKind::VillageBank => "村镇银行",
        }
    }

    /// Village banks are separate legal entities (独立法人) even though the
    /// sponsoring bank supervises their complaint handling.
    pub fn is_legal_entity(self) -> bool {
        matches!(self, OrgKind::HeadOffice | OrgKind::VillageBank)
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知机构类型 unknown organisation kind {0:?}; 可选 allowed: head_office, branch, sub_branch, outlet, village_bank"
)]
pub struct UnknownOrgKind(pub String);

impl FromStr for OrgKind {
    type Err = UnknownOrgKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.display_name() == s)
            .ok_or_else(|| UnknownOrgKind(s.to_string()))
    }
}

/// Errors in organisation codes and tree structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    #[error("机构代码无效 invalid organisation code {0:?}: 1–32 个字母、数字、下划线或连字符")]
    InvalidCode(String),
}

/// Validates an organisation code: short, ASCII, and safe inside a path.
pub fn validate_code(code: &str) -> Result<(), OrgError> {
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(OrgError::InvalidCode(code.to_string()))
    }
}

/// The materialised path of a child under `parent_path` (`None` for the root).
pub fn child_path(parent_path: Option<&str>, code: &str) -> Result<String, OrgError> {
    validate_code(code)?;
    Ok(match parent_path {
        Some(parent) => format!("{parent}{code}/"),
        None => format!("/{code}/"),
    })
}

/// What a user may see: everything, or the subtree under one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Subtree(String),
}

impl Scope {
    /// A subtree root no organisation path starts with (paths are built
    /// from validated codes): the scope of roles without organisation data.
    pub const NOTHING: &'static str = "/\u{1}/";

    /// Whether an org with materialised path `path` lies inside this scope.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Subtree(root) => path.starts_with(root.as_str()),
        }
    }

    /// The path prefix to filter by (`/` matches every path).
    pub fn prefix(&self) -> &str {
        match self {
            Scope::All => "/",
            Scope::Subtree(root) => root,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest() {
        let ho = child_path(None, "HO").unwrap();
        let hz = child_path(Some(&ho), "HZ").unwrap();
        assert_eq!(ho, "/HO/");
        assert_eq!(hz, "/HO/HZ/");
        let scope = Scope::Subtree(hz.clone());
        assert!(scope.contains("/HO/HZ/HZ01/"));
        assert!(scope.contains(&hz));
        assert!(!scope.contains("/HO/"));
        // A sibling whose code starts with the same letters is not inside.
        assert!(!scope.contains("/HO/HZX/"));
        assert!(Scope::All.contains("/HO/"));
    }

    #[test]
    fn codes_are_validated() {
        assert!(validate_code("HZ-01").is_ok());
        assert!(validate_code("").is_err());
        assert!(validate_code("a/b").is_err());
        assert!(validate_code("杭州").is_err());
        assert!(validate_code(&"x".repeat(33)).is_err());
    }

    #[test]
    fn village_banks_are_legal_entities() {
        assert!(OrgKind::VillageBank.is_legal_entity());
        assert!(!OrgKind::Branch.is_legal_entity());
        assert_eq!("村镇银行".parse::<OrgKind>().unwrap(), OrgKind::VillageBank);
    }
}
