/** `controlroom deliver <master> --to <dir> [--formats wav24,wav16,flac,mp3] [--metadata meta.json]`. */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { DELIVERY_FORMATS, deliver, parseFormats } from "./deliver.ts";
import { checkMetadata } from "./metadata.ts";

export function registerDeliver(program: Command): void {
  program
    .command("deliver")
    .description(
      "Write a master's deliverables (WAV/FLAC/MP3) with SRC, dither, tags, bext and a SHA-256 manifest",
    )
    .argument("<master>", "the finished master (WAV or FLAC)")
    .requiredOption("--to <dir>", "output folder")
    .option(
      "--formats <list>",
      `comma-separated: ${Object.keys(DELIVERY_FORMATS).join(", ")}`,
      "wav24,wav16,flac,mp3",
    )
    .option("--metadata <meta.json>", "title, artist, album, track, isrc, upc, composer, copyright, date")
    .option("--force", "replace existing deliverables")
    .action(
      async (master: string, o: { to: string; formats: string; metadata?: string; force?: boolean }) => {
        const formats = parseFormats(o.formats);
        let metadata = {};
        if (o.metadata) {
          let text: string;
          try {
            text = await readFile(o.metadata, "utf8");
          } catch (e) {
            throw new Error(
              `--metadata: ${o.metadata}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
            );
          }
          let raw: unknown;
          try {
            raw = JSON.parse(text);
          } catch (e) {
            throw new Error(`--metadata: ${o.metadata}: not valid JSON (${(e as Error).message})`);
          }
          metadata = checkMetadata(raw, o.metadata);
        }
        const r = await deliver(master, { toDir: o.to, formats, metadata, force: o.force });
        for (const d of r.deliverables) {
          console.log(
            `${d.file}: ${d.sampleRate} Hz ${d.bitDepth ?? "lossy"}${d.bitDepth ? "-bit" : ""}, ${d.integratedLufs} LUFS, true peak ${d.truePeakDbtp} dBTP, sha256 ${d.sha256.slice(0, 16)}…`,
          );
        }
        console.log(`manifest: ${r.manifest}`);
      },
    );
}
