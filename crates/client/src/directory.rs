//! The contact list's index in memory, behind search-as-you-type and the virtualised list's
//! paging. The cache ([`crate::cache`]) holds the contacts; this holds only what finding them
//! takes — each one's cache row, name-order key, lower-cased search text and department — so
//! 100,000 contacts cost a few megabytes here, and a page reads its rows from the cache.

use crate::ipc::{ContactsQuery, DepartmentFilter};
use memchr::memmem::Finder;
use parley_core::wire::Contact;
use std::collections::{BTreeMap, HashMap};

/// What the index keeps of one contact, as the cache stores it beside the contact.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IndexRow {
    pub rowid: i64,
    pub sort_key: String,
    pub haystack: String,
    pub department_id: String,
    pub department_name: String,
}

/// The name-order key and the search text of a contact (what [`Directory`] sorts and matches
/// by): last name, first name, then the id to break ties; the search text holds the names,
/// phone, e-mail and department, lower-cased.
pub fn index_keys(c: &Contact) -> (String, String) {
    let sort_key = format!("{}\u{1}{}\u{1}{}", c.last_name.to_lowercase(), c.first_name.to_lowercase(), c.id);
    let haystack = format!(
        "{} {} {} {} {}",
        c.first_name,
        c.last_name,
        c.phone,
        c.email.as_deref().unwrap_or(""),
        c.department_name
    )
    .to_lowercase();
    (sort_key, haystack)
}

/// A delta as the cache applied it: the rows it removed and the rows it wrote.
#[derive(Debug, Default)]
pub struct Applied {
    pub removed: Vec<i64>,
    pub written: Vec<IndexRow>,
}

struct Entry {
    rowid: i64,
    sort_key: Box<str>,
    /// Where its search text lies in [`Directory::text`].
    text_at: u32,
    text_len: u32,
    department: u32,
}

#[derive(Default)]
pub struct Directory {
    /// In name order.
    entries: Vec<Entry>,
    /// Every entry's search text, one after another (in name order once compacted), so a
    /// search reads one block of memory.
    text: String,
    /// Bytes of `text` no entry points at any more (changed or removed contacts).
    unused: usize,
    /// Departments by index: (id, name).
    departments: Vec<(String, String)>,
    department_index: HashMap<String, u32>,
}

impl Directory {
    /// The index of these rows.
    pub fn from_rows(rows: Vec<IndexRow>) -> Self {
        let mut d = Self::default();
        for row in rows {
            d.push(row);
        }
        d.sorted()
    }

    /// Adds a row at the end (rows come in name order: finish with [`Directory::sorted`]).
    pub fn push(&mut self, row: IndexRow) {
        let entry = self.entry(row);
        self.entries.push(entry);
    }

    /// In name order, whatever order the rows came in.
    pub fn sorted(mut self) -> Self {
        if !self.entries.is_sorted_by(|a, b| a.sort_key <= b.sort_key) {
            self.entries.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
            self.compact();
        }
        self
    }

    fn entry(&mut self, r: IndexRow) -> Entry {
        let department = match self.department_index.get(&r.department_id) {
            Some(&i) => {
                self.departments[i as usize].1 = r.department_name;
                i
            }
            None => {
                let i = self.departments.len() as u32;
                self.department_index.insert(r.department_id.clone(), i);
                self.departments.push((r.department_id, r.department_name));
                i
            }
        };
        let text_at = self.text.len() as u32;
        self.text.push_str(&r.haystack);
        Entry { rowid: r.rowid, sort_key: r.sort_key.into(), text_at, text_len: r.haystack.len() as u32, department }
    }

    fn text_of(&self, e: &Entry) -> &str {
        &self.text[e.text_at as usize..(e.text_at + e.text_len) as usize]
    }

