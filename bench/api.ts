/**
 * API benchmark: `npm run bench:api [-- --songs N --comments N --seconds S]`. For PGlite and PostgreSQL it
 * starts the studio server in a child process on 127.0.0.1 with 10 000 songs and 100 000 comments, then
 * drives it with autocannon: reading the project dashboard (as fast as possible, and at a fixed 500 req/s)
 * and posting comments. Prints requests per second and p50/p99 latency.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { repoRoot } from "./lib.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const songs = arg("songs", 10000);
const comments = arg("comments", 100000);
const seconds = arg("seconds", 10);
const only = process.argv.includes("--pglite")
  ? ["pglite"]
  : process.argv.includes("--postgres")
    ? ["postgres"]
    : ["pglite", "postgres"];

interface Row {
  database: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function run(
  url: string,
  token: string,
  opts: Partial<autocannon.Options>,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: 10,
    duration: seconds,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...opts,
  });
}

const rows: Row[] = [];
for (const db of only) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      `${repoRoot}/packages/server/src/bench/bench-server.ts`,
      db,
      String(songs),
      String(comments),
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const info = JSON.parse(line) as {
    port: number;
    token: string;
    projectId: string;
    versionId: string;
    seedSeconds: number;
  };
  console.error(`${db}: seeded ${songs} songs and ${comments} comments in ${info.seedSeconds.toFixed(1)} s`);
  const base = `http://127.0.0.1:${info.port}`;
  const dash = `${base}/api/projects/${info.projectId}/dashboard`;
  await run(dash, info.token, { duration: 2 }); // warm-up
  const add = (scenario: string, r: autocannon.Result) =>
    rows.push({
      database: db,
      scenario,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      non2xx: r.non2xx,
    });
  add("dashboard (max rate, 10 conn)", await run(dash, info.token, {}));
  add("dashboard (500 req/s offered)", await run(dash, info.token, { overallRate: 500 }));
  add(
    "post comment (max rate, 10 conn)",
    await run(`${base}/api/versions/${info.versionId}/comments`, info.token, {
      method: "POST",
      body: JSON.stringify({ body: "Vocal a touch hot at the downbeat", atSeconds: 42.5, endSeconds: 44 }),
    }),
  );
  child.kill("SIGTERM");
  await once(child, "exit");
}

console.log(
  `\nAPI benchmark: ${songs} songs, ${comments} comments, ${seconds} s per scenario, autocannon on 127.0.0.1\n`,
);
console.log("| database | scenario | req/s | p50 ms | p99 ms | errors | non-2xx |");
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const r of rows)
  console.log(
    `| ${r.database} | ${r.scenario} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`,
  );
