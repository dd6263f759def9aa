/**
 * End-to-end: the web app in Debian's Chromium against the real server on 127.0.0.1 with a fresh embedded
 * database. Assertions are on visible text and on measured audio (loudness of what the server stored, level
 * of what the browser rendered), never on pixels. Screenshots of every page go to packages/web/test-artifacts.
 *
 * The steps run in order and share one studio: a producer signs up, creates a project, invites an engineer
 * and a viewer, books the studio (and is shown the conflict), uploads two mixes and two stems, comments on
 * the waveform, compares the mixes A/B, approves, renders the stems in the mixer and downloads the render,
 * masters, records a take from the fake microphone, repairs a take with clicks and compares it A/B with the
 * original; then the viewer finds no approve button and is refused
 * by the API.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import type { APIRequestContext, Browser, BrowserContext, Page } from "playwright-core";
import {
  artifacts,
  CHROMIUM,
  ensureBuilt,
  launchChromium,
  type RunningServer,
  readWav,
  scratchDir,
  sine,
  startServer,
  writeWav,
} from "../e2e/harness.ts";

const RATE = 48000;
/** The fake microphone: 1 kHz at −12.04 dBFS (peak 0.25), mono. */
const MIC_AMP = 0.25;
const PASSWORD = "correct horse battery";

