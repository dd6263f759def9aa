/**
 * The one way a test reaches the shared test corpus (real multitrack material and problem takes with ground
 * truth, `../shared/corpus` beside the repository; see its README). A fresh clone has no corpus: tests that
 * need it either synthesise their material when it is absent or skip with {@link NO_CORPUS}, the same message
 * everywhere. `scripts/test-corpus.test.ts` fails when a test reaches the corpus any other way.
 *
 * `CONTROLROOM_CORPUS=<folder>` points the tests at another copy; `CONTROLROOM_CORPUS=none` hides it, so that
 * `CONTROLROOM_CORPUS=none npm test` runs the suite as on a fresh clone (CI does that for the tests that use it).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** The corpus folder (it may not exist: check with {@link hasCorpus}). */
export const CORPUS =
  process.env.CONTROLROOM_CORPUS === "none"
    ? join(repoRoot, ".no-corpus")
    : resolve(process.env.CONTROLROOM_CORPUS ?? join(repoRoot, "..", "shared", "corpus"));

/** The skip message of every test that needs the corpus when it is not there. */
export const NO_CORPUS = "needs the test corpus (../shared/corpus beside the repository), which is not there";

/** A path inside the corpus, e.g. `corpusPath("takes", "clean-vox.flac")`. */
export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

/** True when the corpus (or the given file in it) is there. */
export function hasCorpus(...parts: string[]): boolean {
  return existsSync(join(CORPUS, ...(parts.length ? parts : ["README.md"])));
}

/**
 * The `skip` option of a test that needs the corpus (or the given file in it): `false` when it is there,
 * else {@link NO_CORPUS}. `test("…", { skip: skipWithoutCorpus("takes", "vox-dc.flac") }, …)`.
 */
export function skipWithoutCorpus(...parts: string[]): false | string {
  return hasCorpus(...parts) ? false : NO_CORPUS;
}
