//! Message templates. The texts live in `templates/` (files, not code strings); this module
//! only fills their `{{name}}` slots, HTML-escaping values in HTML templates.

pub struct Template {
    pub text: &'static str,
    pub html: bool,
}

pub const ACTIVATION_SMS: Template =
    Template { text: include_str!("../templates/activation_code.sms.txt"), html: false };
pub const ACTIVATION_SUBJECT: Template =
    Template { text: include_str!("../templates/activation_code.subject.txt"), html: false };
pub const ACTIVATION_EMAIL_TEXT: Template =
    Template { text: include_str!("../templates/activation_code.email.txt"), html: false };
pub const ACTIVATION_EMAIL_HTML: Template =
    Template { text: include_str!("../templates/activation_code.email.html"), html: true };

/// The invitation's texts (SPEC §7.5): with desktop access, and the mobile-only variant.
pub struct InvitationTemplates {
    pub sms: Template,
    pub email_text: Template,
    pub email_html: Template,
}

pub const INVITATION_SUBJECT: Template =
    Template { text: include_str!("../templates/invitation.subject.txt"), html: false };
pub const INVITATION: InvitationTemplates = InvitationTemplates {
    sms: Template { text: include_str!("../templates/invitation.sms.txt"), html: false },
    email_text: Template { text: include_str!("../templates/invitation.email.txt"), html: false },
    email_html: Template { text: include_str!("../templates/invitation.email.html"), html: true },
};
pub const INVITATION_MOBILE_ONLY: InvitationTemplates = InvitationTemplates {
    sms: Template { text: include_str!("../templates/invitation_mobile.sms.txt"), html: false },
    email_text: Template { text: include_str!("../templates/invitation_mobile.email.txt"), html: false },
    email_html: Template { text: include_str!("../templates/invitation_mobile.email.html"), html: true },
};

/// A reminder of a pending invitation carries the invitation again with a fresh code.
pub const REMINDER_SUBJECT: Template =
    Template { text: include_str!("../templates/reminder.subject.txt"), html: false };

/// The monthly activity report to company admins (SPEC §9).
pub const REPORT_SUBJECT: Template =
    Template { text: include_str!("../templates/activity_report.subject.txt"), html: false };
pub const REPORT_EMAIL_TEXT: Template =
    Template { text: include_str!("../templates/activity_report.email.txt"), html: false };
pub const REPORT_EMAIL_HTML: Template =
    Template { text: include_str!("../templates/activity_report.email.html"), html: true };

/// The system account's welcome to a newly activated account (SPEC §10).
pub const WELCOME_MEMBER: Template = Template { text: include_str!("../templates/welcome_member.txt"), html: false };
pub const WELCOME_GUEST: Template = Template { text: include_str!("../templates/welcome_guest.txt"), html: false };

/// An external key sent by e-mail (SPEC §10.1).
pub const KEY_SUBJECT: Template =
    Template { text: include_str!("../templates/conversation_key.subject.txt"), html: false };
pub const KEY_EMAIL_TEXT: Template =
    Template { text: include_str!("../templates/conversation_key.email.txt"), html: false };
pub const KEY_EMAIL_HTML: Template =
    Template { text: include_str!("../templates/conversation_key.email.html"), html: true };

impl Template {
    pub fn render(&self, values: &[(&str, &str)]) -> String {
        let mut out = self.text.trim_end().to_owned();
        for (name, value) in values {
            let value = if self.html { escape_html(value) } else { (*value).to_owned() };
            out = out.replace(&format!("{{{{{name}}}}}"), &value);
        }
        out
    }

    /// As [`render`](Self::render), then fills `raw` slots with markup built (and escaped) by
    /// the caller, such as a table.
    pub fn render_with_raw(&self, values: &[(&str, &str)], raw: &[(&str, &str)]) -> String {
        let mut out = self.render(values);
        for (name, value) in raw {
            out = out.replace(&format!("{{{{{name}}}}}"), value);
        }
        out
    }
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_slots_and_escapes_html() {
        let vals = [
            ("organisation", "A&B <Ltd>"),
            ("code", "123456"),
            ("phone", "+1"),
            ("expires_at", "x"),
            ("first_name", "Jo"),
            ("recipient", "jo@x.io"),
        ];
        let sms = ACTIVATION_SMS.render(&vals);
        assert!(sms.contains("A&B <Ltd>") && sms.contains("123456") && !sms.contains("{{"));
        let html = ACTIVATION_EMAIL_HTML.render(&vals);
        assert!(html.contains("A&amp;B &lt;Ltd&gt;") && !html.contains("{{"));
        assert!(ACTIVATION_EMAIL_TEXT.render(&vals).contains("sent to jo@x.io"));
    }
}
