//! How long the app took from `main` to its first contacts on screen (the UI reports the frame
//! after the one that drew them) — the cold-start figure of the desktop benchmark (issue 12),
//! logged once and printed on standard output, as the bare window prints its page on screen
//! (`src-tauri/bare_window.rs`).
//! The stages on the way are printed too (`stage <name> after N ms`), so the benchmark can
//! tell where the time goes.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();
static SHOWN: AtomicBool = AtomicBool::new(false);

/// Called first thing in `run`.
pub fn started() {
    STARTED.get_or_init(Instant::now);
}

fn since_start_ms() -> Option<u128> {
    STARTED.get().map(|at| at.elapsed().as_millis())
}

/// A stage of start-up reached (before the first contacts page only).
pub fn stage(name: &str) {
    if SHOWN.load(Ordering::Relaxed) {
        return;
    }
    if let Some(ms) = since_start_ms() {
        // Whoever reads standard output may be gone: never a panic for a figure.
        let _ = writeln!(std::io::stdout(), "stage {name} after {ms} ms");
    }
}

/// The window drew its first contacts: the first time, says after how long.
pub fn first_contacts_painted() {
    if SHOWN.swap(true, Ordering::Relaxed) {
        return;
    }
    if let Some(ms) = since_start_ms() {
        tracing::info!(since_start_ms = ms as u64, "first contacts painted");
        let _ = writeln!(std::io::stdout(), "ready after {ms} ms");
    }
}
