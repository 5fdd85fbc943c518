//! A bare Tauri v2 window, the desktop benchmark's baseline (issue 12, SPEC §13): the same
//! Tauri, WebKitGTK and `Cargo.lock` as the app, one window with a one-line page, no plugins,
//! no client. It prints when its page is on screen (the frame after the one that drew it), as
//! the app prints its first contacts on screen, both counted from `main`.
//!
//!   cargo build --release --example bare_window

use std::time::Instant;
use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

const PAGE: &str = "<!doctype html><meta charset=utf-8><title>Bare</title><p>Bare Tauri window</p>\
    <script>requestAnimationFrame(() => requestAnimationFrame(() => fetch('bare://localhost/painted')))</script>";

fn main() {
    let started = Instant::now();
    let mut context = tauri::generate_context!();
    // The app's own window (and its page) is not this one's.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        // Its one page, served by the window's own scheme.
        .register_uri_scheme_protocol("bare", move |_, request| {
            if request.uri().path() == "/painted" {
                println!("ready after {} ms", started.elapsed().as_millis());
            }
            tauri::http::Response::builder()
                .header("content-type", "text/html; charset=utf-8")
                .body(PAGE.as_bytes().to_vec())
                .unwrap_or_default()
        })
        .setup(move |app| {
            println!("stage setup after {} ms", started.elapsed().as_millis());
            let url = WebviewUrl::External("bare://localhost/".parse()?);
            WebviewWindowBuilder::new(app, "bare", url).title("Bare").inner_size(1100.0, 720.0).build()?;
            Ok(())
        })
        .on_page_load(move |_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                println!("stage page loaded after {} ms", started.elapsed().as_millis());
            }
        })
        .run(context)
        .unwrap_or_else(|e| {
            eprintln!("bare_window: {e}");
            std::process::exit(1);
        });
}
