/**
 * End-to-end test support: builds the web app if needed, starts the real studio server on 127.0.0.1 with a
 * fresh embedded (PGlite) data folder and the built app served from it, launches Debian's Chromium through
 * playwright-core with a fake microphone playing a known WAV, and writes test signals.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";

/** packages/web. */
export const WEB_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
export const DIST = join(WEB_ROOT, "dist");
export const ARTIFACTS = join(WEB_ROOT, "test-artifacts");
export const CHROMIUM = process.env.CONTROLROOM_CHROMIUM ?? "/usr/bin/chromium";

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Builds the app when dist/ is missing or older than its sources (app/, index.html). */
export function ensureBuilt(): void {
  const index = join(DIST, "index.html");
  if (existsSync(index)) {
    const built = statSync(index).mtimeMs;
    const sources = Math.max(newest(join(WEB_ROOT, "app")), statSync(join(WEB_ROOT, "index.html")).mtimeMs);
    if (built >= sources) return;
  }
  const r = spawnSync(process.execPath, [join(WEB_ROOT, "../../node_modules/vite/bin/vite.js"), "build"], {
    cwd: WEB_ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

/** A running server. */
export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts the studio server on 127.0.0.1 (a free port) with a fresh PGlite data folder, serving the app. */
export async function startServer(): Promise<RunningServer> {
  const { openStudio } = await import("@controlroom/studio/open-studio.ts");
  const { buildServer } = await import("@controlroom/server/app.ts");
  const { serveWebApp } = await import("@controlroom/server/web-static.ts");
  const dataDir = mkdtempSync(join(tmpdir(), "controlroom-e2e-"));
  const studio = await openStudio({ dataDir });
  // Many sign-ins from one address in a test run; the limit itself is tested by the server's own tests.
  const app = await buildServer(studio, { loginPerMinute: 1000 });
  // The server may already serve the app (once wired into buildServer); add it only if not.
  if (!app.hasRoute({ method: "GET", url: "/*" })) {
    const ok = await serveWebApp(app, DIST);
    if (!ok) throw new Error(`no built app in ${DIST}`);
  }
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url: address,
    dataDir,
    stop: async () => {
      await app.close();
      await studio.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches Chromium headless with a fake microphone that plays `micWav` (looped). */
export async function launchChromium(micWav: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${micWav}`,
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/** Writes planar float samples as 16-bit PCM WAV. */
export function writeWav(path: string, channels: Float32Array[], rate: number): void {
  const n = channels[0].length;
  const ch = channels.length;
  const buf = Buffer.alloc(44 + n * ch * 2);
  buf.write("RIFF", 0);
  buf.writeUInt32LE(36 + n * ch * 2, 4);
  buf.write("WAVEfmt ", 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(ch, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * ch * 2, 28);
  buf.writeUInt16LE(ch * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write("data", 36);
  buf.writeUInt32LE(n * ch * 2, 40);
  let o = 44;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < ch; c++) {
      buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(channels[c][i] * 32767))), o);
      o += 2;
    }
  writeFileSync(path, buf);
}

/** A sine: `seconds` long at `rate`, `freq` Hz, peak `amp` (linear). */
export function sine(freq: number, amp: number, seconds: number, rate: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** Decodes a 16- or 24-bit PCM WAV (the app's uploads and renders) into planar floats. */
export function readWav(bytes: Uint8Array): { rate: number; channels: Float32Array[]; bits: number } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.toString("ascii", 0, 4) !== "RIFF" || b.toString("ascii", 8, 12) !== "WAVE")
    throw new Error("not a WAV file");
  let o = 12;
  let rate = 0;
  let ch = 0;
  let bits = 0;
  while (o + 8 <= b.length) {
    const id = b.toString("ascii", o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === "fmt ") {
      ch = b.readUInt16LE(o + 10);
      rate = b.readUInt32LE(o + 12);
      bits = b.readUInt16LE(o + 22);
    } else if (id === "data") {
      const bytesPer = bits / 8;
      const n = Math.floor(size / (bytesPer * ch));
      const out = Array.from({ length: ch }, () => new Float32Array(n));
      let p = o + 8;
      for (let i = 0; i < n; i++)
        for (let c = 0; c < ch; c++) {
          out[c][i] = bits === 16 ? b.readInt16LE(p) / 32768 : b.readIntLE(p, 3) / 8388608;
          p += bytesPer;
        }
      return { rate, channels: out, bits };
    }
    o += 8 + size + (size & 1);
  }
  throw new Error("WAV without a data chunk");
}

/** A fresh folder for test files (signals). */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "controlroom-e2e-files-"));
}

/** The screenshot folder, created, with the previous run's screenshots removed. */
export function artifacts(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS)) if (f.endsWith(".png")) rmSync(join(ARTIFACTS, f));
  return ARTIFACTS;
}
