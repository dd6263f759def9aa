/**
 * The Node versions we promise agree everywhere: package.json `engines.node`, the README's quick start, and
 * every dependency in package-lock.json (an `npm ci` on the oldest Node we name must not warn EBADENGINE).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const lock = JSON.parse(readFileSync(`${root}package-lock.json`, "utf8"));
const readme = readFileSync(`${root}README.md`, "utf8");

type Version = [number, number, number];
type Comparator = { op: ">=" | ">" | "<" | "<=" | "="; v: Version };

function parseVersion(s: string): { v: Version; parts: number } {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(s);
  if (!m) throw new Error(`cannot read version "${s}"`);
  const num = (x: string | undefined) => (x === undefined || x === "x" || x === "*" ? null : Number(x));
  const [a, b, c] = [Number(m[1]), num(m[2]), num(m[3])];
  return { v: [a, b ?? 0, c ?? 0], parts: b === null ? 1 : c === null ? 2 : 3 };
}

/** A semver range of the forms npm packages use for engines (>=, >, <, <=, ^, ~, x-ranges, ||). */
function parseRange(range: string): Comparator[][] {
  return range.split("||").map((branch) => {
    const out: Comparator[] = [];
    const tokens = branch
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1")
      .split(/\s+/)
      .filter(Boolean);
    for (const t of tokens) {
      const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(t);
      if (!m) throw new Error(`cannot read range "${range}"`);
      const { v, parts } = parseVersion(m[2]);
      const op = m[1] ?? "";
      if (op === "^" || op === "~" || op === "" || op === "=") {
        const upper: Version =
          op === "^"
            ? v[0] > 0
              ? [v[0] + 1, 0, 0]
              : [0, v[1] + 1, 0]
            : op === "~" || parts === 2
              ? [v[0], v[1] + 1, 0]
              : parts === 1
                ? [v[0] + 1, 0, 0]
                : v;
        if (upper === v) out.push({ op: "=", v });
        else out.push({ op: ">=", v }, { op: "<", v: upper });
      } else out.push({ op: op as Comparator["op"], v });
    }
    return out;
  });
}

const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function satisfies(v: Version, range: string): boolean {
  return parseRange(range).some((branch) =>
    branch.every(({ op, v: w }) => {
      const c = cmp(v, w);
      return op === ">=" ? c >= 0 : op === ">" ? c > 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : c === 0;
    }),
  );
}

/** The oldest version each branch of our own range allows (e.g. 20.19.0 and 22.13.0). */
function oldestAllowed(range: string): Version[] {
  return parseRange(range).map((branch) => {
    const lower = branch.find((c) => c.op === ">=" || c.op === "=");
    if (!lower) throw new Error(`engines.node "${range}" has a branch without a lower bound`);
    return lower.v;
  });
}

const ours: string = pkg.engines?.node;
const show = (v: Version) => v.join(".");

test("the range reader understands the forms in the lock", () => {
  assert.ok(satisfies([20, 19, 0], "^20.19.0 || >=22.12.0"));
  assert.ok(!satisfies([20, 18, 3], "^20.19.0 || >=22.12.0"));
  assert.ok(!satisfies([21, 0, 0], "^20.19.0 || >=22.12.0"));
  assert.ok(satisfies([20, 19, 0], ">= 18"));
  assert.ok(!satisfies([20, 19, 0], ">=22"));
  assert.ok(satisfies([20, 19, 0], "20.x || >=22"));
  assert.ok(satisfies([20, 19, 0], ">=14.21.3"));
});

test("package.json declares the Node versions, and this Node is one of them", () => {
  assert.ok(ours, "package.json has engines.node");
  const here = parseVersion(process.versions.node).v;
  assert.ok(satisfies(here, ours), `running Node ${process.versions.node}, engines.node says ${ours}`);
});

test("every dependency in package-lock.json runs on the oldest Node versions we declare", () => {
  const bad: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages as Record<string, Record<string, unknown>>)) {
    const range = (entry.engines as { node?: string } | undefined)?.node;
    if (!path || !range) continue;
    // Platform builds for other systems are skipped by npm, not warned about.
    if (entry.optional && (entry.os || entry.cpu)) continue;
    for (const v of oldestAllowed(ours))
      if (!satisfies(v, range)) bad.push(`${path}@${entry.version} needs node ${range}, not ${show(v)}`);
  }
  assert.deepEqual(bad, []);
});

test("the README's quick start names the same Node versions", () => {
  const versions = oldestAllowed(ours).map((v) => (v[2] === 0 ? `${v[0]}.${v[1]}` : show(v)));
  const line = readme.split("\n").find((l) => /Node\.js \d/.test(l)) ?? "";
  for (const v of versions) assert.ok(line.includes(`${v}+`), `README says "${line.trim()}", expected ${v}+`);
});
