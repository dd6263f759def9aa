/** Builds the web app into dist/ (served by `controlroom serve`); `npm run dev -w packages/web` proxies /api. */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: { proxy: { "/api": process.env.CONTROLROOM_API ?? "http://127.0.0.1:4000" } },
});
