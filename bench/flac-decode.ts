/**
 * node --import tsx bench/flac-decode.ts [passes] — the TypeScript FLAC frame decoder alone on the corpus's
 * song1 stems (seven 64 s, 48 kHz, 24-bit files), fed in 256 KB pushes as DecodedReader feeds it. Each pass
 * decodes all seven files with fresh decoders; the first pass is the cold one (what a cold render pays: the
 * code is interpreted, then optimised). Prints per pass the process CPU seconds (all threads: the optimising
 * compiler runs on its own) and samples per CPU second; then (untimed) a sha256 of every decoded float, to
 * check that a change to the decoder keeps the samples. Asserts nothing. `CONTROLROOM_CORPUS=<folder>` points it elsewhere.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STEP_OUTPUT_BYTES } from "../packages/node/src/files/decoded-reader.ts";
import { FileSource } from "../packages/node/src/files/file-source.ts";
import { FlacFrameDecoder, type FlacStreamShape } from "../packages/node/src/files/flac-decoder.ts";
import { readFlacHeader } from "../packages/node/src/files/flac-header.ts";
import { CORPUS, hasCorpus, NO_CORPUS } from "../scripts/test-corpus.ts";

if (!hasCorpus()) {
  console.error(`bench/flac-decode.ts ${NO_CORPUS}`);
  process.exit(1);
}
const passes = Math.max(1, Number(process.argv[2] ?? 3));
const dir = join(CORPUS, "song1");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".flac"))
  .sort()
  .map((f) => join(dir, f));
const bytes = files.map((f) => new Uint8Array(readFileSync(f)));
const shapes: FlacStreamShape[] = [];
for (const f of files) {
  const src = await FileSource.open(f);
  const h = await readFlacHeader(src);
  await src.close();
  shapes.push({ sampleRate: h.sampleRate, channels: h.channels, bitDepth: h.bitDepth });
}

const PUSH = 256 * 1024;
const NO_BYTES = new Uint8Array(0);

/** Decodes every file once with fresh decoders; returns the sample count (per channel, summed). */
function decodeAll(hash: ReturnType<typeof createHash> | null): number {
  let samples = 0;
  for (let k = 0; k < files.length; k++) {
    const d = new FlacFrameDecoder(shapes[k], { wasm: process.env.WASM !== "0" });
    const b = bytes[k];
    // A step's output as DecodedReader asks for it (STEP_OUTPUT_BYTES).
    const maxFrames = Math.floor(STEP_OUTPUT_BYTES / (4 * shapes[k].channels));
    for (let at = 0; at <= b.length; at += PUSH) {
      let r = at < b.length ? d.push(b.subarray(at, at + PUSH), maxFrames) : d.end();
      for (;;) {
        if (r.rest) throw new Error(`${files[k]}: the frame decoder handed bytes over to libFLAC`);
        for (const c of r.channels) {
          samples += c.length;
          hash?.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        }
        if (!r.more) break;
        r = d.push(NO_BYTES, maxFrames);
      }
    }
  }
  return samples;
}

for (let pass = 1; pass <= passes; pass++) {
  const cpu0 = process.cpuUsage();
  const samples = decodeAll(null);
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  const label = `pass ${pass}${pass === 1 ? " (cold)" : ""}`;
  console.log(`${label}: ${cpu.toFixed(3)} CPU-s, ${(samples / cpu / 1e6).toFixed(1)} M samples/CPU-s`);
}
// The check runs after the timed passes, so that hashing is not timed and the first pass stays cold.
const hash = createHash("sha256");
decodeAll(hash);
console.log(`sha256 of the decoded floats: ${hash.digest("hex")}`);
