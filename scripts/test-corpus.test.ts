/**
 * Keeps `npm test` passing on a fresh clone (no `../shared` beside it): every test reaches the corpus through
 * scripts/test-corpus.ts, which knows whether it is there and gives the one skip message. A test that builds
 * the corpus path itself would crash or fail where the corpus is absent, so it is named here. (CI also runs
 * the tests that use the corpus with `CONTROLROOM_CORPUS=none`, which catches a read without a guard.)
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CORPUS, corpusPath, hasCorpus, NO_CORPUS, skipWithoutCorpus } from "./test-corpus.ts";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** Every TypeScript file under the folders tests live in (test files and their helpers). */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name.startsWith(".") || name === "dist") continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs)$/.test(name)) out.push(p);
    }
  };
  for (const pkg of readdirSync(join(root, "packages")))
    for (const folder of ["src", "app", "e2e"]) {
      const dir = join(root, "packages", pkg, folder);
      try {
        statSync(dir);
      } catch {
        continue;
      }
      walk(dir);
    }
  walk(join(root, "scripts"));
  return out;
}

/** Ways of spelling the corpus's location: `../shared/corpus`, `"shared", "corpus"`, `"../shared"`. */
const CORPUS_LOCATION =
  /shared[/\\]corpus|["'`]shared["'`]\s*,\s*["'`]corpus["'`]|["'`](\.\.\/)+shared\/?["'`]/;

test("no test reaches ../shared/corpus except through scripts/test-corpus.ts", () => {
  const helper = fileURLToPath(new URL("./test-corpus.ts", import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const offenders = sources().filter(
    (f) =>
      f !== helper &&
      f !== self &&
      CORPUS_LOCATION.test(readFileSync(f, "utf8").replace(/^\s*(\*|\/\/).*$/gm, "")),
  );
  assert.deepEqual(
    offenders.map((f) => relative(root, f)),
    [],
    "use corpusPath()/hasCorpus()/skipWithoutCorpus() from scripts/test-corpus.ts (or files/test-support.ts)",
  );
});

test("the scan recognises the usual spellings of the corpus location", () => {
  for (const s of [
    'resolve(ROOT, "../shared/corpus")',
    'new URL("../../../../../shared/corpus/", import.meta.url)',
    'join(repoRoot, "..", "shared", "corpus")',
    'resolve(here, "../../../../..", "../shared")',
  ])
    assert.ok(CORPUS_LOCATION.test(s), s);
  assert.ok(!CORPUS_LOCATION.test('import { corpusPath } from "../files/test-support.ts"'));
});

test("CONTROLROOM_CORPUS=none hides the corpus: every helper says so with the one message", () => {
  // This process was started with whatever CONTROLROOM_CORPUS the run has; check the helper's answers agree.
  assert.equal(corpusPath("takes", "x.flac"), join(CORPUS, "takes", "x.flac"));
  if (hasCorpus()) assert.equal(skipWithoutCorpus(), false);
  else assert.equal(skipWithoutCorpus(), NO_CORPUS);
  assert.equal(skipWithoutCorpus("no", "such", "file.flac"), NO_CORPUS);
});
