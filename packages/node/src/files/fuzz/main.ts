/**
 * `npm run fuzz -- --minutes N [--seed S]`: fuzzes the file readers for N minutes (default 5) and keeps every
 * crash or hang as a regression file in packages/node/src/files/fuzz-regressions/ (named after its seed file and
 * content hash), which `npm test` then replays. Exits 1 when anything was found.
 */
import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runFuzz } from "./run-fuzz.ts";
import { makeSeeds } from "./seeds.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    seed: { type: "string" },
    "timeout-seconds": { type: "string", default: "30" },
  },
});
const minutes = Number(values.minutes);
const runSeed = values.seed === undefined ? (Date.now() >>> 0) % 1_000_000 : Number(values.seed);
const timeout = Number(values["timeout-seconds"]);
if (!(minutes > 0) || !Number.isInteger(runSeed) || !(timeout > 0)) {
  console.error("usage: npm run fuzz -- [--minutes N] [--seed S] [--timeout-seconds T]");
  process.exit(2);
}

const regressions = new URL("../fuzz-regressions/", import.meta.url);
const started = Date.now();
console.log(`fuzzing the file readers for ${minutes} min, seed ${runSeed}`);
const seeds = makeSeeds();
const summary = await runFuzz({
  seeds,
  runSeed,
  until: started + minutes * 60_000,
  caseTimeoutMs: timeout * 1000,
  progressEvery: 1000,
  onProgress: (s) =>
    console.log(`  ${s.cases} cases: ${s.reads} read, ${s.errors} refused, ${s.crashes.length} crashes`),
  onCrash: (c) => {
    const ext = c.seed.slice(c.seed.lastIndexOf("."));
    const hash = createHash("sha256").update(c.bytes).digest("hex").slice(0, 10);
    const file = new URL(`${c.seed.slice(0, -ext.length)}-${hash}${ext}`, regressions);
    if (!existsSync(file)) writeFileSync(file, c.bytes);
    console.log(
      `  CRASH case ${c.index} (${c.seed}: ${c.steps.join("; ")}): ${c.reason}\n    kept as ${file.pathname}`,
    );
  },
});
const secs = (Date.now() - started) / 1000;
console.log(
  `${summary.cases} cases in ${secs.toFixed(0)} s (${(summary.cases / secs).toFixed(0)}/s): ${summary.reads} read, ` +
    `${summary.errors} refused with a clear error, ${summary.crashes.length} crashes or hangs`,
);
console.log("most frequent refusals:");
for (const [m, n] of summary.messages.slice(0, 12)) console.log(`  ${String(n).padStart(6)}  ${m}`);
process.exitCode = summary.crashes.length > 0 ? 1 : 0;
