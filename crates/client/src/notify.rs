//! Desktop notifications (freedesktop D-Bus via notify-rust), raised only while the window
//! is not focused: a focused user already sees the change.

use parley_core::wire::Contact;

/// The text of a "contacts changed" notification.
pub fn contacts_changed_body(changed: &[Contact], removed: usize) -> String {
    match (changed, removed) {
        ([one], 0) => format!("{} {} was added or updated in your contacts.", one.first_name, one.last_name),
        ([], 1) => "A contact was removed.".to_owned(),
        _ => format!("{} contacts were updated.", changed.len() + removed),
    }
}

/// The text of a new-message notification: the message, shortened to one glance.
pub fn message_body(text: &str) -> String {
    const MAX: usize = 160;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        format!("{}…", one_line.chars().take(MAX - 1).collect::<String>())
    }
}

/// Shows a notification whose click runs `on_click` (opening the conversation). The wait for
/// the click blocks, so it has a thread of its own, ended when the notification closes.
pub fn show_with_click(summary: String, body: String, on_click: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Parley")
            .summary(&summary)
            .body(&body)
            .action("default", "Open")
            .show();
        match shown {
            #[cfg(all(unix, not(target_os = "macos")))]
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    on_click();
                }
            }),
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            Ok(_) => drop(on_click),
            Err(e) => tracing::warn!(error = %e, "desktop notification failed"),
        }
    });
}

/// Shows a notification without blocking the async runtime (the D-Bus call is synchronous).
pub fn show(summary: String, body: String) {
    tokio::task::spawn_blocking(move || {
        if let Err(e) = notify_rust::Notification::new().appname("Parley").summary(&summary).body(&body).show() {
            tracing::warn!(error = %e, "desktop notification failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_core::role::{AccountKind, AccountStatus, Role};

    #[test]
    fn bodies_name_one_change_and_count_many() {
        let c = Contact {
            id: "1".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            phone: "+1".into(),
            phone_display: "+1".into(),
            email: None,
            kind: AccountKind::Member,
            role: Role::Member,
            status: AccountStatus::Active,
            department_id: "d".into(),
            department_name: "D".into(),
            access: Default::default(),
            access_ends_at: None,
            you_sponsor: false,
        };
        assert_eq!(
            contacts_changed_body(std::slice::from_ref(&c), 0),
            "Ann Lee was added or updated in your contacts."
        );
        assert_eq!(contacts_changed_body(&[c.clone(), c], 1), "3 contacts were updated.");
        assert_eq!(contacts_changed_body(&[], 1), "A contact was removed.");
    }

    #[test]
    fn message_bodies_fit_one_glance() {
        assert_eq!(message_body("Hi\n\nthere  you"), "Hi there you");
        let long = message_body(&"word ".repeat(100));
        assert_eq!(long.chars().count(), 160);
        assert!(long.ends_with('…'));
    }
}
