//! Roles and what each may do. The data scope rule lives here so that every edge
//! (store, HTTP, CLI) asks the same question the same way.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user's role. The English name is the API and CLI contract; the Chinese name
/// is what the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: accounts, organisation tree, settings.
    Admin,
    /// 消保管理员: head-office consumer-protection officer.
    CpOfficer,
    /// 投诉处理员: handles complaints of their organisation subtree.
    Handler,
    /// 审查员: reviews products, agreements and marketing material.
    Reviewer,
    /// 审批人: approves extensions and decisions.
    Approver,
    /// 业务送审人: staff of a business department who submit products,
    /// agreements and materials for consumer-protection review.
    Submitter,
    /// 审计员: reads everything, changes nothing.
    Auditor,
    /// 管理层: reads dashboards and reports of their subtree.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::CpOfficer,
        Role::Handler,
        Role::Reviewer,
        Role::Approver,
        Role::Submitter,
        Role::Auditor,
        Role::Viewer,
    ];

    /// The contract name used in the CLI, the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CpOfficer => "cp_officer",
            Role::Handler => "handler",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Submitter => "submitter",
            Role::Auditor => "auditor",
            Role::Viewer => "viewer",
        }
    }

    /// The name shown to users.
    pub fn display_name(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::CpOfficer => "消保管理员",
            Role::Handler => "投诉处理员",
            Role::Reviewer => "审查员",
            Role::Approver => "审批人",
            Role::Submitter => "业务送审人",
            Role::Auditor => "审计员",
            Role::Viewer => "管理层",
        }
    }

    /// Roles whose data scope is the whole bank regardless of their own
    /// organisation: system administration, head-office consumer protection and
    /// audit need to see every branch.
    pub fn sees_all_orgs(self) -> bool {
        matches!(self, Role::Admin | Role::CpOfficer | Role::Auditor)
    }

    /// Whether the role may change data at all (auditors and viewers only read).
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Auditor | Role::Viewer)
    }

    /// Whether the role may register and handle complaints. System
    /// administrators run the system but do not handle customers' cases.
    pub fn can_handle_complaints(self) -> bool {
        matches!(self, Role::CpOfficer | Role::Handler | Role::Approver)
    }

    /// Whether the role may reveal a complainant's personal data (always with a
    /// stated reason, always audited). Everyone else sees masked values only.
    pub fn can_reveal_pii(self) -> bool {
        matches!(self, Role::CpOfficer | Role::Handler | Role::Approver)
    }

    /// Whether the role reviews products and materials (审查员, and the
    /// head-office consumer-protection officers who lead the review).
    pub fn can_review(self) -> bool {
        matches!(self, Role::Reviewer | Role::CpOfficer)
    }

    /// Whether the role submits review requests for its department.
    pub fn can_submit_reviews(self) -> bool {
        matches!(self, Role::Submitter)
    }

    /// Whether the role sees every review request (reviewers and auditors);
    /// submitters see their own department's only, other roles none.
    pub fn sees_all_reviews(self) -> bool {
        matches!(self, Role::Reviewer | Role::CpOfficer | Role::Auditor)
    }

    /// Whether the role may manage accounts and the organisation tree.
    pub fn can_administer(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// A comma-separated list of the valid contract names, for error messages.
    pub fn valid_names() -> String {
        Role::ALL
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for an unknown role name; it lists the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知角色 unknown role {given:?}; 可选 allowed: {allowed}")]
pub struct UnknownRole {
    pub given: String,
    pub allowed: String,
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.display_name() == s)
            .ok_or_else(|| UnknownRole {
                given: s.to_string(),
                allowed: Role::valid_names(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(role.display_name().parse::<Role>().unwrap(), role);
        }
    }

    #[test]
    fn unknown_role_lists_valid_names() {
        let err = "boss".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("cp_officer"));
        assert_eq!(err.given, "boss");
    }

    #[test]
    fn only_head_office_roles_see_everything() {
        let all: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_all_orgs())
            .collect();
        assert_eq!(all, vec![Role::Admin, Role::CpOfficer, Role::Auditor]);
        assert!(!Role::Auditor.can_write());
        assert!(!Role::Viewer.can_write());
        assert!(Role::Handler.can_write());
    }
}
