/**
 * npm run bench:brief — time from a producer's note to a proposal, and to the rendered section, on song1 (a
 * session made from its stems, measured over 8 s of the chorus). Each note runs three times in this process
 * (the first run includes decoding the FLAC stems and compiling); the median is printed. Then the whole
 * `controlroom brief … --render` command once, as users run it. Asserts nothing.
 *
 * Goal (issue 14): proposal < 1 s; the section render at the renderer's speed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyProposal, proposeMoves } from "@controlroom/engine/brief/index.ts";
import { measureMoves } from "../packages/node/src/brief/brief-session.ts";
import { renderSpan } from "../packages/node/src/brief/measure-session.ts";
import { renderSessionToFiles } from "../packages/node/src/render/render-session.ts";
import { sessionFromStems } from "../packages/node/src/session/from-stems.ts";
import { saveSessionFile } from "../packages/node/src/session/session-file.ts";
import { cli, corpus, timed } from "./lib.ts";

const SONG = join(corpus, "song1");
const NOTES = [
  "warmer and punchier drums, vocal a bit more forward, less reverb on the keys",
  "the whole mix darker, more glue",
  "bass tighter, wetter vocal, wider keys",
  "vocal less harsh and less sibilant, more air",
];
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;

const dir = mkdtempSync(join(tmpdir(), "bench-brief-"));
try {
  const session = await sessionFromStems(SONG, dir);
  await saveSessionFile(join(dir, "session.json"), session);
  console.log(
    "note → proposal (measure: render 8 s of the chorus with stems; propose: decide the moves), then the",
  );
  console.log(
    `changed section rendered to a WAV and every prediction checked; median of ${RUNS} runs in one process\n`,
  );
  console.log(
    "| note | moves | measure | propose | note → proposal | render section | check | note → rendered, checked |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const note of NOTES) {
    const t = {
      measure: [] as number[],
      propose: [] as number[],
      proposeCpu: [] as number[],
      render: [] as number[],
      check: [] as number[],
    };
    let moves = 0;
    for (let k = 0; k < RUNS; k++) {
      const t0 = performance.now();
      const r = await renderSpan(session, dir, { section: "chorus" });
      const t1 = performance.now();
      const cpu0 = process.cpuUsage();
      const p = proposeMoves(session, note, r.audioOf);
      const cpu = process.cpuUsage(cpu0);
      const t2 = performance.now();
      t.proposeCpu.push((cpu.user + cpu.system) / 1000);
      const changed = applyProposal(session, p);
      await renderSessionToFiles(changed, dir, join(dir, "section.wav"), {
        start: r.span.start,
        end: r.span.end,
        verifyHashes: false,
      });
      const t3 = performance.now();
      await measureMoves(changed, dir, r.span, p.moves);
      const t4 = performance.now();
      t.measure.push(t1 - t0);
      t.propose.push(t2 - t1);
      t.render.push(t3 - t2);
      t.check.push(t4 - t3);
      moves = p.moves.length;
    }
    const [a, b, c, d] = [median(t.measure), median(t.propose), median(t.render), median(t.check)];
    console.log(
      `| ${note} | ${moves} | ${ms(a)} | ${ms(b)} | **${ms(a + b)}** | ${ms(c)} | ${ms(d)} | ${ms(a + b + c + d)} |`,
    );
  }
  const run = timed(process.execPath, [
    cli,
    "brief",
    join(dir, "session.json"),
    NOTES[0],
    "-o",
    join(dir, "new.json"),
    "--render",
    join(dir, "cli.wav"),
    "--section",
    "chorus",
  ]);
  console.log(
    `\ncontrolroom brief … --render (whole command, one run): ${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU, ${run.maxRssMiB.toFixed(0)} MiB peak`,
  );
  if (run.status !== 0) console.log(run.stderr);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
