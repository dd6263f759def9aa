/**
 * `controlroom brief <session.json> "<note>" [--reference <file>] -o <new-session.json> [--json]
 * [--render <out.wav> [--stems <dir>]]`: a producer's note becomes moves on the session, each printed with
 * its reason; the changed session is written atomically (never over an existing file without --force). With
 * --render the measured span of the changed session is rendered and every move's prediction checked.
 */
import { access, stat } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import {
  applyProposal,
  BriefError,
  describeChange,
  describeNotUnderstood,
  FEATURES,
  featureUnit,
  type Move,
  type Proposal,
  parseNote,
  REFERENCE_DESCRIPTOR,
} from "@controlroom/engine/brief/index.ts";
import { ParamError } from "@controlroom/engine/core/params.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import { type Command, InvalidArgumentError } from "commander";
import { AudioFileError } from "../files/types.ts";
import { renderSessionToFiles } from "../render/render-session.ts";
import { loadSessionFile, saveSessionFile } from "../session/session-file.ts";
import {
  briefSession,
  measureMoves,
  readReference,
  rebaseAudioPaths,
  spanRenderThreads,
} from "./brief-session.ts";

interface BriefCliOptions {
  output: string;
  reference?: string;
  json?: boolean;
  render?: string;
  stems?: string;
  section?: string;
  share?: number;
  force?: boolean;
}

function parseShare(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError("must be a number from 0 to 1");
  return n;
}

/** A bad command line: one line, exit code 2, nothing written. */
class UsageError extends Error {}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function fmt(v: number, unit: string): string {
  return `${v > 0 && unit !== " LUFS" ? "+" : ""}${v.toFixed(1)}${unit}`;
}

/** The JSON form of a move (`target` is the id the note resolved to). */
function moveJson(m: Move) {
  return {
    target: m.target.id,
    targetKind: m.target.kind,
    targetName: m.target.name,
    trackIds: m.target.trackIds,
    descriptor: m.descriptor,
    direction: m.direction,
    amount: m.amount,
    changes: m.changes,
    reason: m.reason,
    predicted: m.predicted,
    ...(m.measured ? { measured: m.measured } : {}),
  };
}

function printMoves(p: Proposal): void {
  for (const m of p.moves) {
    const what = m.descriptor.startsWith("reference") ? m.descriptor : `${m.direction} ${m.descriptor}`;
    console.log(`${m.target.name}: ${what}${m.amount !== 1 ? ` (×${m.amount})` : ""}`);
    console.log(`  ${m.reason}`);
    for (const c of m.changes) console.log(`    ${describeChange(c)}`);
    if (m.measured) {
      const u = featureUnit(m.measured.feature);
      console.log(
        `  measured: ${FEATURES[m.measured.feature]} ${fmt(m.measured.before, u)} → ${fmt(m.measured.after, u)} (predicted ${fmt(m.measured.expected, u)}) ${m.measured.ok ? "as predicted" : "NOT as predicted"}`,
      );
    }
  }
  for (const u of p.notUnderstood) console.log(describeNotUnderstood(u));
}

/** Adds `brief` to the program. */
export function registerBrief(program: Command): void {
  program
    .command("brief")
    .description(
      'Turn a producer\'s note ("warmer, punchier drums; vocal a bit more forward") into mix moves',
    )
    .argument("<session>", "session.json")
    .argument("<note>", "the note, in quotes")
    .requiredOption("-o, --output <new-session>", "where the changed session is written (.json)")
    .option("--reference <file>", 'a reference record to move the mix towards ("like that record")')
    .option("--share <0-1>", "share of the difference to the reference to correct (default 0.8)", parseShare)
    .option(
      "--section <name>",
      "measure this arrangement section (default: the one the note names, else the middle)",
    )
    .option("--json", "print the moves as JSON")
    .option("--render <out.wav>", "render the measured span of the changed session and check each prediction")
    .option("--stems <dir>", "with --render: also write the stems")
    .option("--force", "replace existing output files")
    .action(async (sessionPath: string, note: string, opts: BriefCliOptions) => {
      try {
        await runBrief(sessionPath, note, opts);
      } catch (e) {
        if (
          e instanceof SessionError ||
          e instanceof ParamError ||
          e instanceof BriefError ||
          e instanceof UsageError
        ) {
          console.error(e.message);
          process.exitCode = 2;
        } else if (e instanceof AudioFileError) {
          console.error(e.toString());
          process.exitCode = 1;
        } else throw e;
      }
    });
}

