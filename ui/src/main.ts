import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

async function start() {
  const target = document.getElementById("app");
  if (!target) throw new Error("#app is missing from index.html");
  // `npm run dev:ui` in a plain browser: stand in for the Rust side (dropped from production
  // builds, where `import.meta.env.DEV` is false).
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { installMockBackend } = await import("./dev/mockBackend");
    installMockBackend(new URLSearchParams(window.location.search));
  }
  mount(App, { target });
}

void start();
