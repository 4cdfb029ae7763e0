//! 数据范围 — the part of the district a user may see and change.

use crate::OrgCode;

/// 数据范围 — every read and write of scoped data carries one: the org-code prefix the caller may
/// reach and, for department users, their department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    org: OrgCode,
    department: Option<i64>,
}

impl Scope {
    /// Everything under `org`.
    pub fn org(org: OrgCode) -> Self {
        Self {
            org,
            department: None,
        }
    }

    /// Everything of one department under `org`.
    pub fn department(org: OrgCode, department: i64) -> Self {
        Self {
            org,
            department: Some(department),
        }
    }

    /// The org-code prefix: a row is in scope when its org code starts with this.
    pub fn prefix(&self) -> &str {
        self.org.as_str()
    }

    pub fn department_id(&self) -> Option<i64> {
        self.department
    }

    /// Whether a row with this org code lies in scope.
    pub fn covers(&self, code: &OrgCode) -> bool {
        code.is_within(&self.org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn township_scope_covers_its_own_grids_only() {
        let s = Scope::org(OrgCode::parse("511702001").unwrap());
        assert!(s.covers(&OrgCode::parse("511702001001002").unwrap()));
        assert!(s.covers(&OrgCode::parse("511702001").unwrap()));
        assert!(!s.covers(&OrgCode::parse("511702002001").unwrap()));
        assert!(!s.covers(&OrgCode::parse("511702").unwrap()));
        assert_eq!(s.prefix(), "511702001");
        assert_eq!(
            Scope::department(OrgCode::parse("511702").unwrap(), 3).department_id(),
            Some(3)
        );
    }
}
