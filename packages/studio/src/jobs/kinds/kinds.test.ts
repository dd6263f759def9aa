/**
 * The job kinds' list, and the rule that keeps workers fast: a worker imports every kind module, so what a
 * kind module imports at the top is loaded before any job runs. Only light modules may be imported there
 * (zod, Node built-ins, the studio's own small modules); the engine, the node package and kysely are
 * imported inside `run` or `record`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SubmitJobInput } from "../jobs.ts";
import { JOB_KIND_NAMES, JOB_KINDS } from "./index.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** Packages a kind module may import at the top: Node's own, zod, and two small modules (no imports). */
const ALLOWED = [
  /^node:/,
  /^zod$/,
  /^@controlroom\/engine\/mastering\/targets\.ts$/,
  /^@controlroom\/node\/session\/hash\.ts$/,
];

/** The modules `file` imports for their values (type-only imports are erased). */
function valueImports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(type\s+)?(?:([^;"]*?)\s+from\s+)?"([^"]+)";/gms)) {
    const [, typeOnly, clause, from] = m;
    if (typeOnly) continue;
    const names = /^\{([^}]*)\}$/.exec(clause?.trim() ?? "")?.[1];
    if (names?.split(",").every((n) => !n.trim() || n.trim().startsWith("type "))) continue;
    out.push(from);
  }
  return out;
}

test("every kind has a unique name, an input schema and run; the names are the list's", () => {
  assert.deepEqual(
    JOB_KIND_NAMES,
    JOB_KINDS.map((k) => k.name),
  );
  assert.equal(new Set(JOB_KIND_NAMES).size, JOB_KIND_NAMES.length);
  for (const k of JOB_KINDS) {
    assert.equal(typeof k.run, "function", k.name);
    assert.equal(typeof k.input.safeParse, "function", k.name);
  }
  // The jobs route takes exactly the kinds with a request.
  const submittable = JOB_KINDS.filter((k) => "request" in k).map((k) => k.name);
  assert.deepEqual(
    submittable.map((kind) => SubmitJobInput.safeParse({ kind, input: {} }).error?.issues[0]?.path[0]),
    submittable.map(() => "input"),
  );
  assert.equal(SubmitJobInput.safeParse({ kind: "render", input: {} }).success, false);
});

test("what a worker loads before a job runs is light: no engine, node package or kysely at the top of a kind", () => {
  const seen = new Set<string>();
  const heavy: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith(".")) visit(join(dirname(file), spec));
      else if (!ALLOWED.some((a) => a.test(spec))) heavy.push(`${relative(here, file)} imports ${spec}`);
    }
  };
  visit(join(here, "index.ts"));
  assert.ok(seen.size > 5, `followed ${seen.size} modules`);
  assert.deepEqual(heavy, [], "import these inside run/record instead");
});
