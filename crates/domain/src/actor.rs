//! The authenticated user on whose behalf a request or command runs.

use serde::Serialize;

use crate::org::Scope;
use crate::role::Role;

/// Who is acting. Every scoped read and write in the store takes an `Actor`, so
/// the data-scope rule is applied in one place and cannot be forgotten by a
/// handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_code: String,
    pub org_path: String,
}

impl Actor {
    /// The organisations whose data this actor may see.
    pub fn scope(&self) -> Scope {
        if self.role.sees_all_orgs() {
            Scope::All
        } else if self.role.can_submit_reviews() {
            // Business-department submitters work on review requests only;
            // complaints, alerts and statistics are not theirs to see.
            Scope::Subtree(Scope::NOTHING.to_string())
        } else {
            Scope::Subtree(self.org_path.clone())
        }
    }

    /// A system actor for maintenance commands run from the shell by IT staff.
    pub fn system() -> Actor {
        Actor {
            user_id: "system".into(),
            username: "system".into(),
            display_name: "系统".into(),
            role: Role::Admin,
            org_code: String::new(),
            org_path: "/".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_handler_is_scoped_to_subtree() {
        let actor = Actor {
            user_id: "u1".into(),
            username: "h".into(),
            display_name: "处理员".into(),
            role: Role::Handler,
            org_code: "HZ".into(),
            org_path: "/HO/HZ/".into(),
        };
        assert_eq!(actor.scope(), Scope::Subtree("/HO/HZ/".into()));
        let officer = Actor {
            role: Role::CpOfficer,
            ..actor
        };
        assert_eq!(officer.scope(), Scope::All);
    }
}
