/**
 * The soak test's traffic (`npm run bench:soak`, and a short run in soak.test.ts): against a studio server
 * over HTTP, a new producer sets up a project with a song, a mix version and a saved session, then
 * `concurrency` clients mix reading the dashboard and the comments, posting comments and uploading files (each
 * made a version), with a render and a master now and then, until `seconds` have passed. Every response
 * must be a success; at the end every posted comment and every upload must be stored exactly once, and every
 * job must finish. The server's resident memory is sampled from /proc while it runs.
 */
import { readFileSync } from "node:fs";
import { pcm16MonoWav } from "../testing/pcm-wav.ts";

/** What to run. */
export interface SoakOptions {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** How long to send traffic, seconds. */
  seconds: number;
  /** Clients sending at once (default 8). */
  concurrency?: number;
  /** The server's process id, to sample its resident memory (omitted: not sampled). */
  serverPid?: number;
  /** Start a render every this many seconds (default 60; the first at once). */
  renderEverySeconds?: number;
  /** Start a master every this many seconds (default 90; the first at once). */
  masterEverySeconds?: number;
  /** Progress lines (default none). */
  log?: (line: string) => void;
}

/** Latency of one kind of request. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** What a soak run measured. */
export interface SoakResult {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  byKind: Record<string, LatencySummary>;
  errors: number;
  /** The first few errors, as `kind: status message`. */
  errorSamples: string[];
  /** Resident memory of the server, MB: first sample, last, the largest, and every sample (time s, MB). */
  rss: { startMb: number; endMb: number; maxMb: number; samples: [number, number][] } | null;
  comments: { posted: number; storedOnce: number; missing: number; duplicated: number };
  uploads: { posted: number; storedOnce: number; missing: number; duplicated: number };
  jobs: { started: number; done: number; notDone: string[] };
}

