//! `parley://redeem?server=…&code=…` links (SPEC §10.1 external keys). The link the app was
//! started with, or one handed over by a second launch, is kept until the UI asks for it
//! (`pending_key_link`) and announced with the `key-link` event.

use crate::events::TauriEvents;
use parley_client::ipc::KeyLink;
use std::sync::{Arc, Mutex};
use tauri::{App, Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

/// The newest key link not yet shown.
#[derive(Default)]
pub struct PendingLink(pub Mutex<Option<KeyLink>>);

fn handle(app: &tauri::AppHandle, url: &str) {
    let link = match parley_client::sharing::key_from_link(url) {
        Ok((server_url, code)) => KeyLink { server_url, code, error: None },
        Err(e) => KeyLink { server_url: String::new(), code: String::new(), error: Some(e) },
    };
    tracing::info!(valid = link.error.is_none(), "opened with a key link");
    if let Some(pending) = app.try_state::<PendingLink>() {
        *pending.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(link.clone());
    }
    let _ = app.emit("key-link", link);
}

pub fn listen(app: &mut App, ui: Arc<TauriEvents>) {
    app.manage(PendingLink::default());
    let handle_app = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        ui.show_window();
        for url in event.urls() {
            handle(&handle_app, url.as_str());
        }
    });
    // Started by the link itself.
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            handle(app.handle(), url.as_str());
        }
    }
    // The desktop entry that makes `parley://` open this app: written by the package on
    // install; a development build registers itself.
    #[cfg(all(debug_assertions, target_os = "linux"))]
    if let Err(e) = app.deep_link().register_all() {
        tracing::info!(error = %e, "parley:// links not registered");
    }
}
