// App-wide state: which screen shows, the signed-in account, and what the auth forms keep
// between screens (server URL, phone).

import type { ApiError } from "./bindings/ApiError";
import type { Me } from "./bindings/Me";
import { appState, callingCodes, logout, toApiError } from "./ipc";
import { PhoneInput } from "./phone.svelte";

export type View = "boot" | "login" | "new_user" | "first_login" | "contacts";

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
  #loggingOut = false;

  async boot(): Promise<void> {
    const [state, codes] = await Promise.allSettled([appState(), callingCodes()]);
    if (codes.status === "fulfilled") this.phone.setCodes(codes.value);
    else this.loginError = toApiError(codes.reason);

    if (state.status === "rejected") {
      this.loginError = toApiError(state.reason);
      this.view = "login";
      return;
    }
    const s = state.value;
    this.serverUrl = s.server_url;
    this.me = s.me;
    if (s.screen === "contacts" && s.me) this.view = "contacts";
    else if (s.screen === "first_login" && s.me) this.view = "first_login";
    else this.view = "login";
  }

  /** After `login` or `complete_first_login`. */
  signedIn(me: Me): void {
    this.me = me;
    this.loginError = null;
    this.expectCode = false;
    this.view = me.first_login_required ? "first_login" : "contacts";
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
}