/** A mono 16-bit WAV of `frames` samples at 48 kHz, its content set by `seed` (so each upload is new bytes). */
export function soakWav(seed: number, frames = 24000): Buffer {
  const f = 200 + (seed % 1000);
  return pcm16MonoWav(frames, 48000, (i) =>
    Math.round(6000 * Math.sin((2 * Math.PI * f * i) / 48000) + (seed % 7)),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs the traffic; never throws for a failed request (it is counted), only for a failed setup. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const concurrency = o.concurrency ?? 8;
  const log = o.log ?? (() => {});
  const latencies = new Map<string, number[]>();
  const errorSamples: string[] = [];
  let errors = 0;
  let token = "";

  /** One request, timed and checked; returns the parsed body, or undefined when it failed. */
  const call = async (kind: string, method: string, path: string, body?: unknown, raw?: FormData) => {
    const t0 = performance.now();
    try {
      const r = await fetch(`${o.baseUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await r.text();
      const ms = performance.now() - t0;
      if (!latencies.has(kind)) latencies.set(kind, []);
      latencies.get(kind)?.push(ms);
      if (r.status >= 400) {
        errors++;
        if (errorSamples.length < 10) errorSamples.push(`${kind}: ${r.status} ${text.slice(0, 200)}`);
        return undefined;
      }
      return text ? JSON.parse(text) : {};
    } catch (e) {
      errors++;
      if (errorSamples.length < 10) errorSamples.push(`${kind}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const setup = async (what: string, method: string, path: string, body?: unknown, raw?: FormData) => {
    const r = await call("setup", method, path, body, raw);
    if (!r) throw new Error(`soak setup: ${what} failed: ${errorSamples.at(-1)}`);
    return r;
  };
  const uploadForm = (wav: Buffer, name: string) => {
    const f = new FormData();
    f.append("file", new Blob([new Uint8Array(wav)], { type: "audio/wav" }), name);
    return f;
  };

  // Setup: a producer, a project, a song with a mix version, a session over that file.
  const email = `soak.${Date.now().toString(36)}.${process.pid}@example.com`;
  const password = "soak test password";
  await setup("register", "POST", "/api/auth/register", { email, name: "Soak Producer", password });
  token = (await setup("login", "POST", "/api/auth/login", { email, password, kind: "token" })).token;
  const ws = await setup("workspace", "POST", "/api/workspaces", { name: "Soak" });
  const project = await setup("project", "POST", `/api/workspaces/${ws.id}/projects`, {
    title: "Soak record",
    kind: "album",
  });
  const song = await setup("song", "POST", `/api/projects/${project.id}/songs`, { title: "Soak song" });
  const mixWav = soakWav(0, 48000 * 4);
  const mixBlob = await setup(
    "upload",
    "POST",
    `/api/projects/${project.id}/uploads`,
    undefined,
    uploadForm(mixWav, "mix.wav"),
  );
  const version = await setup("version", "POST", `/api/songs/${song.id}/versions`, {
    kind: "mix",
    blobSha256: mixBlob.sha256,
    label: "soak mix",
  });
  await setup("session", "PUT", `/api/songs/${song.id}/session`, {
    version: 0,
    session: {
      version: 2,
      sampleRate: 48000,
      audio: {
        mix: { sha256: mixBlob.sha256, path: "mix.wav", sampleRate: 48000, channels: 1, frames: 48000 * 4 },
      },
      tracks: [{ id: "mix", takes: [{ id: "t", clips: [{ audio: "mix", start: 0, length: 4 }] }] }],
    },
  });

  // Traffic.
  const postedComments: string[] = [];
  const postedUploads: { label: string; sha256: string }[] = [];
  const jobIds: string[] = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const samples: [number, number][] = [];
  const sample = () => {
    const mb = o.serverPid ? rssMb(o.serverPid) : null;
    if (mb !== null) samples.push([Math.round(elapsed()), Math.round(mb)]);
  };
  sample();
  const sampler = setInterval(sample, Math.max(1000, (o.seconds * 1000) / 60));
  let nextRender = 0;
  let nextMaster = 0;
  let n = 0;
  let lastLog = 0;
  const client = async () => {
    while (elapsed() < o.seconds) {
      const i = n++;
      if (elapsed() >= nextRender) {
        nextRender += o.renderEverySeconds ?? 60;
        const j = await call("render", "POST", `/api/songs/${song.id}/renders`, {});
        if (j) jobIds.push(j.id);
        continue;
      }
      if (elapsed() >= nextMaster) {
        nextMaster += o.masterEverySeconds ?? 90;
        const j = await call("master", "POST", `/api/versions/${version.id}/master`, {
          target: "spotify",
          maxLimitingDb: 20,
        });
        if (j) jobIds.push(j.id);
        continue;
      }
      const pick = i % 20;
      if (pick < 11) await call("dashboard", "GET", `/api/projects/${project.id}/dashboard`);
      else if (pick < 14) await call("comments", "GET", `/api/versions/${version.id}/comments`);
      else if (pick < 18) {
        const body = `soak comment ${i}`;
        if (await call("comment", "POST", `/api/versions/${version.id}/comments`, { body, atSeconds: i % 4 }))
          postedComments.push(body);
      } else {
        const up = await call(
          "upload",
          "POST",
          `/api/projects/${project.id}/uploads`,
          undefined,
          uploadForm(soakWav(i + 1), `u${i}.wav`),
        );
        if (up) {
          const label = `soak upload ${i}`;
          if (
            await call("version", "POST", `/api/songs/${song.id}/versions`, {
              kind: "mix",
              blobSha256: up.sha256,
              label,
            })
          )
            postedUploads.push({ label, sha256: up.sha256 });
        }
      }
      if (elapsed() - lastLog >= 10) {
        lastLog = elapsed();
        log(
          `  ${Math.round(elapsed())} s: ${n} requests, ${errors} errors, ${samples.at(-1)?.[1] ?? "?"} MB`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = elapsed();
  clearInterval(sampler);
  sample();

  // Jobs finish; then count what was stored.
  const notDone: string[] = [];
  let done = 0;
  for (const id of jobIds) {
    for (;;) {
      const j = await call("job", "GET", `/api/jobs/${id}`);
      if (j && (j.status === "queued" || j.status === "running")) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (j?.status === "done") done++;
      else notDone.push(`${id}: ${j?.status} ${j?.error ?? ""}`);
      break;
    }
  }
  const comments = (await call("final", "GET", `/api/versions/${version.id}/comments`)) as { body: string }[];
  const versions = (await call("final", "GET", `/api/songs/${song.id}/versions`)) as {
    label: string;
    blobSha256: string;
  }[];
  const tally = <T>(posted: T[], stored: T[]) => {
    const count = new Map<T, number>();
    for (const s of stored) count.set(s, (count.get(s) ?? 0) + 1);
    return {
      posted: posted.length,
      storedOnce: posted.filter((p) => count.get(p) === 1).length,
      missing: posted.filter((p) => !count.get(p)).length,
      duplicated: posted.filter((p) => (count.get(p) ?? 0) > 1).length,
    };
  };
  const all = [...latencies.entries()].filter(([k]) => k !== "setup" && k !== "final" && k !== "job");
  const every = all.flatMap(([, v]) => v).sort((a, b) => a - b);
  const byKind: Record<string, LatencySummary> = {};
  for (const [k, v] of all) {
    const s = [...v].sort((a, b) => a - b);
    byKind[k] = { count: s.length, p50Ms: percentile(s, 50), p99Ms: percentile(s, 99) };
  }
  return {
    seconds,
    requests: every.length,
    requestsPerSecond: every.length / seconds,
    p50Ms: percentile(every, 50),
    p99Ms: percentile(every, 99),
    byKind,
    errors,
    errorSamples,
    rss: samples.length
      ? {
          startMb: samples[0][1],
          endMb: samples[samples.length - 1][1],
          maxMb: Math.max(...samples.map((s) => s[1])),
          samples,
        }
      : null,
    comments: tally(
      postedComments,
      (comments ?? []).map((c) => c.body),
    ),
    uploads: tally(
      postedUploads.map((u) => `${u.label} ${u.sha256}`),
      (versions ?? []).map((v) => `${v.label} ${v.blobSha256}`),
    ),
    jobs: { started: jobIds.length, done, notDone },
  };
}
