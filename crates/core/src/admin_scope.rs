//! How far an administrator reaches (SPEC §3, §8): a company admin, the whole organisation; a
//! department admin, the departments they administer and every department below them; anyone
//! else, nowhere. The one rule behind the guests list, its actions, the activity report and
//! revoking sessions.

use crate::role::Role;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminScope {
    Organisation,
    /// These departments (sub-departments included, already expanded), sorted.
    Departments(Vec<String>),
}

impl AdminScope {
    /// The scope of someone with `role` who administers the departments `managed`, in the
    /// organisation's department `tree` (id, parent); `None` for anyone who is not an admin.
    pub fn of(role: Role, managed: &[String], tree: &[(String, Option<String>)]) -> Option<Self> {
        match role {
            Role::CompanyAdmin => Some(Self::Organisation),
            Role::DepartmentAdmin => Some(Self::Departments(with_descendants(managed, tree))),
            _ => None,
        }
    }

    /// Whether an account of `department_id` (in the admin's organisation) is within reach.
    pub fn includes(&self, department_id: &str) -> bool {
        match self {
            Self::Organisation => true,
            Self::Departments(ids) => ids.binary_search_by(|d| d.as_str().cmp(department_id)).is_ok(),
        }
    }
}

/// `roots` and every department below them in `tree` (id, parent), sorted.
fn with_descendants(roots: &[String], tree: &[(String, Option<String>)]) -> Vec<String> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, parent) in tree {
        if let Some(p) = parent {
            children.entry(p.as_str()).or_default().push(id.as_str());
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
    while let Some(d) = stack.pop() {
        if seen.insert(d) {
            stack.extend(children.get(d).into_iter().flatten());
        }
    }
    let mut out: Vec<String> = seen.into_iter().map(str::to_owned).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Vec<(String, Option<String>)> {
        vec![
            ("root".to_owned(), None),
            ("sales".to_owned(), Some("root".to_owned())),
            ("emea".to_owned(), Some("sales".to_owned())),
            ("paris".to_owned(), Some("emea".to_owned())),
            ("eng".to_owned(), Some("root".to_owned())),
        ]
    }

    #[test]
    fn a_department_admin_reaches_sub_departments_not_siblings_or_parents() {
        let sales = AdminScope::of(Role::DepartmentAdmin, &["sales".into()], &tree()).expect("admin");
        assert_eq!(sales, AdminScope::Departments(vec!["emea".into(), "paris".into(), "sales".into()]));
        assert!(sales.includes("paris") && sales.includes("sales"));
        assert!(!sales.includes("eng") && !sales.includes("root"));
        let none = AdminScope::of(Role::DepartmentAdmin, &[], &tree()).expect("admin of nothing");
        assert!(!none.includes("sales"));
    }

    #[test]
    fn a_company_admin_reaches_everything_and_others_nothing() {
        assert!(AdminScope::of(Role::CompanyAdmin, &[], &tree()).expect("admin").includes("eng"));
        assert_eq!(AdminScope::of(Role::Member, &["sales".into()], &tree()), None);
        assert_eq!(AdminScope::of(Role::Guest, &[], &tree()), None);
    }

    #[test]
    fn a_cycle_in_the_tree_ends() {
        let cyclic = vec![("a".to_owned(), Some("b".to_owned())), ("b".to_owned(), Some("a".to_owned()))];
        let scope = AdminScope::of(Role::DepartmentAdmin, &["a".into()], &cyclic).expect("admin");
        assert_eq!(scope, AdminScope::Departments(vec!["a".into(), "b".into()]));
    }
}