    /// Rewrites `text` in name order without the unused bytes.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.unused);
        for e in &mut self.entries {
            let at = text.len() as u32;
            text.push_str(&self.text[e.text_at as usize..(e.text_at + e.text_len) as usize]);
            e.text_at = at;
        }
        self.text = text;
        self.unused = 0;
    }

    /// Follows what the cache did with a delta; answers how many contacts changed.
    pub fn apply(&mut self, applied: Applied) -> usize {
        let changes = applied.removed.len() + applied.written.len();
        let gone: std::collections::HashSet<i64> =
            applied.removed.iter().chain(applied.written.iter().map(|r| &r.rowid)).copied().collect();
        if !gone.is_empty() {
            let mut unused = 0;
            self.entries.retain(|e| {
                let keep = !gone.contains(&e.rowid);
                if !keep {
                    unused += e.text_len as usize;
                }
                keep
            });
            self.unused += unused;
        }
        for row in applied.written {
            let entry = self.entry(row);
            let at = self.entries.partition_point(|e| e.sort_key < entry.sort_key);
            self.entries.insert(at, entry);
        }
        if self.unused > self.text.len() / 2 {
            self.compact();
        }
        changes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many contacts match every word of the search (in any field) and the department,
    /// and the cache rows of the window asked for, in name order.
    pub fn matching(&self, q: &ContactsQuery) -> (u32, Vec<i64>) {
        let words: Vec<String> = q.search.split_whitespace().map(str::to_lowercase).collect();
        // Each word's searcher built once, not once a contact: `str::contains` sets up a
        // two-way searcher on every call, 100,000 a keystroke.
        let finders: Vec<Finder<'_>> = words.iter().map(|w| Finder::new(w.as_bytes())).collect();
        let department = match &q.department_id {
            Some(id) => match self.department_index.get(id) {
                Some(&i) => Some(i),
                None => return (0, Vec::new()),
            },
            None => None,
        };
        let (offset, limit) = (q.offset as usize, q.limit.min(500) as usize);
        let mut total = 0usize;
        let mut window = Vec::with_capacity(limit);
        for e in &self.entries {
            if department.is_some_and(|d| d != e.department)
                || !finders.iter().all(|f| f.find(self.text_of(e).as_bytes()).is_some())
            {
                continue;
            }
            if total >= offset && window.len() < limit {
                window.push(e.rowid);
            }
            total += 1;
        }
        (total as u32, window)
    }

    /// Departments that have contacts, by name, with their counts.
    pub fn departments(&self) -> Vec<DepartmentFilter> {
        let mut counts = vec![0u32; self.departments.len()];
        for e in &self.entries {
            counts[e.department as usize] += 1;
        }
        let mut map: BTreeMap<(&str, &str), u32> = BTreeMap::new();
        for (i, (id, name)) in self.departments.iter().enumerate() {
            if counts[i] > 0 {
                map.insert((name.as_str(), id.as_str()), counts[i]);
            }
        }
        map.into_iter()
            .map(|((name, id), count)| DepartmentFilter { id: id.to_owned(), name: name.to_owned(), count })
            .collect()
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
            access: Default::default(),
            access_ends_at: None,
            you_sponsor: false,
        }
    }

    fn row(rowid: i64, contact: &Contact) -> IndexRow {
        let (sort_key, haystack) = index_keys(contact);
        IndexRow {
            rowid,
            sort_key,
            haystack,
            department_id: contact.department_id.clone(),
            department_name: contact.department_name.clone(),
        }
    }

    fn q(search: &str, dept: Option<&str>, offset: u32, limit: u32) -> ContactsQuery {
        ContactsQuery { search: search.into(), department_id: dept.map(Into::into), offset, limit }
    }

    #[test]
    fn sorts_searches_filters_and_pages() {
        let people = [c("1", "Zoë", "Adams", "a"), c("2", "Amy", "Brown", "b"), c("3", "Bob", "Adams", "b")];
        let d = Directory::from_rows(people.iter().enumerate().map(|(i, p)| row(i as i64 + 1, p)).collect());
        assert_eq!(d.matching(&q("", None, 0, 10)), (3, vec![3, 1, 2]), "Bob Adams, Zoë Adams, Amy Brown");
        assert_eq!(d.matching(&q("ADAMS", None, 0, 10)).0, 2);
        assert_eq!(d.matching(&q("bob adams", None, 0, 10)).0, 1, "every word must match");
        assert_eq!(d.matching(&q("ZOË ada", None, 0, 10)).1, vec![1], "letters beyond ASCII, a word's start");
        assert_eq!(d.matching(&q("amy@", None, 0, 10)).0, 1, "e-mail matches");
        assert_eq!(d.matching(&q("5550003", None, 0, 10)).1, vec![3], "phone matches");
        assert_eq!(d.matching(&q("", Some("b"), 0, 10)).0, 2);
        assert_eq!(d.matching(&q("", Some("nowhere"), 0, 10)).0, 0);
        assert_eq!(d.matching(&q("", None, 1, 1)), (3, vec![1]), "a window of one, the second");
        assert_eq!(d.departments().iter().map(|x| x.count).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn deltas_add_change_and_remove() {
        let (ann, ben) = (c("1", "Ann", "A", "a"), c("2", "Ben", "B", "a"));
        let mut d = Directory::from_rows(vec![row(1, &ann), row(2, &ben)]);
        // Ann renamed in place (same row), Ben removed, Cy added.
        let n = d.apply(Applied {
            removed: vec![2],
            written: vec![row(1, &c("1", "Anna", "Z", "a")), row(3, &c("3", "Cy", "C", "b"))],
        });
        assert_eq!(n, 3);
        assert_eq!(d.matching(&q("", None, 0, 10)), (2, vec![3, 1]), "Cy C before Anna Z");
        assert_eq!(d.matching(&q("anna", None, 0, 10)).1, vec![1]);
        assert_eq!(d.matching(&q("ben", None, 0, 10)).0, 0);
        assert_eq!(d.departments().len(), 2);
    }
}
