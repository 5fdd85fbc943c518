// The terms of use shown on the first-login screen (SPEC §4).

export const TERMS_TITLE = "Parley terms of use";

export const TERMS_PARAGRAPHS: readonly string[] = [
  "Parley is your organisation's messaging service. Your account was created by your organisation, or you were invited as a guest by one of its members.",
  "Use Parley for work. Be respectful, do not share content you have no right to share, and do not try to reach people or data you were not given access to.",
  "Your name, phone number, e-mail address and department are visible to the people your organisation allows to see you. Guests are visible only to the members who invited them or share a conversation with them.",
  "Your organisation's administrators manage your account. They can change your profile, revoke your access and delete your account at any time; when they do, your sessions end immediately.",
  "Keep your activation codes to yourself. Nobody from your organisation or from Parley will ever ask you for one.",
  "Your session is stored in your system's keyring on this computer. Log out when you use a shared computer.",
];
