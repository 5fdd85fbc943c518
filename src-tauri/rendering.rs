//! How the window's web view paints on Linux (WebKitGTK), and when the window shows.
//!
//! Parley's window is lists, forms and text, with no video, canvas or 3D. WebKit's accelerated
//! compositing gives it nothing it shows, and it costs memory. The desktop benchmark measured
//! this under Xvfb, where WebKitGTK composites with Mesa's software GL. At 10,000 contacts the
//! web process held ~80 MiB more with compositing on: layer textures, GL buffers and the pages
//! of the GL code (docs/BENCHMARKS.md, "desktop client").
//!
//! So the web view paints without compositing unless the user chose otherwise. WebKitGTK reads
//! `WEBKIT_DISABLE_COMPOSITING_MODE`, and any value the user sets wins: for example,
//! `WEBKIT_DISABLE_COMPOSITING_MODE=0 parley-desktop` brings GL compositing back.

/// WebKitGTK's own switch (it reads the variable once, when the first web view is created).
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Called first thing in `main`, before any thread exists (the environment is process-wide).
pub fn paint_without_compositing() {
    if cfg!(target_os = "linux") && std::env::var_os(DISABLE_COMPOSITING).is_none() {
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
}

/// The main window is created hidden (`tauri.conf.json`) and shown when its page has loaded
/// ([`page_loaded`]): shown before its web process was ready, non-composited WebKitGTK held
/// the first frame back by ~450 ms now and then. Should the page never load, the window shows
/// anyway after this long rather than stay invisible.
const SHOW_AT_THE_LATEST: std::time::Duration = std::time::Duration::from_secs(3);

/// From `setup`: the fallback of [`SHOW_AT_THE_LATEST`].
pub fn show_at_the_latest(app: &tauri::App) {
    use tauri::Manager;
    if let Some(window) = app.get_webview_window("main") {
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SHOW_AT_THE_LATEST).await;
            if !window.is_visible().unwrap_or(true) {
                let _ = window.show();
            }
        });
    }
}

/// The page has loaded: the window shows (a no-op once it does).
pub fn page_loaded(window: &tauri::Window) {
    if !window.is_visible().unwrap_or(false) {
        let _ = window.show();
    }
}
