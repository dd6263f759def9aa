/**
 * node --import tsx bench/flac-decode.ts [rounds] [passes] — the FLAC frame decoder alone on the corpus's song1
 * stems (seven 64 s, 48 kHz, 24-bit files), fed in 256 KB pushes with DecodedReader's step size, with the
 * subframes decoded in WebAssembly (flac-subframe-kernel.ts) and by the TypeScript path, next to libFLAC's
 * `flac -d` on the same files. Each round runs, in turn, a fresh process per decoder (its first pass is the
 * cold one a render pays: code interpreted, then optimised, the kernel generated and compiled; then `passes`
 * − 1 warm ones) and `flac -d` once per file. Prints a table of medians over the rounds in CPU ms (user + sys,
 * all threads: the optimising compilers run on their own), and checks that both decoders give the same floats
 * (sha256). Asserts nothing. `CONTROLROOM_CORPUS=<folder>` points it elsewhere.
 */
import { execFileSync, spawnSync } from "node:child_process";
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
const dir = join(CORPUS, "song1");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".flac"))
  .sort()
  .map((f) => join(dir, f));
const PUSH = 256 * 1024;
const NO_BYTES = new Uint8Array(0);

/** In a child: decodes every file `passes` times with fresh decoders; prints JSON {cpu: [ms per pass], sha}. */
async function child(wasm: boolean, passes: number): Promise<void> {
  const bytes = files.map((f) => new Uint8Array(readFileSync(f)));
  const shapes: FlacStreamShape[] = [];
  for (const f of files) {
    const src = await FileSource.open(f);
    const h = await readFlacHeader(src);
    await src.close();
    shapes.push({ sampleRate: h.sampleRate, channels: h.channels, bitDepth: h.bitDepth });
  }
  const decodeAll = (hash: ReturnType<typeof createHash> | null) => {
    for (let k = 0; k < files.length; k++) {
      const d = new FlacFrameDecoder(shapes[k], { wasm });
      const b = bytes[k];
      const maxFrames = Math.floor(STEP_OUTPUT_BYTES / (4 * shapes[k].channels));
      for (let at = 0; at <= b.length; at += PUSH) {
        let r = at < b.length ? d.push(b.subarray(at, at + PUSH), maxFrames) : d.end();
        for (;;) {
          if (r.rest) throw new Error(`${files[k]}: the frame decoder handed bytes over to libFLAC`);
          if (hash)
            for (const c of r.channels) hash.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
          if (!r.more) break;
          r = d.push(NO_BYTES, maxFrames);
        }
      }
    }
  };
  const cpu: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const t = process.cpuUsage();
    decodeAll(null);
    const u = process.cpuUsage(t);
    cpu.push((u.user + u.system) / 1000);
  }
  // Hashing after the timed passes, so that the first pass stays cold.
  const hash = createHash("sha256");
  decodeAll(hash);
  console.log(JSON.stringify({ cpu, sha: hash.digest("hex") }));
}

/** `flac -d` of every file to nowhere: CPU ms (user + sys, from /usr/bin/time). */
function libflac(): number {
  let ms = 0;
  for (const f of files) {
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S", "flac", "-d", "-s", "-c", f], {
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
    });
    const [u, s] = r.stderr.trim().split("\n").pop()?.split(" ").map(Number) ?? [Number.NaN, Number.NaN];
    ms += (u + s) * 1000;
  }
  return ms;
}

const median = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (process.argv[2] === "--child") {
  await child(process.argv[3] === "wasm", Number(process.argv[4]));
} else {
  const rounds = Math.max(1, Number(process.argv[2] ?? 4));
  const passes = Math.max(2, Number(process.argv[3] ?? 3));
  const modes = ["wasm", "ts"] as const;
  const cold: Record<string, number[]> = { wasm: [], ts: [] };
  const warm: Record<string, number[]> = { wasm: [], ts: [] };
  const shas: Record<string, Set<string>> = { wasm: new Set(), ts: new Set() };
  const lib: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 ? [...modes].reverse() : modes) {
      const out = execFileSync(
        process.execPath,
        ["--import", "tsx", new URL(import.meta.url).pathname, "--child", mode, String(passes)],
        { encoding: "utf8" },
      );
      const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { cpu: number[]; sha: string };
      cold[mode].push(r.cpu[0]);
      warm[mode].push(median(r.cpu.slice(1)));
      shas[mode].add(r.sha);
    }
    lib.push(libflac());
  }
  const samples = 8 * 64 * 48000; // 6 mono stems and a stereo one
  const row = (name: string, c: number, w: number) =>
    `${name.padEnd(24)} ${c.toFixed(0).padStart(8)} ${w.toFixed(0).padStart(8)} ${(samples / w / 1000).toFixed(0).padStart(10)}`;
  console.log(`song1 stems, ${rounds} rounds, medians (CPU ms)`);
  console.log(
    `${"decoder".padEnd(24)} ${"cold".padStart(8)} ${"warm".padStart(8)} ${"Msamples/s".padStart(10)}`,
  );
  console.log(row("WebAssembly kernel", median(cold.wasm), median(warm.wasm)));
  console.log(row("TypeScript path", median(cold.ts), median(warm.ts)));
  console.log(row("flac -d (libFLAC)", median(lib), median(lib)));
  const same = shas.wasm.size === 1 && shas.ts.size === 1 && [...shas.wasm][0] === [...shas.ts][0];
  console.log(same ? `same floats (sha256 ${[...shas.wasm][0].slice(0, 16)}…)` : "FLOATS DIFFER");
}
