//! The Tauri shell of the Parley desktop client: IPC commands, events to the web UI, window
//! focus tracking and file logging. All logic lives in `parley-client`.
//!
//! Layout: [`commands`] (one function per IPC command), [`events`] (the `UiEvents` bridge),
//! [`links`] (`parley://` key links), [`rendering`] (how the web view paints, when the window shows),
//! [`startup`] (how long the first contacts took), this file
//! (start-up and plugins: single instance, deep links, clipboard, the save dialog).

mod commands;
mod events;
mod links;
mod rendering;
mod startup;

use std::sync::Arc;
use tauri::Manager;

pub fn run() {
    startup::started();
    rendering::paint_without_compositing();
    tauri::Builder::default()
        // A second launch (e.g. a `parley://` link clicked while the app runs) hands its
        // arguments to this instance (the deep-link plugin reads the link) and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(ui) = app.try_state::<Arc<events::TauriEvents>>() {
                ui.show_window();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            startup::stage("setup");
            let data_dir = app.path().app_data_dir()?;
            let log_dir = app.path().app_log_dir()?;
            init_logging(&log_dir);
            tracing::info!(data = %data_dir.display(), "parley desktop starting");
            let ui = Arc::new(events::TauriEvents::new(app.handle().clone()));
            let client = tauri::async_runtime::block_on(parley_client::Client::open(&data_dir, ui.clone()))
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            app.manage(client);
            startup::stage("client opened");
            app.manage(ui.clone());
            links::listen(app, ui);
            rendering::show_at_the_latest(app);
            Ok(())
        })
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                startup::stage("page loaded");
                rendering::page_loaded(&webview.window());
            }
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Focused(focused) = event {
                if let Some(ui) = window.try_state::<Arc<events::TauriEvents>>() {
                    ui.set_focused(*focused);
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::first_contacts_painted,
            commands::calling_codes,
            commands::check_phone,
            commands::request_code,
            commands::login,
            commands::complete_first_login,
            commands::logout,
            commands::contacts_page,
            commands::departments,
            commands::sync_status,
            commands::sync_now,
            commands::invitation_options,
            commands::check_invitation,
            commands::send_invitation,
            commands::invitation_preview,
            commands::guest_preview,
            commands::notices,
            commands::mark_notices_read,
            commands::conversations,
            commands::conversation,
            commands::create_conversation,
            commands::unread_total,
            commands::timeline,
            commands::send_message,
            commands::retry_message,
            commands::discard_message,
            commands::mark_read,
            commands::add_members,
            commands::rename_conversation,
            commands::promote,
            commands::remove_member,
            commands::hand_over,
            commands::close_conversation,
            commands::share_conversation,
            commands::sent_invitations,
            commands::incoming_invitations,
            commands::accept_invitation,
            commands::decline_invitation,
            commands::cancel_invitation,
            commands::create_key,
            commands::keys,
            commands::revoke_key,
            commands::email_key,
            commands::key_preview,
            commands::redeem_key,
            commands::pending_key_link,
            commands::copy_to_clipboard,
            commands::admin_guests,
            commands::incorporate_guests,
            commands::change_guest_sponsor,
            commands::refresh_me,
            commands::guest_confirmations,
            commands::answer_guest_confirmation,
            commands::extend_guest_access,
            commands::take_over_guest,
            commands::remove_from_organisation,
            commands::delete_guests,
            commands::resend_guest_invitation,
            commands::amend_guest,
            commands::cancel_guest_invitation,
            commands::admin_members,
            commands::admin_account_picks,
            commands::explain_visibility,
            commands::set_may_invite,
            commands::organisation_settings,
            commands::save_organisation_settings,
            commands::activity_report,
            commands::export_activity_report,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("parley-desktop: {e}");
            std::process::exit(1);
        });
}

/// Logs go to `<app log dir>/parley-desktop.log` (daily files), filtered by `RUST_LOG`.
fn init_logging(dir: &std::path::Path) {
    use tracing_subscriber::EnvFilter;
    let _ = std::fs::create_dir_all(dir);
    let appender = tracing_appender::rolling::daily(dir, "parley-desktop.log");
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(appender).try_init();
}
