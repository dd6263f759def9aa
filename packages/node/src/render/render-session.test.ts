import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { unzipSync } from "fflate";
import { CORPUS, skipWithoutCorpus } from "../files/test-support.ts";
import { sessionFromStems } from "../session/from-stems.ts";
import { loadSessionFile, saveSessionFile } from "../session/session-file.ts";
import { prestartWorkers, stopPrestartedWorkers, takePrestartedWorker } from "../workers/prestart.ts";
import { prepareDecodedSources } from "./decoded-cache.ts";
import { RenderCancelledError, renderSessionToFiles } from "./render-session.ts";

const SONG = join(CORPUS, "song1");
// Renders here fill a decoded-audio cache: a temporary one, never the user's.
const CACHE = mkdtempSync(join(tmpdir(), "cr-render-cache-"));
process.env.CONTROLROOM_CACHE_DIR = CACHE;
after(() => rmSync(CACHE, { recursive: true, force: true }));

/** Decodes any audio file to planar float64 with ffmpeg (an independent decoder). */
function decode(path: string, channels: number): Float64Array[] {
  const raw = execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", path, "-f", "f64le", "-ac", String(channels), "-"],
    {
      maxBuffer: 1 << 30,
    },
  );
  const all = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
  const n = all.length / channels;
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = all[i * channels + c];
    return x;
  });
}

/** sha256 (first 16 hex digits) of a 24-bit render of 30–34 s with stems and of a 16-bit mix of it. */
const PINNED: Record<string, string> = {
  "pin-stems/01-bass.wav": "0a2d8feb9bcff999",
  "pin-stems/02-hats.wav": "fb7078a9cd7ece7e",
  "pin-stems/03-keys.wav": "f4d9987971e7558d",
  "pin-stems/04-kick.wav": "ae17590e7d56bf0a",
  "pin-stems/05-lead.wav": "09865b62cba92e5d",
  "pin-stems/06-snare.wav": "24a887f632c3dfaa",
  "pin-stems/07-vox.wav": "db8dd4db83294b8e",
  "pin16.wav": "de168c08d7f21ea4",
  "pin24.wav": "494811e3f19f912f",
};

interface RoughMix {
  tracks: Record<string, { gainDb: number; pan: number }>;
  outputGainDb: number;
}

