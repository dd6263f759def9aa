/**
 * A short soak of the studio (the long one is `npm run bench:soak`): 8 seconds of mixed traffic from 4 clients
 * over HTTP on 127.0.0.1 — dashboards, comments read and posted, uploads made versions, a render and a master —
 * against a server on the embedded database with its in-process queue. No request may fail, every comment and
 * upload must be stored exactly once, and both jobs must finish.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openStudio } from "@controlroom/studio/open-studio.ts";
import { buildServer } from "./app.ts";
import { runSoak } from "./bench/soak.ts";

test("a short soak: no errors, every comment and upload stored once, every job done", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cr-soak-"));
  const studio = await openStudio({ dataDir: dir });
  const app = await buildServer(studio, { loginPerMinute: 1000 });
  try {
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const r = await runSoak({
      baseUrl: `http://127.0.0.1:${port}`,
      seconds: 8,
      concurrency: 4,
      renderEverySeconds: 3600,
      masterEverySeconds: 3600,
    });
    assert.equal(r.errors, 0, r.errorSamples.join("\n"));
    assert.ok(r.comments.posted > 0 && r.uploads.posted > 0, JSON.stringify(r));
    assert.equal(r.comments.storedOnce, r.comments.posted, JSON.stringify(r.comments));
    assert.equal(r.uploads.storedOnce, r.uploads.posted, JSON.stringify(r.uploads));
    assert.deepEqual(r.jobs, { started: 2, done: 2, notDone: [] });
  } finally {
    await app.close();
    await studio.close();
    await rm(dir, { recursive: true, force: true });
  }
});
