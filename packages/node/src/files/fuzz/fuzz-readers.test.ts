/**
 * The file readers against damaged files: a bounded fuzz run (the long one is `npm run fuzz -- --minutes N`)
 * and a replay of every crash ever found (fuzz-regressions/). Each file must be read or refused with one clear
 * AudioFileError naming it; never another exception, a hang, or memory the file's size does not justify.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempFolder } from "../test-support.ts";
import { takePeakAllocation, watchAllocations } from "./allocation-watch.ts";
import { checkFile } from "./check-file.ts";
import { caseSeed, mutate, sizeFields } from "./mutate.ts";
import { runFuzz } from "./run-fuzz.ts";
import { makeSeeds } from "./seeds.ts";

const tmp = tempFolder("fuzz-test");
after(() => tmp.remove());
const REGRESSIONS = fileURLToPath(new URL("../fuzz-regressions/", import.meta.url));
const seeds = makeSeeds();

describe("mutations", () => {
  test("are deterministic per case and damage the file", () => {
    const seed = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7) & 0xff);
    seed.set(new TextEncoder().encode("RIFF\xd0\x07\0\0WAVEfmt "), 0);
    for (let i = 0; i < 50; i++) {
      const a = mutate(seed, caseSeed(7, i));
      const b = mutate(seed, caseSeed(7, i));
      assert.deepEqual(a.bytes, b.bytes);
      assert.deepEqual(a.steps, b.steps);
      assert.ok(a.steps.length >= 1);
    }
    assert.notDeepEqual(mutate(seed, caseSeed(7, 1)).bytes, mutate(seed, caseSeed(7, 2)).bytes);
  });

  test("find the size fields of each container", () => {
    for (const s of seeds) {
      const fields = sizeFields(s.bytes);
      if (s.name.endsWith(".mp3") && !s.name.includes("stereo")) continue; // no ID3 tag, no container
      assert.ok(fields.length >= 2, `${s.name}: ${fields.length} size fields`);
    }
  });
});

describe("fuzzing the readers", () => {
  test("every seed file reads cleanly before it is damaged", async () => {
    for (const s of seeds) {
      const path = tmp.path(s.name);
      writeFileSync(path, s.bytes);
      const r = await checkFile(path, s.bytes.length);
      if (s.name.endsWith(".aiff"))
        assert.equal(r.kind, "error", s.name); // recognised, refused clearly
      else assert.equal(r.kind, "read", `${s.name}: ${JSON.stringify(r)}`);
    }
  });

  test("2000 damaged WAV/RF64/FLAC/MP3/Ogg/AIFF files: each read or refused clearly", async (t) => {
    const summary = await runFuzz({ seeds, runSeed: 20261207, cases: 2000 });
    t.diagnostic(
      `${summary.cases} cases: ${summary.reads} read, ${summary.errors} refused, ${summary.crashes.length} crashes`,
    );
    for (const [m, n] of summary.messages.slice(0, 8)) t.diagnostic(`  ${n} × ${m}`);
    const crashes = summary.crashes.map((c) => {
      const f = tmp.path(`crash-${c.index}-${c.seed}`);
      writeFileSync(f, c.bytes);
      return `case ${c.index} (${c.seed}: ${c.steps.join("; ")}): ${c.reason} — bytes in ${f}`;
    });
    assert.deepEqual(crashes, [], "fix the reader, and keep the file in src/files/fuzz-regressions/");
    assert.equal(summary.cases, 2000);
    // The damage is neither too mild (everything reads) nor too harsh (nothing does).
    assert.ok(
      summary.reads > 200 && summary.errors > 200,
      `${summary.reads} read, ${summary.errors} refused`,
    );
  });
});

describe("fuzz regressions: every file that once crashed a reader", () => {
  watchAllocations();
  const files = readdirSync(REGRESSIONS).filter((f) => !f.endsWith(".md"));
  test("the folder holds the kept cases", () => assert.ok(files.length > 0));
  for (const name of files) {
    test(name, async () => {
      const path = join(REGRESSIONS, name);
      takePeakAllocation();
      const r = await checkFile(path, statSync(path).size);
      assert.notEqual(r.kind, "crash", `${name}: ${JSON.stringify(r)}`);
      // A regression file must stay small enough to keep in the repository.
      assert.ok(readFileSync(path).length <= 64 * 1024, `${name} is larger than 64 KB`);
    });
  }
});
