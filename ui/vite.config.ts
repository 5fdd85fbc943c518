// Vite + Vitest config for the Parley web UI. Run from the repository root:
//   npm run dev:ui | build:ui | test:ui
// Tauri loads the built files from ui/dist (and the dev server on port 5173 in `tauri dev`).
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const uiDir = fileURLToPath(new URL(".", import.meta.url));
// Set by `tauri dev` when the app runs on another device (mobile); unused on desktop.
const host = process.env.TAURI_DEV_HOST;

export default defineConfig({
  root: uiDir,
  // Keep Vite's/Vitest's caches in the root node_modules, not in ui/node_modules.
  cacheDir: fileURLToPath(new URL("../node_modules/.vite", import.meta.url)),
  // Svelte 5 handles `<script lang="ts">` itself; no svelte.config.js needed.
  plugins: [svelte({ configFile: false })],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 5173,
    strictPort: true,
    host: host || false,
    hmr: host ? { protocol: "ws", host, port: 5174 } : undefined,
    watch: { ignored: ["**/src-tauri/**", "**/crates/**", "**/target/**"] },
  },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    // WebKitGTK / WKWebView / WebView2 are all recent enough for ES2022.
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