describe("rendering song1 from its stems", { skip: skipWithoutCorpus("song1") }, () => {
  let dir: string;
  let session: Session;
  let rough: RoughMix;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cr-render-"));
    const arrangement = JSON.parse(readFileSync(join(SONG, "arrangement.json"), "utf8"));
    rough = arrangement.roughMix;
    const s = await sessionFromStems(SONG, dir);
    // The corpus rough-mix recipe: per-track gain and pan, one output gain.
    for (const t of s.tracks) {
      t.volumeDb = rough.tracks[t.id].gainDb;
      t.pan = rough.tracks[t.id].pan;
    }
    s.master.volumeDb = rough.outputGainDb;
    await saveSessionFile(join(dir, "session.json"), s);
    session = (await loadSessionFile(join(dir, "session.json"))).session;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("builds one track per stem with the arrangement's sections and markers", () => {
    assert.deepEqual(
      session.tracks.map((t) => [t.id, t.channels]),
      [
        ["bass", 1],
        ["hats", 1],
        ["keys", 2],
        ["kick", 1],
        ["lead", 1],
        ["snare", 1],
        ["vox", 1],
      ],
    );
    assert.deepEqual(
      session.sections.map((s) => [s.name, s.startBar, s.endBar]),
      [
        ["intro", 1, 8],
        ["verse", 9, 16],
        ["chorus", 17, 24],
        ["outro", 25, 32],
      ],
    );
    assert.equal(session.markers[2].name, "chorus");
    assert.equal(session.audio.kick.frames, 3_072_000);
  });

  it("renders a mix and stems that null against the reference sum of the decoded stems", async (t) => {
    const mixPath = join(dir, "mix.wav");
    const zipPath = join(dir, "stems.zip");
    const res = await renderSessionToFiles(session, dir, mixPath, { bits: 32, stems: zipPath });
    assert.equal(res.frames, 3_072_000);
    assert.equal(res.latency, 0);
    // Reference: the recipe computed here in float64 from ffmpeg-decoded stems.
    const N = 3_072_000;
    const ref = [new Float64Array(N), new Float64Array(N)];
    const out = 10 ** (rough.outputGainDb / 20);
    for (const t of session.tracks) {
      const x = decode(join(SONG, `${t.id}.flac`), t.channels);
      const g = 10 ** (rough.tracks[t.id].gainDb / 20) * out;
      const p = rough.tracks[t.id].pan;
      const gl = t.channels === 2 ? 1 : Math.cos(((p + 1) * Math.PI) / 4);
      const gr = t.channels === 2 ? 1 : Math.sin(((p + 1) * Math.PI) / 4);
      for (let i = 0; i < N; i++) {
        ref[0][i] += x[0][i] * g * gl;
        ref[1][i] += x[t.channels - 1][i] * g * gr;
      }
    }
    const mix = decode(mixPath, 2);
    let maxErr = 0;
    let peak = 0;
    for (let c = 0; c < 2; c++) {
      assert.equal(mix[c].length, N);
      for (let i = 0; i < N; i++) {
        maxErr = Math.max(maxErr, Math.abs(mix[c][i] - ref[c][i]));
        peak = Math.max(peak, Math.abs(ref[c][i]));
      }
    }
    // Float32 arithmetic against a float64 reference: within a few 24-bit LSBs (2^-23 ≈ 1.2e-7).
    assert.ok(maxErr < 4 * 2 ** -23, `mix differs from the reference by ${maxErr}`);
    // The corpus's own rough mix (same recipe, computed by numpy, stored with 20 significant bits) agrees to
    // within its quantisation (half an LSB at 20 bits = 2^-20), plus float32 rounding.
    const roughFile = decode(join(CORPUS, "mixes", "song1-rough-mix.flac"), 2);
    let roughErr = 0;
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < N; i++) roughErr = Math.max(roughErr, Math.abs(mix[c][i] - roughFile[c][i]));
    assert.ok(roughErr < 2 ** -20 + 4 * 2 ** -23, `mix differs from the corpus rough mix by ${roughErr}`);
    t.diagnostic(
      `max |mix − reference| ${maxErr.toExponential(2)}, max |mix − corpus rough mix| ${roughErr.toExponential(2)}`,
    );
    // The recipe targets a −3.0 dBFS sample peak.
    assert.ok(Math.abs(20 * Math.log10(peak) + 3) < 0.01, `peak ${20 * Math.log10(peak)} dBFS`);

    // Stems: a zip of one WAV per track plus the manifest; they sum to the mix.
    const files = unzipSync(readFileSync(zipPath));
    const names = Object.keys(files).sort();
    assert.deepEqual(names, [
      "01-bass.wav",
      "02-hats.wav",
      "03-keys.wav",
      "04-kick.wav",
      "05-lead.wav",
      "06-snare.wav",
      "07-vox.wav",
      "manifest.txt",
    ]);
    const manifest = new TextDecoder().decode(files["manifest.txt"]);
    assert.match(manifest, /\*07-vox\.wav\ttrack\tvox\tmaster\tyes/);
    assert.deepEqual(
      readdirSync(dirname(zipPath)).filter((n) => n.startsWith(`.${basename(zipPath)}.`)),
      [],
      "scratch stems removed",
    );
    rmSync(join(dir, "unz"), { recursive: true, force: true });
    mkdirSync(join(dir, "unz"));
    for (const n of names) writeFileSync(join(dir, "unz", n), files[n]);
    const sum = [new Float64Array(N), new Float64Array(N)];
    for (const n of names.filter((x) => x.endsWith(".wav"))) {
      const s = decode(join(dir, "unz", n), 2);
      for (let c = 0; c < 2; c++) for (let i = 0; i < N; i++) sum[c][i] += s[c][i];
    }
    let stemErr = 0;
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < N; i++) stemErr = Math.max(stemErr, Math.abs(sum[c][i] - mix[c][i]));
    assert.ok(stemErr < 4 * 2 ** -23, `stems sum differs from the mix by ${stemErr}`);
    t.diagnostic(`max |sum of stems − mix| ${stemErr.toExponential(2)}`);
  });

  it("lists every missing or changed audio file with its expected hash", async () => {
    const broken = structuredClone(session);
    broken.audio.kick.path = "nowhere/kick.flac";
    broken.audio.vox.sha256 = "f".repeat(64);
    const never = renderSessionToFiles(broken, dir, join(dir, "never.wav"), {
      stems: join(dir, "never-stems"),
      threads: 2,
    });
    await assert.rejects(never, (e: unknown) => {
      assert.ok(e instanceof SessionError);
      assert.equal(e.problems.length, 2);
      assert.match(e.problems[0].path, /^audio\.kick$/);
      assert.match(
        e.problems[0].message,
        new RegExp(`missing file .*kick\\.flac \\(expected sha256 ${session.audio.kick.sha256}\\)`),
      );
      assert.match(e.problems[1].message, /vox\.flac has changed: sha256 [0-9a-f]{64}, expected f{64}/);
      return true;
    });
    assert.ok(!existsSync(join(dir, "never.wav")));
    assert.ok(!existsSync(join(dir, "never-stems")), "no stem folder either");
  });

  it("leaves no file under the final name when cancelled", async () => {
    let blocks = 0;
    await assert.rejects(
      renderSessionToFiles(session, dir, join(dir, "cancelled.wav"), {
        stems: join(dir, "cancelled-stems.zip"),
        cancelled: () => ++blocks > 5,
      }),
      RenderCancelledError,
    );
    const left = readdirSync(dir).filter((n) => n.includes("cancelled"));
    assert.deepEqual(left, []);
  });

  it("renders a named section", async () => {
    const res = await renderSessionToFiles(session, dir, join(dir, "chorus.wav"), {
      bits: 32,
      section: "chorus",
      verifyHashes: false,
    });
    assert.equal(res.frames, 768_000);
    const full = decode(join(dir, "mix.wav"), 2);
    const part = decode(join(dir, "chorus.wav"), 2);
    let err = 0;
    for (let i = 0; i < 768_000; i++) err = Math.max(err, Math.abs(part[0][i] - full[0][1_536_000 + i]));
    assert.equal(err, 0);
  });

  it("renders bit-identically with one thread and with worker threads", async () => {
    const opts = { bits: 32 as const, start: 30, end: 34, verifyHashes: false };
    await renderSessionToFiles(session, dir, join(dir, "t1.wav"), { ...opts, threads: 1 });
    await renderSessionToFiles(session, dir, join(dir, "t3.wav"), { ...opts, threads: 3 });
    assert.deepEqual(readFileSync(join(dir, "t1.wav")), readFileSync(join(dir, "t3.wav")));
  });

  it("uses worker threads started ahead of it (as `controlroom render` starts them), with the same result", async () => {
    const opts = { bits: 24 as const, start: 30, end: 34, verifyHashes: false, threads: 2 };
    const plain = join(dir, "ahead-plain");
    await renderSessionToFiles(session, dir, `${plain}.wav`, { ...opts, stems: `${plain}-stems` });
    prestartWorkers("track-worker", 2);
    prestartWorkers("writer-worker", 1);
    const ahead = join(dir, "ahead");
    await renderSessionToFiles(session, dir, `${ahead}.wav`, { ...opts, stems: `${ahead}-stems` });
    assert.deepEqual(readFileSync(`${ahead}.wav`), readFileSync(`${plain}.wav`));
    for (const f of readdirSync(`${plain}-stems`))
      assert.deepEqual(readFileSync(join(`${ahead}-stems`, f)), readFileSync(join(`${plain}-stems`, f)), f);
    // The render took one track worker and the writer; the second track worker was not needed and is stopped.
    assert.equal(takePrestartedWorker("writer-worker"), null);
    await stopPrestartedWorkers();
    assert.equal(takePrestartedWorker("track-worker"), null);
  });

  it("renders bit-identically with and without the decoded-audio cache", async () => {
    const opts = { bits: 32 as const, start: 30, end: 34, verifyHashes: false };
    const cache = { dir: join(dir, "cache") };
    const off = await renderSessionToFiles(session, dir, join(dir, "nocache.wav"), {
      ...opts,
      threads: 1,
      decodeCache: false,
    });
    assert.equal(off.decodeCache, null);
    // 4 s of 64 s stems, each played once: the clips decode what they play; nothing goes into the cache.
    const short = await renderSessionToFiles(session, dir, join(dir, "short.wav"), {
      ...opts,
      threads: 3,
      decodeCache: cache,
    });
    assert.deepEqual([short.decodeCache?.decoded, short.decodeCache?.direct], [0, 7]);
    assert.ok(!existsSync(cache.dir) || readdirSync(cache.dir).length === 0);
    // Once the stems are cached (as a whole-song render of loops would leave them), even a short range
    // reads the cache, in worker threads too.
    const filled = await prepareDecodedSources(session, dir, { dir: cache.dir, maxBytes: 2 ** 40 });
    assert.equal(filled.decoded, 7);
    const warm = await renderSessionToFiles(session, dir, join(dir, "warm.wav"), {
      ...opts,
      threads: 3,
      decodeCache: cache,
    });
    assert.deepEqual([warm.decodeCache?.decoded, warm.decodeCache?.reused], [0, 7]);
    writeFileSync(join(dir, "not-a-folder"), "");
    const unwritable = await renderSessionToFiles(session, dir, join(dir, "unwritable.wav"), {
      ...opts,
      threads: 1,
      decodeCache: { dir: join(dir, "not-a-folder", "cache") },
    });
    assert.deepEqual([unwritable.decodeCache?.decoded, unwritable.decodeCache?.reused], [0, 0]);
    const expected = readFileSync(join(dir, "nocache.wav"));
    for (const f of ["short.wav", "warm.wav", "unwritable.wav"]) {
      assert.deepEqual(readFileSync(join(dir, f)), expected, f);
    }
  });

  it("decodes a whole song's stems just ahead on another thread when cold, with the same bytes, and caches them", async () => {
    // Seven plain tracks of 64 s: the tracks render on this thread, the stems decode on the track worker started
    // ahead (as `controlroom render` starts it), each into its cache file, which the render reads behind it.
    const opts = { bits: 24 as const, verifyHashes: false };
    // Cancelled a few blocks in: the decoding thread stops too, and leaves no file in the cache.
    const stopped = { dir: join(dir, "ahead-cancelled-cache") };
    let blocks = 0;
    await assert.rejects(
      renderSessionToFiles(session, dir, join(dir, "ahead-cancelled.wav"), {
        ...opts,
        decodeCache: stopped,
        cancelled: () => ++blocks > 5,
      }),
      RenderCancelledError,
    );
    assert.deepEqual(
      existsSync(stopped.dir) ? readdirSync(stopped.dir) : [],
      [],
      "nothing cached, nothing left",
    );
    assert.ok(!existsSync(join(dir, "ahead-cancelled.wav")));
    const cache = { dir: join(dir, "ahead-cache") };
    prestartWorkers("track-worker", 1);
    const cold = await renderSessionToFiles(session, dir, join(dir, "ahead-cold.wav"), {
      ...opts,
      decodeCache: cache,
    });
    assert.equal(cold.decodeCache?.filling, 7);
    if (availableParallelism() > 1)
      assert.equal(takePrestartedWorker("track-worker"), null, "the worker started ahead decoded the stems");
    await stopPrestartedWorkers();
    assert.equal(readdirSync(cache.dir).filter((f) => f.endsWith(".f32")).length, 7, "every stem cached");
    assert.deepEqual(
      readdirSync(cache.dir).filter((f) => !f.endsWith(".f32")),
      [],
      "no temporary file left",
    );
    const warm = await renderSessionToFiles(session, dir, join(dir, "ahead-warm.wav"), {
      ...opts,
      decodeCache: cache,
    });
    assert.equal(warm.decodeCache?.reused, 7);
    await renderSessionToFiles(session, dir, join(dir, "ahead-off.wav"), {
      ...opts,
      threads: 1,
      decodeCache: false,
    });
    const expected = readFileSync(join(dir, "ahead-off.wav"));
    for (const f of ["ahead-cold.wav", "ahead-warm.wav"])
      assert.deepEqual(readFileSync(join(dir, f)), expected, f);
  });

  it("renders looped sources bit-identically from a cold cache (decoded on this thread and the track workers), a warm one and none", async () => {
    // kick and snare on four tracks each: over 16 s, every source is read 64 s, its whole length, so it is
    // decoded into the cache before the render.
    const tracks = ["kick", "snare"].flatMap((id) =>
      [1, 2, 3, 4].map((k) => ({
        ...structuredClone(session.tracks.find((t) => t.id === id)!),
        id: `${id}${k}`,
      })),
    );
    const looped: Session = { ...session, tracks };
    const opts = { bits: 32 as const, end: 16, verifyHashes: false };
    const cache = { dir: join(dir, "loop-cache") };
    const cold = await renderSessionToFiles(looped, dir, join(dir, "loop-cold.wav"), {
      ...opts,
      threads: 3,
      decodeCache: cache,
    });
    assert.deepEqual([cold.decodeCache?.decoded, cold.decodeCache?.uncached], [2, 0]);
    assert.deepEqual(
      readdirSync(cache.dir).filter((f) => !f.endsWith(".f32")),
      [],
    );
    const warm = await renderSessionToFiles(looped, dir, join(dir, "loop-warm.wav"), {
      ...opts,
      threads: 3,
      decodeCache: cache,
    });
    assert.deepEqual([warm.decodeCache?.decoded, warm.decodeCache?.reused], [0, 2]);
    await renderSessionToFiles(looped, dir, join(dir, "loop-off.wav"), {
      ...opts,
      threads: 1,
      decodeCache: false,
    });
    const expected = readFileSync(join(dir, "loop-off.wav"));
    for (const f of ["loop-cold.wav", "loop-warm.wav"])
      assert.deepEqual(readFileSync(join(dir, f)), expected, f);
  });

  it("renders the same bytes as before (mix and stems pinned by sha256; speed work must keep them)", async () => {
    const opts = { start: 30, end: 34, verifyHashes: false, threads: 2 };
    await renderSessionToFiles(session, dir, join(dir, "pin24.wav"), {
      ...opts,
      stems: join(dir, "pin-stems"),
    });
    await renderSessionToFiles(session, dir, join(dir, "pin16.wav"), { ...opts, bits: 16 });
    const files = [
      "pin24.wav",
      "pin16.wav",
      ...readdirSync(join(dir, "pin-stems"))
        .sort()
        .map((f) => `pin-stems/${f}`),
    ];
    const hashes = Object.fromEntries(
      files
        .filter((f) => f.endsWith(".wav"))
        .map((f) => [
          f,
          createHash("sha256")
            .update(readFileSync(join(dir, f)))
            .digest("hex")
            .slice(0, 16),
        ]),
    );
    assert.deepEqual(hashes, PINNED);
  });

  it("keeps session saves atomic and versioned", async () => {
    const path = join(dir, "session.json");
    const reread = parseSession(JSON.parse(readFileSync(path, "utf8")));
    assert.deepEqual(reread, session);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith(".tmp")),
      [],
    );
  });
});
