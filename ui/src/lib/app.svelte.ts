// App-wide state: which screen shows, the signed-in account, and what the auth forms keep
// between screens (server URL, phone).

import type { ApiError } from "./bindings/ApiError";
import type { KeyLink } from "./bindings/KeyLink";
import type { Me } from "./bindings/Me";
import { askFirstPageEarly, forgetFirstPageEarly } from "./firstContacts";
import { appState, callingCodes, contactsPage, logout, toApiError } from "./ipc";
import { PhoneInput } from "./phone.svelte";

export type View = "boot" | "login" | "new_user" | "redeem_key" | "first_login" | "awaiting_confirmation" | "contacts";

export class AppModel {
  view = $state<View>("boot");
  serverUrl = $state("");
  me = $state<Me | null>(null);
  phone = new PhoneInput();
  /** Shown in the Login form's error area (session ended, start-up failure…). */
  loginError = $state<ApiError | null>(null);
  /** Set when coming back from New User with a code on its way: the Login screen focuses the
   *  code field. */
  expectCode = $state(false);
  /** Shown on Login as good news (e.g. after redeeming a key: a code is on its way). */
  loginNotice = $state<string | null>(null);
  /** The key code the Redeem screen starts with (typed, or from a `parley://` link). */
  keyCode = $state("");
  /** Set when a key link arrived while signed in: the workspace says what to do. */
  keyLinkWhileSignedIn = $state<KeyLink | null>(null);
  #loggingOut = false;

  async boot(): Promise<void> {
    // Contacts is the usual first screen: its first page is asked for meanwhile.
    askFirstPageEarly(contactsPage);
    const [state, codes] = await Promise.allSettled([appState(), callingCodes()]);
    if (codes.status === "fulfilled") this.phone.setCodes(codes.value);
    else this.loginError = toApiError(codes.reason);

    if (state.status === "rejected") {
      forgetFirstPageEarly();
      this.loginError = toApiError(state.reason);
      this.view = "login";
      return;
    }
    const s = state.value;
    this.serverUrl = s.server_url;
    this.me = s.me;
    if (s.screen === "contacts" && s.me) this.view = "contacts";
    else if (s.screen === "first_login" && s.me) this.view = "first_login";
    else if (s.screen === "awaiting_confirmation" && s.me) this.view = "awaiting_confirmation";
    else this.view = "login";
    if (this.view !== "contacts") forgetFirstPageEarly();
  }

  /** After `login` or `complete_first_login`. */
  signedIn(me: Me): void {
    this.me = me;
    this.loginError = null;
    this.expectCode = false;
    this.view = me.first_login_required ? "first_login" : me.awaiting_confirmation ? "awaiting_confirmation" : "contacts";
  }

  /** `session-ended`, or a command answered `unauthorized`: back to Login with the message. */
  sessionEnded(error: ApiError): void {
    this.me = null;
    this.loginError = error;
    this.view = "login";
  }

  async logout(): Promise<void> {
    if (this.#loggingOut) return;
    this.#loggingOut = true;
    try {
      await logout();
      this.loginError = null;
    } catch (e) {
      const err = toApiError(e);
      // The local session is gone either way; an unreachable server or an already revoked
      // session is nothing the user must act on.
      this.loginError = err.code === "network" || err.code === "unauthorized" ? null : err;
    }
    this.#loggingOut = false;
    this.me = null;
    this.view = "login";
  }

  goNewUser(): void {
    this.loginError = null;
    this.view = "new_user";
  }

  goLogin(expectCode = false): void {
    this.expectCode = expectCode;
    this.view = "login";
  }

  /** *I have a key*: the Redeem screen, maybe with a link's server and code. */
  goRedeem(link: KeyLink | null = null): void {
    this.loginError = link?.error ?? null;
    this.loginNotice = null;
    if (link && !link.error) {
      this.serverUrl = link.server_url;
      this.keyCode = link.code;
    }
    this.view = "redeem_key";
  }

  /** A `parley://` key link: the Redeem screen when signed out; a note when signed in (a key
   *  is for someone new to Parley). */
  openKeyLink(link: KeyLink): void {
    if (this.view === "contacts" || this.view === "first_login") this.keyLinkWhileSignedIn = link;
    else this.goRedeem(link);
  }

  /** The key was redeemed: log in with the code that was sent. */
  redeemed(message: string): void {
    this.loginError = null;
    this.loginNotice = message;
    this.keyCode = "";
    this.goLogin(true);
  }
}
