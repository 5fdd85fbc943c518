//! The contact list in memory, sorted by name, behind search-as-you-type and the virtualised
//! list's paging. The cache is the durable copy; this is the fast one.

use crate::ipc::{ContactsPage, ContactsQuery, DepartmentFilter};
use parley_core::wire::{Contact, ContactsDelta};
use std::collections::{BTreeMap, HashMap};

struct Entry {
    contact: Contact,
    /// Lower-cased names, phone, e-mail and department, for matching.
    haystack: String,
}

#[derive(Default)]
pub struct Directory {
    entries: Vec<Entry>,
}

fn entry(contact: Contact) -> Entry {
    let haystack = format!(
        "{} {} {} {} {} {}",
        contact.first_name,
        contact.last_name,
        contact.phone,
        contact.email.as_deref().unwrap_or(""),
        contact.department_name,
        contact.first_name.clone() + " " + &contact.last_name
    )
    .to_lowercase();
    Entry { contact, haystack }
}

fn sort(entries: &mut [Entry]) {
    entries.sort_by_cached_key(|e| {
        (e.contact.last_name.to_lowercase(), e.contact.first_name.to_lowercase(), e.contact.id.clone())
    });
}

impl Directory {
    pub fn replace_all(&mut self, contacts: Vec<Contact>) {
        self.entries = contacts.into_iter().map(entry).collect();
        sort(&mut self.entries);
    }

    /// Applies a delta; returns how many contacts were added, changed or removed.
    pub fn apply(&mut self, delta: &ContactsDelta) -> usize {
        if delta.full_resync {
            self.replace_all(delta.contacts.clone());
            return delta.contacts.len();
        }
        let mut by_id: HashMap<String, Entry> = self.entries.drain(..).map(|e| (e.contact.id.clone(), e)).collect();
        for id in &delta.removed {
            by_id.remove(id);
        }
        for c in &delta.contacts {
            by_id.insert(c.id.clone(), entry(c.clone()));
        }
        self.entries = by_id.into_values().collect();
        sort(&mut self.entries);
        delta.contacts.len() + delta.removed.len()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.entries.iter().find(|e| e.contact.id == id).map(|e| &e.contact)
    }

    /// One window of the contacts matching every word of the search (in any field) and the
    /// department, in name order.
    pub fn page(&self, q: &ContactsQuery) -> ContactsPage {
        let words: Vec<String> = q.search.split_whitespace().map(str::to_lowercase).collect();
        let limit = q.limit.min(500) as usize;
        let mut total = 0usize;
        let mut items = Vec::new();
        for e in &self.entries {
            if q.department_id.as_ref().is_some_and(|d| *d != e.contact.department_id) {
                continue;
            }
            if !words.iter().all(|w| e.haystack.contains(w.as_str())) {
                continue;
            }
            if total >= q.offset as usize && items.len() < limit {
                items.push(e.contact.clone());
            }
            total += 1;
        }
        ContactsPage { total: total as u32, offset: q.offset, items }
    }

    /// Departments that have contacts, by name, with their counts.
    pub fn departments(&self) -> Vec<DepartmentFilter> {
        let mut map: BTreeMap<(String, String), u32> = BTreeMap::new();
        for e in &self.entries {
            *map.entry((e.contact.department_name.clone(), e.contact.department_id.clone())).or_default() += 1;
        }
        map.into_iter().map(|((name, id), count)| DepartmentFilter { id, name, count }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_core::role::{AccountKind, AccountStatus, Role};

    fn c(id: &str, first: &str, last: &str, dept: &str) -> Contact {
        Contact {
            id: id.into(),
            first_name: first.into(),
            last_name: last.into(),
            phone: format!("+1201555{id:0>4}"),
            phone_display: String::new(),
            email: Some(format!("{}@x.io", first.to_lowercase())),
            kind: AccountKind::Member,
            role: Role::Member,
            status: AccountStatus::Active,
            department_id: dept.into(),
            department_name: format!("Dept {dept}"),
        }
    }
    fn q(search: &str, dept: Option<&str>, offset: u32, limit: u32) -> ContactsQuery {
        ContactsQuery { search: search.into(), department_id: dept.map(Into::into), offset, limit }
    }

    #[test]
    fn sorts_searches_filters_and_pages() {
        let mut d = Directory::default();
        d.replace_all(vec![c("1", "Zoë", "Adams", "a"), c("2", "Amy", "Brown", "b"), c("3", "Bob", "Adams", "b")]);
        let all = d.page(&q("", None, 0, 10));
        assert_eq!(all.items.iter().map(|c| c.first_name.as_str()).collect::<Vec<_>>(), ["Bob", "Zoë", "Amy"]);
        assert_eq!(d.page(&q("ADAMS", None, 0, 10)).total, 2);
        assert_eq!(d.page(&q("bob adams", None, 0, 10)).total, 1, "every word must match");
        assert_eq!(d.page(&q("amy@", None, 0, 10)).total, 1, "e-mail matches");
        assert_eq!(d.page(&q("5550003", None, 0, 10)).items[0].first_name, "Bob", "phone matches");
        assert_eq!(d.page(&q("", Some("b"), 0, 10)).total, 2);
        let window = d.page(&q("", None, 1, 1));
        assert_eq!((window.total, window.items.len(), window.items[0].first_name.as_str()), (3, 1, "Zoë"));
        assert_eq!(d.departments().iter().map(|x| x.count).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn deltas_add_change_and_remove() {
        let mut d = Directory::default();
        d.replace_all(vec![c("1", "Ann", "A", "a"), c("2", "Ben", "B", "a")]);
        let n = d.apply(&ContactsDelta {
            contacts: vec![c("1", "Anna", "A", "a"), c("3", "Cy", "C", "a")],
            removed: vec!["2".into()],
            cursor: "x".into(),
            full_resync: false,
        });
        assert_eq!(n, 3);
        assert_eq!(
            d.page(&q("", None, 0, 10)).items.iter().map(|c| c.first_name.as_str()).collect::<Vec<_>>(),
            ["Anna", "Cy"]
        );
    }
}
