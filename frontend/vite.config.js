import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built files are served by Django (whitenoise) under /static/app/; in development Vite proxies the API.
const backend = process.env.VITE_BACKEND_URL || "http://127.0.0.1:8000";

export default defineConfig(({ command }) => ({
  base: command === "build" ? "/static/app/" : "/",
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 3000,
    proxy: { "/api": backend, "/admin": backend, "/static": backend },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.js"],
    globals: false,
  },
}));
