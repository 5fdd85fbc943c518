//! The client's contact directory at scale (issue 12, SPEC §13): a first sync written to the
//! cache, the index read back at start-up, search as you type, a delta of 100 changes, and the
//! memory the index holds — on a real SQLite cache file, N synthetic contacts.
//!
//!   cargo run --release -p parley-client --example directory_bench -- 100000
//!
//! Prints one line per figure (median, p99 and max where repeated).

use parley_client::cache::Cache;
use parley_client::ipc::ContactsQuery;
use parley_core::role::{AccountKind, AccountStatus, Role};
use parley_core::wire::{Contact, ContactsDelta};
use std::time::{Duration, Instant};

const FIRST: [&str; 24] = [
    "Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kenji", "Lena", "Marta",
    "Nils", "Olga", "Paul", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wei", "Yara",
];
const LAST: [&str; 20] = [
    "Smith", "Müller", "Rossi", "García", "Dubois", "Nowak", "Jensen", "Silva", "Kowalski", "Novak", "Larsen", "Costa",
    "Schmidt", "Moreau", "Bianchi", "Fischer", "Martin", "Weber", "Keller", "Lopez",
];

fn contact(i: usize) -> Contact {
    let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
    let dept = i % 40;
    Contact {
        id: format!("01a00000-0000-7000-8000-{i:012}"),
        first_name: first.to_owned(),
        last_name: format!("{last}{}", i / (FIRST.len() * LAST.len())),
        phone: format!("+1201{:07}", i),
        phone_display: format!("+1 201-{:03}-{:04}", i / 10_000, i % 10_000),
        email: Some(format!("{}.{}{}@northwind.example", first.to_lowercase(), last.to_lowercase(), i)),
        kind: AccountKind::Member,
        role: Role::Member,
        status: AccountStatus::Active,
        department_id: format!("01a00000-0000-7000-9000-{dept:012}"),
        department_name: format!("Department {dept}"),
        access: Default::default(),
        access_ends_at: None,
        you_sponsor: false,
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    format!("p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n={})", ms(at(0.5)), ms(at(0.99)), ms(at(1.0)), times.len())
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("cache.db");
    let cache = Cache::open(&path).await.expect("cache");
    let contacts: Vec<Contact> = (0..n).map(contact).collect();
    let full = ContactsDelta { contacts, removed: vec![], cursor: "c1.1".into(), full_resync: true, page: None };

    let t = Instant::now();
    cache.apply(&full).await.expect("first sync");
    println!("first sync written to the cache ({n} contacts): {:.0} ms", ms(t.elapsed()));
    drop(full);

    let before = rss_kib();
    let t = Instant::now();
    let mut directory = cache.directory().await.expect("index");
    println!("index read at start-up: {:.0} ms", ms(t.elapsed()));
    println!("index in memory: {:.1} MiB (RSS growth)", (rss_kib().saturating_sub(before)) as f64 / 1024.0);

    // Typed one key at a time, as in the search box; each keystroke is a first page of 50.
    let typed =
        ["a", "an", "ann", "anna", "s", "sm", "smi", "smit", "smith", "smith1", "+1201", "555", "@north", "dep"];
    let mut keystrokes = Vec::new();
    for _ in 0..20 {
        for text in typed {
            let q = ContactsQuery { search: text.into(), department_id: None, offset: 0, limit: 50 };
            let t = Instant::now();
            let (_, rows) = directory.matching(&q);
            let page = cache.contacts_at(&rows).await.expect("page");
            keystrokes.push(t.elapsed());
            assert!(page.len() <= 50);
        }
    }
    println!("search, per keystroke (first page of 50): {}", summary(keystrokes));
    let mut finding = Vec::new();
    for _ in 0..20 {
        for text in typed {
            let q = ContactsQuery { search: text.into(), department_id: None, offset: 0, limit: 50 };
            let t = Instant::now();
            let _ = directory.matching(&q);
            finding.push(t.elapsed());
        }
    }
    println!("  of which finding them in the index: {}", summary(finding));

    let mut scroll = Vec::new();
    for i in 0..200 {
        let q = ContactsQuery { search: String::new(), department_id: None, offset: (i * 499) % n as u32, limit: 50 };
        let t = Instant::now();
        let (_, rows) = directory.matching(&q);
        cache.contacts_at(&rows).await.expect("page");
        scroll.push(t.elapsed());
    }
    println!("scrolling, a page of 50 anywhere: {}", summary(scroll));

    let changed: Vec<Contact> =
        (0..100).map(|i| Contact { first_name: format!("Renamed{i}"), ..contact(i * 7) }).collect();
    let delta =
        ContactsDelta { contacts: changed, removed: vec![], cursor: "c1.2".into(), full_resync: false, page: None };
    let t = Instant::now();
    let applied = cache.apply(&delta).await.expect("delta");
    directory.apply(applied);
    println!("delta of 100 changes (cache and index): {:.1} ms", ms(t.elapsed()));
}
