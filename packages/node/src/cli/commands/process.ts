import { readFile } from "node:fs/promises";
import { ParamError } from "@controlroom/engine";
import { type Command, InvalidArgumentError } from "commander";
import { AudioFileError } from "../../files/types.ts";
import { CancelledError, chainDirOf, processFile } from "../../processing/process-file.ts";
import { Progress } from "../progress.ts";

/** Reads `--chain`: inline JSON (starts with `[`) or a JSON file. Errors name which and why. */
export async function loadChainArg(arg: string): Promise<unknown> {
  const inline = arg.trim().startsWith("[") || arg.trim().startsWith("{");
  let text = arg;
  if (!inline) {
    try {
      text = await readFile(arg, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`--chain: ${arg}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`--chain${inline ? "" : `: ${arg}`}: not valid JSON (${(e as Error).message})`);
  }
}

function parseBits(v: string): 16 | 24 | 32 {
  if (v === "16" || v === "24" || v === "32") return Number(v) as 16 | 24 | 32;
  throw new InvalidArgumentError("must be 16, 24 or 32");
}

function parseRate(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 8000 || n > 384000)
    throw new InvalidArgumentError("must be a whole number of Hz between 8000 and 384000");
  return n;
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 600)
    throw new InvalidArgumentError("must be between 0 and 600 seconds");
  return n;
}

export function registerProcess(program: Command): void {
  program
    .command("process")
    .description("Run a file through a chain of processors (EQ, dynamics, reverb, …) into a new WAV or FLAC")
    .argument("<in>", "input audio file")
    .argument("<out>", "output file (.wav or .flac)")
    .requiredOption("--chain <json>", 'chain JSON file, or inline JSON like \'[{"type":"gain","db":-3}]\'')
    .option("--bits <n>", "output word length 16|24|32 (default: as the input)", parseBits)
    .option(
      "--rate <hz>",
      "output sample rate in Hz (default: as the input), converted after the chain",
      parseRate,
    )
    .option("--tail <seconds>", "render this long past the end so reverb/delay tails ring out", parseSeconds)
    .action(
      async (
        inPath: string,
        outPath: string,
        opts: { chain: string; bits?: 16 | 24 | 32; rate?: number; tail?: number },
      ) => {
        let interrupted = false;
        const onSigint = () => {
          interrupted = true;
        };
        process.once("SIGINT", onSigint);
        const progress = new Progress(inPath, Progress.interactive());
        try {
          const chain = await loadChainArg(opts.chain);
          const r = await processFile(inPath, outPath, {
            chain,
            chainDir: chainDirOf(opts.chain),
            bits: opts.bits,
            rate: opts.rate,
            tailSeconds: opts.tail,
            onProgress: (d, t) => progress.update(d, t),
            cancelled: () => interrupted,
          });
          progress.done();
          const secs = r.framesWritten / r.outputRate;
          console.log(
            `${outPath}: ${r.chain.processors.length} processors, ${secs.toFixed(3)} s written` +
              (r.latency ? ` (latency ${r.latency} samples compensated)` : ""),
          );
        } catch (e) {
          progress.done();
          if (e instanceof CancelledError) {
            console.error(`${outPath}: ${e.message}`);
            process.exitCode = 130;
          } else if (e instanceof ParamError) {
            console.error(`--chain: ${e.message}`);
            process.exitCode = 2;
          } else if (e instanceof AudioFileError) {
            console.error(e.toString());
            process.exitCode = 1;
          } else throw e;
        } finally {
          process.off("SIGINT", onSigint);
        }
      },
    );
}
