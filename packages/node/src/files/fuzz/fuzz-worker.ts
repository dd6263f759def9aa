/**
 * Worker side of a fuzz run: damages seed files case by case, writes each to a scratch file and reads it back
 * through openAudioFile. The parent watches the "start" messages: a case that never reports "done" is a hang,
 * and a worker that dies is a crash of the case it was on.
 */
import { unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { watchAllocations } from "./allocation-watch.ts";
import { checkFile } from "./check-file.ts";
import { caseSeed, mutate } from "./mutate.ts";

/** What the parent hands the worker. */
export interface FuzzWorkerData {
  seeds: { name: string; bytes: Uint8Array }[];
  runSeed: number;
  /** First case number and how many (Infinity: until terminated). */
  from: number;
  count: number;
  /** Scratch folder for the case files. */
  dir: string;
}

const data = workerData as FuzzWorkerData;
const port = parentPort;
if (!port) throw new Error("fuzz-worker runs as a worker thread");

for (let i = data.from; i < data.from + data.count; i++) {
  const seed = data.seeds[i % data.seeds.length];
  const { bytes, steps } = mutate(seed.bytes, caseSeed(data.runSeed, i));
  const path = join(data.dir, `case-${i}-${seed.name}`);
  writeFileSync(path, bytes);
  port.postMessage({ type: "start", index: i });
  // Every fourth case also seeks and reads the whole file, with every allocation watched (the costly part).
  const thorough = i % 4 === 0;
  watchAllocations(thorough);
  const outcome = await checkFile(path, bytes.length, thorough);
  unlinkSync(path);
  port.postMessage({ type: "done", index: i, outcome, steps });
}
port.postMessage({ type: "finished" });
