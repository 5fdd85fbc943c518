#!/usr/bin/python3
"""Prints, as JSON, the newest e-mail to a recipient in a Maildir written by the SMTP sink
(aiosmtpd's Mailbox handler): {"to", "subject", "text", "html"} — or {} if there is none."""
import email
import email.policy
import json
import mailbox
import sys

maildir, recipient = sys.argv[1], sys.argv[2].lower()
newest = None
for key, msg in mailbox.Maildir(maildir, factory=None, create=False).iteritems():
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    if recipient in str(parsed.get("To", "")).lower():
        newest = parsed  # Maildir keys sort by arrival time within one run
text = html = ""
if newest is not None:
    body = newest.get_body(preferencelist=("plain",))
    text = body.get_content() if body else ""
    body = newest.get_body(preferencelist=("html",))
    html = body.get_content() if body else ""
    print(json.dumps({"to": str(newest["To"]), "subject": str(newest["Subject"]), "text": text, "html": html}))
else:
    print("{}")