async function runBrief(sessionPath: string, note: string, opts: BriefCliOptions): Promise<void> {
  // Everything that can be checked before work is checked first: nothing is written on bad input.
  if (!note.trim()) throw new BriefError('the note is empty: say what should change (e.g. "warmer drums")');
  if (opts.stems && !opts.render) throw new UsageError("--stems needs --render <out.wav>");
  const out = resolve(opts.output);
  if (extname(out).toLowerCase() !== ".json")
    throw new UsageError(`-o ${opts.output}: the session must be a .json file`);
  if (resolve(sessionPath) === out)
    throw new UsageError(
      `-o ${opts.output}: that is the session itself; write the changed session to a new file`,
    );
  if (!opts.force && (await exists(out)))
    throw new UsageError(`${opts.output}: already exists; not overwriting it (use --force to replace it)`);
  try {
    if (!(await stat(dirname(out))).isDirectory()) throw new Error();
  } catch {
    throw new UsageError(`${opts.output}: folder ${dirname(opts.output)} does not exist`);
  }
  if (opts.render) {
    const ext = extname(opts.render).toLowerCase();
    if (ext !== ".wav" && ext !== ".flac")
      throw new UsageError(`--render ${opts.render}: must be .wav or .flac`);
    if (!opts.force && (await exists(opts.render)))
      throw new UsageError(`${opts.render}: already exists; not overwriting it (use --force to replace it)`);
  }
  const { session, dir } = await loadSessionFile(sessionPath);
  const parsed = parseNote(note, session);
  const badTargets = parsed.notUnderstood.filter((u) => u.kind === "target");
  if (badTargets.length) throw new BriefError(badTargets.map(describeNotUnderstood).join("; "));
  if (parsed.requests.some((r) => r.descriptor === REFERENCE_DESCRIPTOR) && !opts.reference) {
    throw new BriefError("the note asks to match a reference record: give one (--reference <file>)");
  }
  if (parsed.requests.length === 0 && !opts.reference) {
    const why = parsed.notUnderstood.map(describeNotUnderstood).join("; ");
    throw new BriefError(`nothing in the note asks for a change I know${why ? `: ${why}` : ""}`);
  }
  if (opts.section && !session.sections.some((s) => s.name.toLowerCase() === opts.section!.toLowerCase())) {
    throw new UsageError(
      `--section ${opts.section}: no such section (sections: ${session.sections.map((s) => s.name).join(", ") || "none"})`,
    );
  }
  const reference = opts.reference ? await readReference(opts.reference) : undefined;
  const result = await briefSession(session, dir, note, {
    share: opts.share,
    section: opts.section,
    noteSection: parsed.section,
    reference,
  });
  const proposal = result.proposal;
  const changed = applyProposal(session, proposal);
  const written = rebaseAudioPaths(changed, dir, dirname(out));
  if (opts.render) {
    await renderSessionToFiles(changed, dir, resolve(opts.render), {
      start: result.span.start,
      end: result.span.end,
      stems: opts.stems,
      verifyHashes: false,
      threads: spanRenderThreads(result.span),
    });
    await measureMoves(changed, dir, result.span, proposal.moves, reference);
  }
  await saveSessionFile(out, written);
  if (opts.json) {
    console.log(
      JSON.stringify(
        {
          moves: proposal.moves.map(moveJson),
          notUnderstood: proposal.notUnderstood,
          span: result.span,
          session: opts.output,
        },
        null,
        2,
      ),
    );
  } else {
    printMoves(proposal);
    const n = proposal.moves.reduce((a, m) => a + m.changes.length, 0);
    console.log(
      `${opts.output}: ${proposal.moves.length} moves, ${n} changes (measured ${result.span.start.toFixed(1)}-${result.span.end.toFixed(1)} s)${opts.render ? `; rendered ${opts.render}` : ""}`,
    );
  }
}
