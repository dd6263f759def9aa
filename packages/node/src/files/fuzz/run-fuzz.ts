/**
 * A fuzz run over the file readers: a worker thread reads damaged copies of the seed files, and this side
 * watches it. A case still running after `caseTimeoutMs` is a hang; a worker that dies (out of memory, an
 * exception nothing caught) is a crash of its current case. Either way the worker is replaced and the run goes
 * on with the next case. Every crash comes back with its bytes, regenerated from the case number.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../workers/worker-entry.ts";
import type { ReadOutcome } from "./check-file.ts";
import type { FuzzWorkerData } from "./fuzz-worker.ts";
import { caseSeed, mutate } from "./mutate.ts";

/** A valid file to damage: its name (the extension matters to nobody but the report) and bytes. */
export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
}

/** A case that crashed or hung, with what it was made from and its bytes. */
export interface FuzzCrash {
  index: number;
  seed: string;
  steps: string[];
  reason: string;
  bytes: Uint8Array;
}

/** Counts of a finished run. */
export interface FuzzSummary {
  cases: number;
  reads: number;
  errors: number;
  crashes: FuzzCrash[];
  /** The errors' messages with how often each came (numbers replaced by #), most frequent first. */
  messages: [string, number][];
}

/** What to run. */
export interface FuzzOptions {
  seeds: FuzzSeed[];
  /** Run seed: the same seed and files give the same cases. */
  runSeed: number;
  /** Number of cases, or … */
  cases?: number;
  /** … run until this time (ms since the epoch). */
  until?: number;
  /** A case running longer than this is a hang (default 30 s: far beyond any real read of a small file). */
  caseTimeoutMs?: number;
  /** Called for each crash as it is found. */
  onCrash?: (c: FuzzCrash) => void;
  /** Called every `progressEvery` cases. */
  onProgress?: (s: FuzzSummary) => void;
  progressEvery?: number;
}

/** Runs a fuzz campaign; resolves when the cases are done or the time is up. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  if (o.seeds.length === 0) throw new RangeError("runFuzz: no seed files");
  if (o.cases === undefined && o.until === undefined) throw new RangeError("runFuzz: give cases or until");
  const timeout = o.caseTimeoutMs ?? 30_000;
  const end = o.cases ?? Number.POSITIVE_INFINITY;
  const dir = mkdtempSync(join(tmpdir(), "controlroom-fuzz-"));
  const summary: FuzzSummary = { cases: 0, reads: 0, errors: 0, crashes: [], messages: [] };
  const messages = new Map<string, number>();
  const crash = (index: number, reason: string, steps?: string[]) => {
    const seed = o.seeds[index % o.seeds.length];
    const m = mutate(seed.bytes, caseSeed(o.runSeed, index));
    const c = { index, seed: seed.name, steps: steps ?? m.steps, reason, bytes: m.bytes };
    summary.crashes.push(c);
    o.onCrash?.(c);
  };
  let next = 0;
  try {
    while (next < end && (o.until === undefined || Date.now() < o.until)) {
      // One worker runs cases from `next` until it finishes, the time is up, or a case kills or hangs it.
      next = await new Promise<number>((resolve) => {
        const count = Number.isFinite(end) ? end - next : 1_000_000_000;
        const data: FuzzWorkerData = { seeds: o.seeds, runSeed: o.runSeed, from: next, count, dir };
        const w: Worker = startWorker(new URL("./fuzz-worker.ts", import.meta.url), "fuzz-worker", {
          workerData: data,
          resourceLimits: { maxOldGenerationSizeMb: 512 },
          stdout: true,
          stderr: true,
        });
        w.stdout.resume(); // decoders print to the console; not our output
        w.stderr.resume();
        let current = next;
        let startedAt = Date.now();
        let settled = false;
        const finish = (resume: number) => {
          if (settled) return;
          settled = true;
          clearInterval(watch);
          void w.terminate();
          resolve(resume);
        };
        const watch = setInterval(() => {
          if (Date.now() - startedAt > timeout) {
            crash(current, `hang: still reading after ${timeout / 1000} s`);
            summary.cases++;
            finish(current + 1);
          } else if (o.until !== undefined && Date.now() >= o.until) finish(current);
        }, 100);
        w.on("message", (m: { type: string; index: number; outcome: ReadOutcome; steps: string[] }) => {
          if (m.type === "start") {
            current = m.index;
            startedAt = Date.now();
          } else if (m.type === "done") {
            summary.cases++;
            if (m.outcome.kind === "read") summary.reads++;
            else if (m.outcome.kind === "error") {
              summary.errors++;
              const key = m.outcome.message.replace(/\d+/g, "#");
              messages.set(key, (messages.get(key) ?? 0) + 1);
            } else crash(m.index, m.outcome.reason, m.steps);
            current = m.index + 1;
            if (o.progressEvery && summary.cases % o.progressEvery === 0) o.onProgress?.(summary);
          } else if (m.type === "finished") finish(current);
        });
        w.on("error", (e) => {
          crash(current, `worker died: ${e.name}: ${e.message.split("\n")[0]}`);
          summary.cases++;
          finish(current + 1);
        });
        w.on("exit", (code) => {
          if (settled) return;
          crash(current, `worker exited (code ${code}) in the middle of the case`);
          summary.cases++;
          finish(current + 1);
        });
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  summary.messages = [...messages].sort((a, b) => b[1] - a[1]);
  return summary;
}
