/**
 * Kill tests for the studio server's writes: an upload and the session save. The server
 * (testing/server-host.ts: embedded database, blob store in a data folder) is killed with SIGKILL in the
 * middle of an upload (once its temporary file holds a megabyte, and once every byte was sent) and while
 * session saves are in flight, then started again. No stored blob may be half-written, no `blobs` row may lack
 * its file, the sweep must leave no temporary file and no file without its row, the upload must then go
 * through exactly once, and the session must be one whole save — the last one acknowledged, or one sent
 * after it — with the audit log holding exactly one entry per save.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pcm16MonoWav } from "./testing/pcm-wav.ts";
import { type ServerFixture, sessionNumbered } from "./testing/server-host.ts";

const HOST = fileURLToPath(new URL("./testing/server-host.ts", import.meta.url));

/** What the host found on starting: what the last run left (see testing/server-host.ts). */
interface Check {
  before: {
    rowsWithoutFile: string[];
    filesWithoutRow: string[];
    corruptFiles: string[];
    temporary: string[];
  };
  after: {
    rowsWithoutFile: string[];
    filesWithoutRow: string[];
    corruptFiles: string[];
    temporary: string[];
  };
  session: { version: number; document: { tracks: { volumeDb: number }[] } };
  sessionSaves: number;
  blobs: { sha256: string; size: number }[];
}

/** Every host started, so none outlives the tests. */
const hosts = new Set<ChildProcess>();

/** Starts the server host; resolves once it listens, with what it found on starting. */
function startServer(data: string): Promise<{ child: ChildProcess; port: number; check: Check }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", HOST, data, "serve"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    hosts.add(child);
    let out = "";
    let err = "";
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      const c = /^check (.*)$/m.exec(out);
      if (m && c) resolve({ child, port: Number(m[1]), check: JSON.parse(c[1]) });
    });
    child.stderr?.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`server host exited (${code}) before listening: ${err}`)));
  });
}

/** Kills the host with SIGKILL and waits until it is gone. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

/** The store must be whole after a kill: no half-written blob, no row without its file; nothing left after the sweep. */
function assertWhole(r: Check): void {
  assert.deepEqual(r.before.corruptFiles, [], "a half-written blob");
  assert.deepEqual(r.before.rowsWithoutFile, []);
  assert.deepEqual(r.after.filesWithoutRow, []);
  assert.deepEqual(r.after.temporary, []);
  assert.deepEqual(r.after.rowsWithoutFile, []);
}

/** Bytes of the temporary files in the blob store's tmp folder. */
function tmpBytes(data: string): number {
  const dir = join(data, "blobs", "tmp");
  try {
    return readdirSync(dir).reduce(
      (n, f) => n + (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
  } catch {
    return 0;
  }
}

/** An 8 MB WAV (mono 16-bit, 48 kHz, 83 s of a sawtooth), distinct per `seed`. */
function bigWav(seed: number): Buffer {
  return pcm16MonoWav(4_000_000, 48000, (i) => ((i * 7 + seed) % 20000) - 10000);
}

/**
 * Uploads `wav` as multipart in 64 KB pieces, calling `sent()` once every byte is written. Resolves with the
 * status, or null when the connection broke (the server was killed).
 */
function upload(
  port: number,
  fx: ServerFixture,
  wav: Buffer,
  sent: () => void = () => {},
): Promise<{ status: number; body: string } | null> {
  const boundary = "----controlroomkill";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, wav, tail]);
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/api/projects/${fx.projectId}/uploads`,
        headers: {
          authorization: `Bearer ${fx.token}`,
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": body.length,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", () => resolve(null));
      },
    );
    req.on("error", () => resolve(null));
    let at = 0;
    const pump = () => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 65536);
        at += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end(sent);
    };
    pump();
  });
}

async function api(port: number, fx: ServerFixture, method: string, path: string, body?: unknown) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${fx.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as { version: number } };
}

const fixtureOf = async (data: string): Promise<ServerFixture> =>
  JSON.parse(await (await import("node:fs/promises")).readFile(join(data, "fixture.json"), "utf8"));

describe("SIGKILL during the server's writes (PGlite)", { concurrency: false }, () => {
  let data = "";
  let server: { child: ChildProcess; port: number; check: Check };
  let fx: ServerFixture;
  before(async () => {
    data = await mkdtemp(join(tmpdir(), "cr-server-kill-"));
    server = await startServer(data);
    fx = await fixtureOf(data);
  });
  after(async () => {
    for (const h of hosts) await kill(h);
    await rm(data, { recursive: true, force: true });
  });
  /** Kills the server, starts it again, and checks what the kill left. */
  const restart = async () => {
    await kill(server.child);
    server = await startServer(data);
    assertWhole(server.check);
    return server.check;
  };
  /** Uploads `wav` to the end: 201, and its blob row once. */
  const uploadWhole = async (wav: Buffer) => {
    const r = await upload(server.port, fx, wav);
    assert.ok(r && r.status === 201, r?.body);
    return JSON.parse(r.body).sha256 as string;
  };

  test("an upload killed once its temporary file holds a megabyte: nothing half-stored; then it goes through once", async () => {
    const wav = bigWav(1);
    const up = upload(server.port, fx, wav);
    let finished = false;
    void up.then(() => {
      finished = true;
    });
    while (tmpBytes(data) < 1 << 20 && !finished) await new Promise((r) => setTimeout(r, 2));
    assert.ok(!finished, "the upload finished before the kill point");
    await restart();
    const sha = await uploadWhole(wav);
    const c = await restart();
    assert.deepEqual(
      c.blobs.filter((b) => b.sha256 === sha),
      [{ sha256: sha, size: wav.length }],
    );
  });

  test("an upload killed once every byte was sent: nothing half-stored; then it goes through once", async () => {
    const wav = bigWav(2);
    await new Promise<void>((resolve) => void upload(server.port, fx, wav, resolve).then(() => resolve()));
    await restart();
    const sha = await uploadWhole(wav);
    const c = await restart();
    assert.deepEqual(
      c.blobs.filter((b) => b.sha256 === sha),
      [{ sha256: sha, size: wav.length }],
    );
  });

  test("session saves killed in flight: the session is one whole save, at least the last acknowledged", async () => {
    let acknowledged = server.check.session.version;
    // Saves one after another, each based on the last; the kill lands while the tenth is in flight.
    for (let i = 1; i <= 10; i++) {
      const n = acknowledged + 1;
      const save = api(server.port, fx, "PUT", `/api/songs/${fx.songId}/session`, {
        version: n - 1,
        session: sessionNumbered(fx.sha256, n),
      });
      if (i === 10) {
        const settled = save.catch(() => null);
        await kill(server.child);
        await settled;
        break;
      }
      const r = await save;
      assert.equal(r.status, 200, JSON.stringify(r.body));
      acknowledged = r.body.version;
    }
    const c = await restart();
    assert.ok(
      c.session.version >= acknowledged,
      `version ${c.session.version} < acknowledged ${acknowledged}`,
    );
    assert.ok(c.session.version <= acknowledged + 1);
    assert.equal(
      c.session.document.tracks[0].volumeDb,
      -c.session.version / 100,
      "the document of another save",
    );
    assert.equal(c.sessionSaves, c.session.version, "one audit entry per save");
  });
});
