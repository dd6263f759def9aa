import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import type { Command } from "commander";
import { analyzeFile } from "../../analysis/analyze-file.ts";
import { createAudioWriter } from "../../files/write.ts";
import { loudnessPlotSvg } from "../../plots/loudness-plot.ts";
import { writePlot } from "../../plots/render.ts";
import { analysisToText } from "./analyze.ts";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Synthesise an example song, write it as a 24-bit WAV, analyse it and plot its loudness")
    .option("-o, --out <dir>", "where to write the example files", join(tmpdir(), "controlroom-demo"))
    .action(async (opts: { out: string }) => {
      await mkdir(opts.out, { recursive: true });
      const wav = join(opts.out, "example-song.wav");
      const song = exampleSong({ sampleRate: 48000, seconds: 24 });
      const w = await createAudioWriter(wav, { sampleRate: 48000, channels: 2, bitDepth: 24, ditherSeed: 1 });
      await w.write(song);
      await w.close();
      const a = await analyzeFile(wav);
      console.log(analysisToText(a));
      const png = join(opts.out, "example-song-loudness.png");
      await writePlot(png, loudnessPlotSvg({ title: "example-song.wav", ...a.report }));
      console.log(`  plot: ${png}`);
      console.log("\nNext: controlroom analyze <your files> [--json] [--plot out.png]");
    });
}
