/**
 * The sound-note hand-off in Chromium on the demo: the producer's note on Night Drive ("Chorus vocal: more air,
 * less push") has been proposed by the job; the mixing engineer opens it in the mixer, sees the changes on the
 * lead vocal strip, plays the mix with the strips' engine inserts running on the audio thread (the compressor
 * reports its gain reduction), renders the loudness-matched A/B of the commented range with the engine in the
 * page, and accepts; the render links mix v3 to the note, and the producer reads "Done in mix v3".
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { CHROMIUM, DIST, ensureBuilt, launchChromium, scratchDir, sine, writeWav } from "../e2e/harness.ts";

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
const PASSWORD = "controlroom-demo";

describe("a sound note through the mixer in Chromium (demo project)", { skip, concurrency: false }, () => {
  let url = "";
  let stop: () => Promise<void> = async () => {};
  let browser: Browser;
  let songId = "";
  let commentId = "";

  before(async () => {
    ensureBuilt();
    const { openStudio } = await import("@controlroom/studio/open-studio.ts");
    const { seedDemo } = await import("@controlroom/studio/demo/seed-demo.ts");
    const { buildServer } = await import("@controlroom/server/app.ts");
    const { serveWebApp } = await import("@controlroom/server/web-static.ts");
    const dataDir = mkdtempSync(join(tmpdir(), "controlroom-e2e-note-"));
    const studio = await openStudio({ dataDir });
    const seed = await seedDemo(studio, { seconds: 24 });
    assert.ok(seed);
    songId = seed.songIds[0];
    const app = await buildServer(studio, { loginPerMinute: 1000 });
    if (!app.hasRoute({ method: "GET", url: "/*" })) assert.ok(await serveWebApp(app, DIST));
    url = await app.listen({ host: "127.0.0.1", port: 0 });
    stop = async () => {
      await app.close();
      await studio.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
    const mic = join(scratchDir(), "mic.wav");
    writeWav(mic, [sine(1000, 0.1, 2, 48000)], 48000);
    browser = await launchChromium(mic);
  });
  after(async () => {
    await browser?.close();
    await stop();
  });

  async function signedIn(email: string) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
    const r = await ctx.request.post(`${url}/api/auth/login`, { data: { email, password: PASSWORD } });
    assert.equal(r.status(), 200, await r.text());
    return ctx;
  }

  it("the engineer opens the note in the mixer, hears it, A/Bs it and accepts; the producer sees mix v3", async () => {
    const mixer = await signedIn("mixer@demo.controlroom");
    const get = async (path: string) => (await mixer.request.get(`${url}${path}`)).json();
    const [v2] = await get(`/api/songs/${songId}/versions`);
    let note: { commentId: string; state: string; job: { status: string; error: string | null } };
    for (let i = 0; ; i++) {
      [note] = await get(`/api/versions/${v2.id}/sound-notes`);
      if (note?.state === "proposed") break;
      assert.notEqual(note?.job?.status, "failed", note?.job?.error ?? "");
      assert.ok(i < 600, `the demo note is still ${note?.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    commentId = note.commentId;

    const page = await mixer.newPage();
    page.setDefaultTimeout(60_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (msg) => msg.type() === "error" && console.error(`page: ${msg.text()}`));
    await page.goto(`${url}/songs/${songId}/mixer/notes/${commentId}`);
    const panel = page.getByRole("region", { name: "Sound note proposal" });
    await panel.getByText("Chorus vocal: more air, less push", { exact: false }).waitFor();
    const vocal = page.getByRole("group", { name: "Track Lead vocal" });
    await vocal.getByText("eq (proposed)").first().waitFor();
    assert.match((await vocal.getAttribute("class")) ?? "", /proposed/);
    await vocal.getByText(/^Proposed fader: /).waitFor();

    // Live: the strips' engine inserts run in an AudioWorklet and the compressor meters its gain reduction.
    await page.getByRole("button", { name: "▶ Play mix" }).click();
    // (The compressor is not part of the proposal: its editor is folded, so the reading is attached, not shown.)
    await vocal.getByText(/compressor gain reduction: \d+\.\d dB/).waitFor({ state: "attached" });
    await page.getByRole("button", { name: "■ Stop" }).click();

    // The A/B of the commented range, rendered with the engine in the page and levelled.
    await panel.getByRole("button", { name: "Render A/B (engine, in the browser)" }).click();
    const loud = panel.getByRole("status", { name: "A/B loudness" });
    await loud.waitFor({ timeout: 120_000 });
    const m =
      /A (-?[\d.]+) LUFS, B (-?[\d.]+) LUFS — played levelled \(A ([-+]?[\d.]+) dB, B ([-+]?[\d.]+) dB\)/.exec(
        (await loud.textContent()) ?? "",
      );
    assert.ok(m, (await loud.textContent()) ?? "");
    const [a, b, ga, gb] = m.slice(1).map(Number);
    assert.ok(Math.abs(a + ga - (b + gb)) < 0.11, `${a}${ga} vs ${b}${gb}`);
    await panel.getByRole("button", { name: "B: proposed" }).click();

    await panel.getByLabel("Reply to the note").fill("Air on the vocal, and it sits back a little");
    await panel.getByRole("button", { name: "Accept and render the mix" }).click();
    await page
      .getByText(/^Accepted: session v2 saved/)
      .first()
      .waitFor();
    assert.deepEqual(errors, []);

    // The producer reads the outcome under the note.
    let done: { doneIn: { number: number } | null; render: { status: string; error: string | null } };
    for (let i = 0; ; i++) {
      done = await get(`/api/comments/${commentId}/sound-note`);
      if (done.doneIn) break;
      assert.notEqual(done.render?.status, "failed", done.render?.error ?? "");
      assert.ok(i < 900, "the accepted note's mix did not render");
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(done.doneIn?.number, 3);
    const producer = await signedIn("producer@demo.controlroom");
    const p = await producer.newPage();
    p.setDefaultTimeout(60_000);
    await p.goto(`${url}/songs/${songId}`);
    // The note is on mix v2 (the song opens on its newest version, the render).
    await p.getByRole("button", { name: "Play mix v2" }).click();
    await p.getByText("Done in mix v3").first().waitFor();
    await p
      .getByText(/measured/)
      .first()
      .waitFor();
  });
});
