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
import { measureMoves, spanRenderThreads } from "../packages/node/src/brief/brief-session.ts";
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
    `changed section rendered to a WAV and every prediction checked; median of ${RUNS} runs in one process.`,
  );
  console.log(
    "Each cell: wall / CPU of the whole process (all threads). On a shared machine wall time waits for",
  );
  console.log("the CPU; CPU time is what the work costs.\n");
  console.log(
    "| note | moves | measure (render 8 s) | propose | **note → proposal** | render section | check | note → rendered, checked |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const note of NOTES) {
    const stages = ["measure", "propose", "render", "check"] as const;
    const wall: Record<string, number[]> = { measure: [], propose: [], render: [], check: [] };
    const cpu: Record<string, number[]> = { measure: [], propose: [], render: [], check: [] };
    let moves = 0;
    for (let k = 0; k < RUNS; k++) {
      let t = performance.now();
      let c = process.cpuUsage();
      const lap = (stage: (typeof stages)[number]) => {
        const now = performance.now();
        const used = process.cpuUsage(c);
        wall[stage].push(now - t);
        cpu[stage].push((used.user + used.system) / 1000);
        t = now;
        c = process.cpuUsage();
      };
      const r = await renderSpan(session, dir, { section: "chorus" });
      lap("measure");
      const p = proposeMoves(session, note, r.audioOf);
      lap("propose");
      const changed = applyProposal(session, p);
      await renderSessionToFiles(changed, dir, join(dir, "section.wav"), {
        start: r.span.start,
        end: r.span.end,
        verifyHashes: false,
        threads: spanRenderThreads(r.span),
      });
      lap("render");
      await measureMoves(changed, dir, r.span, p.moves);
      lap("check");
      moves = p.moves.length;
    }
    const w = Object.fromEntries(stages.map((st) => [st, median(wall[st])]));
    const u = Object.fromEntries(stages.map((st) => [st, median(cpu[st])]));
    const cell = (a: number, b: number) => `${ms(a)} / ${ms(b)}`;
    console.log(
      `| ${note} | ${moves} | ${cell(w.measure, u.measure)} | ${cell(w.propose, u.propose)} | **${cell(w.measure + w.propose, u.measure + u.propose)}** | ${cell(w.render, u.render)} | ${cell(w.check, u.check)} | ${cell(w.measure + w.propose + w.render + w.check, u.measure + u.propose + u.render + u.check)} |`,
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