function integratedLufs(channels: Float32Array[], rate: number): number {
  const m = new LoudnessMeter(rate, channels.length);
  m.process(channels, channels[0].length);
  return m.result().integratedLufs;
}
const rmsDb = (x: Float32Array) => {
  let s = 0;
  for (const v of x) s += v * v;
  return 10 * Math.log10(s / x.length);
};

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`;

describe("web app in Chromium", { skip, concurrency: false }, () => {
  let server: RunningServer;
  let browser: Browser;
  let producer: BrowserContext;
  let page: Page;
  let files: Record<string, string>;
  const shots = artifacts();
  let shotNo = 0;
  const shot = async (p: Page, name: string) =>
    p.screenshot({ path: join(shots, `${String(++shotNo).padStart(2, "0")}-${name}.png`), fullPage: true });
  const stamp = Date.now().toString(36);
  const people = {
    producer: { email: `pat.${stamp}@example.com`, name: "Pat Producer" },
    engineer: { email: `eve.${stamp}@example.com`, name: "Eve Engineer" },
    viewer: { email: `vic.${stamp}@example.com`, name: "Vic Viewer" },
  };
  let projectId = "";
  let songId = "";
  let songUrl = "";
  const api = async (req: APIRequestContext, method: string, path: string, data?: unknown) => {
    const r = await req.fetch(`${server.url}${path}`, { method, data });
    const text = await r.text();
    return { status: r.status(), body: text ? JSON.parse(text) : null };
  };

  before(async () => {
    ensureBuilt();
    server = await startServer();
    const dir = scratchDir();
    files = {
      mic: join(dir, "mic.wav"),
      mix1: join(dir, "mix-quiet.wav"),
      mix2: join(dir, "mix-loud.wav"),
      mix3: join(dir, "mix-quieter.wav"),
      drums: join(dir, "drums.wav"),
      bass: join(dir, "bass.wav"),
    };
    writeWav(files.mic, [sine(1000, MIC_AMP, 20, RATE)], RATE);
    // Two mixes 6.02 dB apart (the second twice the amplitude), so loudness matching has an exact answer.
    writeWav(files.mix1, [sine(440, 0.1, 6, RATE), sine(440, 0.1, 6, RATE)], RATE);
    writeWav(files.mix2, [sine(440, 0.2, 6, RATE), sine(440, 0.2, 6, RATE)], RATE);
    writeWav(files.mix3, [sine(440, 0.05, 6, RATE), sine(440, 0.05, 6, RATE)], RATE);
    writeWav(files.drums, [sine(220, 0.1, 4, RATE)], RATE);
    writeWav(files.bass, [sine(110, 0.1, 4, RATE)], RATE);
    browser = await launchChromium(files.mic);
    producer = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    await producer.grantPermissions(["microphone"], { origin: server.url });
    page = await producer.newPage();
    page.setDefaultTimeout(20_000);
    // Team mates have accounts already; the producer invites them by e-mail.
    for (const who of [people.engineer, people.viewer]) {
      const r = await api(producer.request, "POST", "/api/auth/register", { ...who, password: PASSWORD });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("signs up and signs in", async () => {
    // A signed-out first load logs nothing as an error (the session check answers 200 with no user).
    const errors: string[] = [];
    const onConsole = (m: { type(): string; text(): string }) => {
      if (m.type() === "error") errors.push(m.text());
    };
    page.on("console", onConsole);
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.waitForLoadState("networkidle");
    page.off("console", onConsole);
    assert.deepEqual(errors, []);
    await shot(page, "sign-in");
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("E-mail").fill(people.producer.email);
    await page.getByLabel("Name", { exact: true }).fill(people.producer.name);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Projects", exact: true }).waitFor();
    assert.ok(await page.getByText(people.producer.name).isVisible());
    // Sign out and back in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("E-mail").fill(people.producer.email);
    await page.getByLabel("Password", { exact: true }).fill("wrong password!");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").waitFor();
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Projects", exact: true }).waitFor();
  });

  it("creates a project, adds a song, invites an engineer and a viewer", async () => {
    await page.getByLabel("Workspace name").fill("Night Studio");
    await page.getByLabel("Project title").fill("First Album");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: "First Album" }).waitFor();
    projectId = page.url().split("/projects/")[1];
    await page.getByLabel("New song title").fill("City Hums");
    await page.getByLabel("Tempo (BPM)").fill("120");
    await page.getByRole("button", { name: "Add song" }).click();
    await page.locator('[data-stage="idea"] [data-song="City Hums"]').waitFor();
    for (const [who, role] of [
      [people.engineer, "engineer"],
      [people.viewer, "viewer"],
    ] as const) {
      await page.getByLabel("Invite by e-mail").fill(who.email);
      await page.getByLabel(/^Role/).selectOption(role);
      await page.getByRole("button", { name: "Invite", exact: true }).click();
      await page.getByText(`Invited ${who.email} as ${role}.`).waitFor();
    }
    const team = page.getByRole("region", { name: "Team" });
    await team.getByText(`${people.engineer.name}`).waitFor();
    assert.match((await team.textContent()) ?? "", /Eve Engineer.*— engineer/);
    assert.match((await team.textContent()) ?? "", /Vic Viewer.*— viewer/);
    const songs = await api(producer.request, "GET", `/api/projects/${projectId}/songs`);
    songId = songs.body.songs[0].id;
    songUrl = `${server.url}/songs/${songId}`;
    const r = await api(producer.request, "GET", `/api/projects/${projectId}/team`);
    assert.deepEqual(
      r.body.map((m: { name: string; roles: string[] }) => `${m.name}:${m.roles.join("+")}`).sort(),
      ["Eve Engineer:engineer", "Pat Producer:producer", "Vic Viewer:viewer"],
    );
  });

  it("invites someone without an account, who joins by signing up through the link", async () => {
    const nia = { email: `nia.${stamp}@example.com`, name: "Nia Mixer" };
    await page.getByLabel("Invite by e-mail").fill(nia.email);
    await page.getByLabel(/^Role/).selectOption("mixing_engineer");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await page.getByText(`${nia.email} has no account yet`, { exact: false }).waitFor();
    const link = await page.getByLabel("Invitation link").inputValue();
    assert.match(link, /\/\?invite=/);
    await page
      .getByRole("list", { name: "Pending invitations" })
      .getByText(`${nia.email} — mixing engineer`)
      .waitFor();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      await p.goto(link);
      await p.getByText(`Pat Producer invited ${nia.email} to “First Album” as mixing engineer.`).waitFor();
      assert.equal(await p.getByLabel("E-mail").inputValue(), nia.email);
      await p.getByLabel("Name", { exact: true }).fill(nia.name);
      await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await p.getByRole("button", { name: "Create account" }).click();
      await p.getByRole("heading", { name: "Projects", exact: true }).waitFor();
      await p.getByRole("link", { name: /First Album/ }).waitFor();
    } finally {
      await ctx.close();
    }
    const r = await api(producer.request, "GET", `/api/projects/${projectId}/team`);
    assert.ok(
      r.body.some(
        (m: { name: string; roles: string[] }) => m.name === nia.name && m.roles[0] === "mixing_engineer",
      ),
      JSON.stringify(r.body),
    );
  });

  it("moves a song by dragging it to another stage", async () => {
    // Grab the card by its edge (its middle holds the link and the stage menu).
    await page
      .locator('[data-song="City Hums"]')
      .dragTo(page.locator('[data-stage="tracking"]'), { sourcePosition: { x: 4, y: 4 } });
    await page.getByText("Moved “City Hums” to tracking.").waitFor();
    await page.locator('[data-stage="tracking"] [data-song="City Hums"]').waitFor();
    const songs = await api(producer.request, "GET", `/api/projects/${projectId}/songs`);
    assert.equal(songs.body.songs[0].status, "tracking");
  });

  it("books the studio and flags a clashing booking; shows the budget", async () => {
    const ws = (await api(producer.request, "GET", "/api/workspaces")).body[0];
    const room = await api(producer.request, "POST", `/api/workspaces/${ws.id}/rooms`, {
      name: "Studio A",
      hourlyRateMinor: 5000,
      currency: "EUR",
    });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    const line = await api(producer.request, "POST", `/api/projects/${projectId}/budget/lines`, {
      category: "studio",
      description: "Tracking days",
      quantity: 2,
      unitMinor: 40000,
    });
    assert.equal(line.status, 201, JSON.stringify(line.body));
    await page.reload();
    const day = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10);
    const book = async (title: string, from: string, to: string) => {
      await page.getByLabel("Booking title").fill(title);
      await page.getByLabel(/^Room/).selectOption({ label: "Studio A" });
      await page.getByLabel("Starts").fill(`${day}T${from}`);
      await page.getByLabel("Ends").fill(`${day}T${to}`);
      await page.getByLabel("Time zone").fill("Europe/Berlin");
      await page.getByRole("button", { name: "Book", exact: true }).click();
    };
    await book("Drums tracking", "10:00", "18:00");
    await page.getByText(/Booked “Drums tracking” .* 10:00–18:00 (Europe\/Berlin )?\(hold\)/).waitFor();
    await book("Vocal overdubs", "16:00", "20:00");
    const alert = page.getByRole("alert").filter({ hasText: "Conflict" });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /Drums tracking/);
    await page.getByRole("table", { name: "Bookings, four weeks" }).getByText("Drums tracking").waitFor();
    // Budget: 2 × 400.00 planned, the hold is not an actual yet.
    await page.getByText(/Planned 800\.00 EUR · actual 0\.00 EUR/).waitFor();
    // The producer records an invoice in the page; the chart and totals follow.
    const invoice = page.getByRole("form", { name: "Record an invoice" });
    await invoice.getByLabel("Category").selectOption("studio");
    await invoice.getByLabel("Description").fill("Cables and strings");
    await invoice.getByLabel("Invoice amount (EUR)").fill("120");
    await invoice.getByRole("button", { name: "Record invoice" }).click();
    await page.getByText(/Planned 800\.00 EUR · actual 120\.00 EUR/).waitFor();
    await page
      .getByRole("table", { name: "Actuals" })
      .getByRole("cell", { name: "Cables and strings", exact: true })
      .waitFor();
    await shot(page, "dashboard");
  });

  it("uploads two mixes; the server measures them 6.02 dB apart", async () => {
    await page.goto(songUrl);
    await page.getByRole("heading", { name: "City Hums" }).waitFor();
    for (const [f, label, n] of [
      [files.mix1, "quiet", 1],
      [files.mix2, "loud", 2],
    ] as const) {
      await page.getByLabel("Label", { exact: true }).fill(label);
      await page.getByLabel("Audio file").setInputFiles(f);
      await page.getByRole("button", { name: "Upload version" }).click();
      await page.getByText(`Uploaded mix v${n}.`).waitFor({ timeout: 60_000 });
    }
    const v = (await api(producer.request, "GET", `/api/songs/${songId}/versions`)).body as {
      number: number;
      integratedLufs: number;
      matchGainDb: number;
    }[];
    const v1 = v.find((x) => x.number === 1);
    const v2 = v.find((x) => x.number === 2);
    assert.ok(v1 && v2);
    // 20·log10(2) = 6.02 dB; the reference is the engine's meter on the same signal.
    assert.ok(
      Math.abs(v2.integratedLufs - v1.integratedLufs - 6.0206) < 0.02,
      `${v1.integratedLufs} ${v2.integratedLufs}`,
    );
    const ref = integratedLufs([sine(440, 0.1, 6, RATE), sine(440, 0.1, 6, RATE)], RATE);
    assert.ok(Math.abs(v1.integratedLufs - ref) < 0.05, `${v1.integratedLufs} vs ${ref}`);
    assert.ok(Math.abs(v2.matchGainDb + 6.0206) < 0.02);
    await page.getByText(`${v1.integratedLufs.toFixed(1)} LUFS`).waitFor();
  });

  it("comments at a moment on the waveform, from a click and from the keyboard", async () => {
    await page.reload();
    const wave = page.getByTestId("waveform");
    await wave.waitFor();
    await waitEnabled(page.getByRole("button", { name: "Play", exact: true }));
    const box = await wave.boundingBox();
    assert.ok(box);
    // Half-way through the 6 s mix.
    await wave.click({ position: { x: box.width * 0.5, y: box.height / 2 } });
    await page.getByLabel("Comment at 0:03.0").fill("Vocal too loud here");
    await page.getByRole("button", { name: "Add comment" }).click();
    const lane = page.getByLabel("Comments on the waveform");
    await lane.getByRole("button", { name: "Comment at 0:03.0: Vocal too loud here" }).waitFor();
    // Keyboard: → moves 5 s, c comments at the playhead.
    await page.locator("h1").click();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("c");
    await page.getByLabel("Comment at 0:05.0").fill("Snare drops out");
    await page.getByRole("button", { name: "Add comment" }).click();
    await lane.getByRole("button", { name: "Comment at 0:05.0: Snare drops out" }).waitFor();
    const c = (await api(producer.request, "GET", `/api/versions/${(await latestVersion()).id}/comments`))
      .body;
    const byBody = new Map(
      c.map((x: { atSeconds: number; endSeconds: number | null; body: string }) => [
        x.body,
        [x.atSeconds, x.endSeconds],
      ]),
    );
    // A click lands within a pixel of where it was aimed (6 s over the waveform's width).
    const near = (got: unknown, want: number) => Math.abs((got as number) - want) <= 0.02;
    const [at1, end1] = byBody.get("Vocal too loud here") as number[];
    assert.ok(near(at1, 3) && end1 === null, JSON.stringify(c));
    assert.deepEqual(byBody.get("Snare drops out"), [5, null]);
    // A range: click, then shift-click further on (1.5 s … 2.4 s of 6 s).
    await wave.click({ position: { x: box.width * 0.25, y: box.height / 2 } });
    await wave.click({ position: { x: box.width * 0.4, y: box.height / 2 }, modifiers: ["Shift"] });
    await page.getByLabel("Comment at 0:01.5–0:02.4").fill("Bass note sharp");
    await page.getByRole("button", { name: "Add comment" }).click();
    await lane.getByRole("button", { name: "Comment at 0:01.5: Bass note sharp" }).waitFor();
    // With no comment open, a shift-click makes a range from the playhead; the waveform keeps answering.
    await wave.click({ position: { x: box.width * 0.5, y: box.height / 2 } });
    await page.getByRole("button", { name: "Cancel" }).click();
    await wave.click({ position: { x: box.width * 0.75, y: box.height / 2 }, modifiers: ["Shift"] });
    await page.getByLabel("Comment at 0:03.0–0:04.5").waitFor();
    await wave.click({ position: { x: box.width * 0.25, y: box.height / 2 } });
    await page.getByLabel("Comment at 0:01.5", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    // Resolve one; it stays on the waveform, marked resolved.
    await page
      .getByRole("listitem")
      .filter({ hasText: "Snare drops out" })
      .getByRole("button", { name: "Resolve" })
      .click();
    await page.getByRole("listitem").filter({ hasText: "Snare drops out" }).getByText("resolved").waitFor();
    const all = (await api(producer.request, "GET", `/api/versions/${(await latestVersion()).id}/comments`))
      .body;
    const range = all.find((x: { body: string }) => x.body === "Bass note sharp");
    assert.ok(
      Math.abs(range.atSeconds - 1.5) <= 0.02 && Math.abs(range.endSeconds - 2.4) <= 0.02,
      JSON.stringify(range),
    );
    assert.ok(all.find((x: { body: string }) => x.body === "Snare drops out").resolvedAt);
    await shot(page, "song-comments");
  });

  async function waitEnabled(l: ReturnType<Page["locator"]>) {
    await l.waitFor();
    for (let i = 0; i < 200 && !(await l.isEnabled()); i++) await page.waitForTimeout(100);
    assert.ok(await l.isEnabled(), "control stayed disabled");
  }
  async function latestVersion() {
    const v = (await api(producer.request, "GET", `/api/songs/${songId}/versions`)).body as {
      id: string;
      number: number;
    }[];
    return v.sort((a, b) => b.number - a.number)[0];
  }
  const playhead = async () => {
    const t = ((await page.getByLabel("Playhead").textContent()) ?? "").split(" / ")[0];
    const [m, s] = t.split(":");
    return Number(m) * 60 + Number(s);
  };
  /** The playhead once it has stopped moving: after a pause, one more display update may still land. */
  const settledPlayhead = async () => {
    let a = await playhead();
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(150);
      const b = await playhead();
      if (b === a) return b;
      a = b;
    }
    return a;
  };

  it("plays from a comment and compares two mixes A/B at the same playhead, loudness-matched", async () => {
    // Clicking a comment plays from its moment.
    await page
      .getByLabel("Comments on the waveform")
      .getByRole("button", { name: /Comment at 0:03.0/ })
      .click();
    await page.getByRole("button", { name: "Pause", exact: true }).waitFor();
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    const t0 = await settledPlayhead();
    assert.ok(t0 >= 3 && t0 < 5, `playhead ${t0}`);
    // Compare with mix v1.
    await page.getByLabel("B: mix v1").check();
    const ab = page.getByRole("group", { name: "A/B comparison" });
    await ab.waitFor();
    await page
      .getByTestId("ab-status")
      .getByText(/Hearing A \(mix v2\).*loudness-matched -6\.0 dB/)
      .waitFor();
    await ab.getByRole("button", { name: "B: mix v1" }).click();
    await page
      .getByTestId("ab-status")
      .getByText(/Hearing B \(mix v1\).*loudness-matched 0\.0 dB/)
      .waitFor();
    // Switching while paused keeps the playhead.
    assert.equal(await playhead(), t0);
    // Switching while playing keeps going from where it was.
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.waitForFunction((start) => {
      const el = (
        globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
      ).document.querySelector('[aria-label="Playhead"]');
      const [m, s] = (el?.textContent ?? "0:0").split(" / ")[0].split(":");
      return Number(m) * 60 + Number(s) > start + 0.3;
    }, t0);
    const before = await playhead();
    await ab.getByRole("button", { name: "A: mix v2" }).click();
    await page
      .getByTestId("ab-status")
      .getByText(/Hearing A/)
      .waitFor();
    const afterSwitch = await playhead();
    assert.ok(afterSwitch >= before, `playhead went back from ${before} to ${afterSwitch}`);
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    await shot(page, "song-ab");
  });

  it("adds an overdub task to the song and ticks it off", async () => {
    await page.getByLabel(/^Task kind/).selectOption("overdub");
    await page.getByLabel("Task", { exact: true }).fill("Double the chorus vocal");
    await page.getByLabel(/^Assignee/).selectOption({ label: "Eve Engineer" });
    await page.getByRole("button", { name: "Add task" }).click();
    const item = page
      .getByRole("region", { name: "Tasks and overdubs" })
      .getByRole("listitem")
      .filter({ hasText: "Double the chorus vocal" });
    await item.getByText("Eve Engineer").waitFor();
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/tasks/") && r.request().method() === "PATCH"),
      item.getByRole("checkbox").click(),
    ]);
    // Ticked once the server has it (the list reloads).
    await item.getByRole("checkbox", { checked: true }).waitFor();
    const t = (await api(producer.request, "GET", `/api/projects/${projectId}/tasks?songId=${songId}`)).body;
    assert.equal(t.length, 1);
    assert.ok(t[0].doneAt, JSON.stringify(t));
  });

  it("approves the mix", async () => {
    await page.getByLabel("Note", { exact: true }).fill("Ship it");
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await page.getByRole("heading", { name: "Approval: approved" }).waitFor();
    await page.getByText(/Pat Producer: approved \(“Ship it”\)/).waitFor();
    const v = await api(producer.request, "GET", `/api/songs/${songId}/versions`);
    assert.equal(v.body.find((x: { number: number }) => x.number === 2).approvalState, "approved");
  });

  it("matches an unmeasured version by the browser's own loudness measurement", async () => {
    // A third mix, 6.02 dB under mix v1, added through the API without any loudness figure.
    const up = await producer.request.post(`${server.url}/api/projects/${projectId}/uploads`, {
      multipart: {
        file: { name: "mix-quieter.wav", mimeType: "audio/wav", buffer: readFileSync(files.mix3) },
      },
    });
    assert.equal(up.status(), 201, await up.text());
    const v3 = await api(producer.request, "POST", `/api/songs/${songId}/versions`, {
      kind: "mix",
      label: "quieter, unmeasured",
      blobSha256: (await up.json()).sha256,
    });
    assert.equal(v3.status, 201, JSON.stringify(v3.body));
    assert.equal(v3.body.integratedLufs, null);
    await page.reload();
    await page.getByRole("heading", { name: "mix v3 — quieter, unmeasured" }).waitFor();
    await page.getByLabel("B: mix v1").check();
    const status = page.getByTestId("ab-status");
    await status
      .getByText(/Hearing A \(mix v3\).*loudness-matched 0\.0 dB \(measured in the browser\)/)
      .waitFor();
    await page
      .getByRole("group", { name: "A/B comparison" })
      .getByRole("button", { name: "B: mix v1" })
      .click();
    await status
      .getByText(/Hearing B \(mix v1\).*loudness-matched -6\.0 dB \(measured in the browser\)/)
      .waitFor();
  });

  it("uploads stems, mixes them, renders with progress and downloads the render", async () => {
    await page.getByRole("link", { name: "Mixer" }).click();
    await page.getByRole("heading", { name: "Mixer" }).waitFor();
    await page.getByLabel("Stem files").setInputFiles([files.drums, files.bass]);
    await page.getByRole("button", { name: "Add stems" }).click();
    await page.getByText("Added 2 stems.").waitFor({ timeout: 30_000 });
    await page.getByRole("group", { name: "Track drums" }).waitFor();
    await page.getByRole("group", { name: "Track bass" }).waitFor();
    // Live meters: play and wait for the master meter to read a level.
    await page.getByRole("button", { name: "▶ Play mix" }).click();
    await page
      .getByTestId("master-meter")
      .getByText(/Master: peak -\d+\.\d dBFS/)
      .waitFor();
    // The drums strip, metered by the engine on the audio thread: a mono track centred with the engine's
    // constant-power law is 0.1·cos(π/4) on each side, so it reads −23.0 dBFS and that sine's loudness.
    const side = 0.1 * Math.SQRT1_2;
    const want = integratedLufs([sine(220, side, 4, RATE), sine(220, side, 4, RATE)], RATE);
    await page.waitForFunction((w) => {
      const doc = (
        globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
      ).document;
      const m = /(-?\d+\.\d) dBFS · (-?\d+\.\d) LUFS/.exec(
        doc.querySelector('fieldset[aria-label="Track drums"] .readout')?.textContent ?? "",
      );
      return m !== null && m[1] === "-23.0" && Math.abs(Number(m[2]) - w) <= 0.2;
    }, want);
    await shot(page, "mixer");
    // The mix is 4 s long and stops by itself; stop it if it is still playing.
    const stop = page.getByRole("button", { name: "■ Stop" });
    if (await stop.isVisible()) await stop.click().catch(() => {});
    await page.getByRole("button", { name: "Render mix" }).click();
    await page.getByText(/Render complete: 4\.0 s stereo, 24-bit WAV\./).waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download render (WAV)" }).click(),
    ]);
    const path = await download.path();
    const wav = readWav(readFileSync(path));
    assert.equal(wav.channels.length, 2);
    assert.equal(wav.bits, 24);
    assert.ok(
      Math.abs(wav.channels[0].length / wav.rate - 4) < 2 / wav.rate,
      `${wav.channels[0].length} @ ${wav.rate}`,
    );
    // Two mono stems, sines of peak 0.1, at unity and centred with the engine's constant-power law: each
    // side gets 0.1·cos(π/4) of each, two uncorrelated sines: RMS = 0.0707·√(½ + ½) → −23.01 dBFS.
    const mid = (x: Float32Array) => x.subarray(Math.round(x.length * 0.1), Math.round(x.length * 0.9));
    const expected = 20 * Math.log10(0.1 * Math.SQRT1_2);
    for (const ch of wav.channels)
      assert.ok(Math.abs(rmsDb(mid(ch)) - expected) < 0.05, `${rmsDb(mid(ch))} vs ${expected}`);
    await shot(page, "mixer-rendered");
  });

  it("makes the song's mix session from the stems and renders it on the server with progress", async () => {
    const panel = page.getByRole("region", { name: "Mix session" });
    await panel.getByRole("button", { name: "Create the mix session from 2 tracks" }).click();
    await panel.getByText("Created the mix session with 2 tracks.").waitFor();
    // The strips are now the session's tracks.
    await page.getByText(/The song's mix session, version 1/).waitFor();
    await page.getByLabel("Fader drums (dB)", { exact: true }).fill("-6");
    await panel.getByRole("button", { name: "Render on the server" }).click();
    await panel.getByText("Render finished: the mix is in the version stack.").waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      panel.getByRole("link", { name: "Download the server render" }).click(),
    ]);
    const wav = readWav(readFileSync(await download.path()));
    assert.equal(wav.rate, RATE);
    assert.equal(wav.channels[0].length, 4 * RATE);
    // The engine's constant-power centre puts 0.1·cos(π/4) of each mono stem on each side; drums 6 dB down.
    const side = 0.1 * Math.SQRT1_2;
    const drums = side * 10 ** (-6 / 20);
    const expected = 10 * Math.log10((drums * drums) / 2 + (side * side) / 2);
    const mid = (x: Float32Array) => x.subarray(Math.round(x.length * 0.1), Math.round(x.length * 0.9));
    for (const ch of wav.channels)
      assert.ok(Math.abs(rmsDb(mid(ch)) - expected) < 0.05, `${rmsDb(mid(ch))} vs ${expected}`);
    const s = await api(producer.request, "GET", `/api/songs/${songId}/session`);
    assert.equal(s.body.version, 2);
    assert.equal(s.body.session.tracks.find((t: { name: string }) => t.name === "drums").volumeDb, -6);
    await shot(page, "mixer-session-rendered");
  });

  it("masters to the streaming target and passes QC", async () => {
    await page.goto(`${songUrl}/mastering`);
    await page.getByRole("heading", { name: "Mastering" }).waitFor();
    // It starts with the approved mix (v2), not the newest render (the server render made after it).
    const source = page.getByLabel(/^Source version/);
    await source.locator("option", { hasText: "mix v2 loud (approved)" }).waitFor({ state: "attached" });
    assert.equal(
      await source.evaluate(
        (el) => (el as unknown as { selectedOptions: { text: string }[] }).selectedOptions[0].text,
      ),
      "mix v2 loud (approved)",
    );
    await page.getByRole("button", { name: "Master in the browser" }).click();
    await page.getByRole("heading", { name: "QC checklist" }).waitFor({ timeout: 60_000 });
    await page.getByText(/✓ Integrated loudness -1[34]\.\d LUFS within ±0\.5 LU of -14/).waitFor();
    await page.getByText(/✓ True peak .* at or below -1 dBTP/).waitFor();
    await shot(page, "mastering");
  });

  it("masters on the server: a new master version on target with the server's QC", async () => {
    await page.getByRole("button", { name: "Master on the server" }).click();
    const ready = page.getByText(/Master ready: -1[34]\.\d LUFS, true peak -\d+\.\d dBTP\./);
    await ready.waitFor({ timeout: 60_000 });
    await page.getByRole("heading", { name: /Server QC: (pass|warn)/ }).waitFor();
    const v = (await api(producer.request, "GET", `/api/songs/${songId}/versions`)).body as {
      kind: string;
      integratedLufs: number;
    }[];
    const masters = v.filter((x) => x.kind === "master");
    assert.equal(masters.length, 1);
    assert.ok(Math.abs(masters[0].integratedLufs + 14) <= 0.5, JSON.stringify(masters[0]));
    await shot(page, "mastering-server");
  });

  it("records a take from the fake microphone after a count-in; the server has it at the right loudness", async () => {
    await page.goto(`${songUrl}/record`);
    await page.getByRole("heading", { name: "Record a take" }).waitFor();
    await page.getByRole("button", { name: "Enable microphone" }).click();
    // The input meter reads the fake microphone: 1 kHz at peak 0.25 = −12.04 dBFS.
    await page
      .getByTestId("input-meter")
      .getByText(/Input peak -12\.\d dBFS/)
      .waitFor();
    await page.getByLabel("Part", { exact: true }).fill("lead vocal");
    await page.getByLabel(/Count-in bars at 120 BPM/).fill("1");
    // Record onto a new track of the mix session while the session's two tracks play.
    await page.getByLabel(/^Play along with/).selectOption({ label: "the mix session (2 tracks)" });
    await page.getByLabel(/^Onto session track/).selectOption({ label: "a new track “lead vocal”" });
    await page.getByRole("button", { name: "● Record" }).click();
    await page.getByText("Recording…").waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => {
      const el = (
        globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
      ).document.querySelector('[aria-label="Recording time"]');
      return Number.parseFloat(el?.textContent ?? "0") >= 2.5;
    });
    await page.getByRole("button", { name: "■ Stop" }).click();
    await page
      .getByText(
        /Saved lead vocal take 1: \d+\.\d s, -\d+\.\d LUFS integrated\. Added to the mix session \(version 3\)\./,
      )
      .waitFor({ timeout: 30_000 });
    const row = page.locator('[data-take="lead vocal take 1"]');
    await row.waitFor();
    // The producer rates it and decides.
    const patched = () =>
      page.waitForResponse((r) => r.url().includes("/api/takes/") && r.request().method() === "PATCH");
    // Each change is saved, then the list reloads with the take's new version (optimistic concurrency).
    const reloaded = () =>
      page.waitForResponse(
        (r) => r.url().endsWith(`/api/songs/${songId}/takes`) && r.request().method() === "GET",
      );
    await Promise.all([
      patched(),
      reloaded(),
      row.getByLabel("Rating of lead vocal take 1").selectOption("4"),
    ]);
    await Promise.all([
      patched(),
      reloaded(),
      row.getByLabel("Decision on lead vocal take 1").selectOption("keep"),
    ]);
    await shot(page, "recording");
    // Fetch what the server stored and measure it.
    const takes = (await api(producer.request, "GET", `/api/songs/${songId}/takes`)).body as {
      part: string;
      blobSha256: string;
    }[];
    const take = takes.find((t) => t.part === "lead vocal") as unknown as {
      blobSha256: string;
      rating: number;
      decision: string;
    };
    assert.ok(take?.blobSha256);
    assert.equal(take.rating, 4);
    assert.equal(take.decision, "keep");
    // The session has the take on a new track from the start of the timeline.
    const sess = (await api(producer.request, "GET", `/api/songs/${songId}/session`)).body;
    const track = sess.session.tracks.find((t: { name: string }) => t.name === "lead vocal");
    assert.ok(track, JSON.stringify(sess.session.tracks.map((t: { name: string }) => t.name)));
    const clip = track.takes[0].clips[0];
    assert.equal(sess.session.audio[clip.audio].sha256, take.blobSha256);
    assert.equal(clip.start, 0);
    const blob = await producer.request.get(`${server.url}/api/blobs/${take.blobSha256}`);
    assert.equal(blob.status(), 200);
    const wav = readWav(await blob.body());
    assert.equal(wav.channels.length, 1);
    const seconds = wav.channels[0].length / wav.rate;
    assert.ok(seconds >= 2.4 && seconds < 30, `take is ${seconds} s`);
    const got = integratedLufs(wav.channels, wav.rate);
    const want = integratedLufs([sine(1000, MIC_AMP, seconds, wav.rate)], wav.rate);
    assert.ok(
      Math.abs(got - want) < 0.5,
      `take ${got.toFixed(2)} LUFS, microphone signal ${want.toFixed(2)} LUFS`,
    );
  });

  it("finds the clicks in a take, repairs it into a new take linked to it, and compares the two A/B", async () => {
    // A guitar take with eight clicks (a 233 Hz note with two harmonics and faint hiss), logged through the API.
    const x = new Float32Array(3 * RATE);
    let seed = 11;
    for (let i = 0; i < x.length; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      const ph = (2 * Math.PI * 233 * i) / RATE;
      x[i] = 0.25 * Math.sin(ph) + 0.1 * Math.sin(2 * ph + 0.3) + 0.05 * Math.sin(3 * ph + 1);
      x[i] += 0.002 * (seed / 2 ** 32 - 0.5);
    }
    for (let k = 0; k < 8; k++) x[Math.round(((k + 0.5) * x.length) / 8) + 31 * k] += k % 2 ? 0.6 : -0.6;
    const path = join(scratchDir(), "guitar-clicks.wav");
    writeWav(path, [x], RATE);
    const up = await producer.request.post(`${server.url}/api/projects/${projectId}/uploads`, {
      multipart: { file: { name: "guitar-clicks.wav", mimeType: "audio/wav", buffer: readFileSync(path) } },
    });
    assert.equal(up.status(), 201, await up.text());
    const logged = await api(producer.request, "POST", `/api/songs/${songId}/takes`, {
      part: "guitar",
      performerName: "Gus",
      blobSha256: (await up.json()).sha256,
    });
    assert.equal(logged.status, 201, JSON.stringify(logged.body));
    // The take analysis (loudness and the repair detection) runs as a job.
    for (let i = 0; i < 600; i++) {
      const j = await api(producer.request, "GET", `/api/jobs/${logged.body.analysisJobId}`);
      if (j.body.status === "done") break;
      assert.ok(["queued", "running"].includes(j.body.status), JSON.stringify(j.body));
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.goto(songUrl);
    const row = page.locator('[data-take="guitar take 1"]');
    await row.getByText("8 clicks", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Repair guitar take 1" }).click();
    // Auto makes the fixes the analysis found a need for: declick among them.
    await row.getByRole("checkbox", { name: /^Auto \(.*declick/ }).waitFor();
    await row.getByRole("button", { name: "Repair", exact: true }).click();
    await row.getByText(/^Repaired guitar take 1: declick: 8 events restored/).waitFor({ timeout: 120_000 });
    // The repaired take is listed, linked to its original, with no clicks left.
    const repaired = page.locator('[data-take="guitar take 2"]');
    await repaired.getByText("repaired from guitar take 1").waitFor();
    assert.equal(await repaired.getByText(/^\d[\d,]* clicks?$/).count(), 0);
    await repaired.getByRole("button", { name: "Compare guitar take 2 with guitar take 1" }).click();
    const status = page.getByTestId("repair-ab-status");
    await status
      .getByText(/^Hearing A \(original, guitar take 1\) at .*, loudness-matched -?\d+\.\d dB$/)
      .waitFor();
    await page.getByRole("img", { name: "Waveform of the original, guitar take 1" }).waitFor();
    await page.getByRole("button", { name: "B: repaired" }).click();
    await status.getByText(/^Hearing B \(repaired, guitar take 2\)/).waitFor();
    await page.getByRole("img", { name: "Waveform of the repaired take, guitar take 2" }).waitFor();
    await shot(page, "repair-ab");
  });

  it("the invited engineer signs in and finds the project and the song", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      await p.goto(server.url);
      await p.getByLabel("E-mail").fill(people.engineer.email);
      await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await p.getByRole("button", { name: "Sign in", exact: true }).click();
      await p.getByRole("link", { name: "First Album" }).click();
      await p.getByRole("heading", { name: "First Album" }).waitFor();
      await p.getByText("your roles: engineer").waitFor();
      // Engineers move songs along but do not manage the team or see the budget.
      assert.equal(await p.getByLabel("Invite by e-mail").count(), 0);
      await p.getByText("The budget is visible to producers and the label.").waitFor();
      await p.getByRole("link", { name: "City Hums" }).click();
      await p.getByRole("heading", { name: "City Hums" }).waitFor();
      await p.getByRole("button", { name: "Upload version" }).waitFor();
      await shot(p, "engineer-song");
    } finally {
      await ctx.close();
    }
  });

  it("a viewer sees no approve button and the API refuses the approval", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const login = await api(ctx.request, "POST", "/api/auth/login", {
        email: people.viewer.email,
        password: PASSWORD,
      });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const p = await ctx.newPage();
      // The dashboard: a viewer cannot move songs (nothing to drag, no stage menu) and sees no budget.
      await p.goto(`${server.url}/projects/${projectId}`);
      await p.getByText("your roles: viewer").waitFor();
      assert.equal(await p.locator('[draggable="true"]').count(), 0);
      assert.equal(await p.getByLabel(/^Move “City Hums” to/).count(), 0);
      await p.getByText("The budget is visible to producers and the label.").waitFor();
      await p.goto(songUrl);
      await p.getByRole("heading", { name: "City Hums" }).waitFor();
      await p.getByText("Only producers approve versions.").waitFor();
      assert.equal(await p.getByRole("button", { name: "Approve" }).count(), 0);
      assert.equal(await p.getByRole("button", { name: "Add comment" }).count(), 0);
      await shot(p, "viewer-song");
      const v = await latestVersion();
      const r = await api(ctx.request, "POST", `/api/versions/${v.id}/approvals`, { state: "approved" });
      assert.equal(r.status, 403);
      assert.match(r.body.message, /viewer/);
    } finally {
      await ctx.close();
    }
  });
});
