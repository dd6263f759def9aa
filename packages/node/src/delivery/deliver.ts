/**
 * Delivering a master in the formats a release needs: sample-rate conversion and dither chosen per format,
 * tags and BWF `bext`, consistent names, and a SHA-256 manifest. Nothing existing is overwritten unless
 * asked; every file is written atomically (temporary name, renamed when complete).
 */
import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, rm } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { resampleChannels } from "@controlroom/engine/dsp/resample/index.ts";
import { analyzeFile } from "../analysis/analyze-file.ts";
import { removeStaleTemps, tempPathBeside, writeFileAtomic } from "../files/atomic-file.ts";
import { readWholeFile } from "../files/open.ts";
import { AudioFileError } from "../files/types.ts";
import { createAudioWriter } from "../files/write.ts";
import { type ReleaseMetadata, slug, tagsOf } from "./metadata.ts";
import { writeMp3 } from "./mp3-encoder.ts";

/** A deliverable format. */
export interface DeliveryFormat {
  /** Name on the command line. */
  name: string;
  container: "wav" | "flac" | "mp3";
  /** Output rate, Hz; null keeps the master's. */
  sampleRate: number | null;
  /** Word length (PCM); MP3 is encoded from 16-bit. */
  bitDepth: 16 | 24;
  /** Dither when reducing word length: noise-shaped for 16-bit at 44.1 kHz (CD), TPDF otherwise. */
  dither: "tpdf" | "shaped";
  /** MP3 bit rate, kbps. */
  kbps?: number;
  description: string;
}

export const DELIVERY_FORMATS: Readonly<Record<string, DeliveryFormat>> = {
  wav24: {
    name: "wav24",
    container: "wav",
    sampleRate: null,
    bitDepth: 24,
    dither: "tpdf",
    description: "BWF WAV, 24-bit, the master's rate (hi-res / streaming upload)",
  },
  wav16: {
    name: "wav16",
    container: "wav",
    sampleRate: 44100,
    bitDepth: 16,
    dither: "shaped",
    description: "BWF WAV, 44.1 kHz 16-bit, noise-shaped dither (CD)",
  },
  flac: {
    name: "flac",
    container: "flac",
    sampleRate: null,
    bitDepth: 24,
    dither: "tpdf",
    description: "FLAC, 24-bit, the master's rate, tagged",
  },
  flac16: {
    name: "flac16",
    container: "flac",
    sampleRate: 44100,
    bitDepth: 16,
    dither: "shaped",
    description: "FLAC, 44.1 kHz 16-bit, tagged",
  },
  mp3: {
    name: "mp3",
    container: "mp3",
    sampleRate: 44100,
    bitDepth: 16,
    dither: "tpdf",
    kbps: 320,
    description: "MP3 320 kbps CBR, 44.1 kHz, ID3v2.3 tags",
  },
};

export interface DeliverOptions {
  /** Output folder (created if missing). */
  toDir: string;
  /** Format names (default wav24, wav16, flac, mp3). */
  formats?: string[];
  metadata?: ReleaseMetadata;
  /** Replace existing files (default: refuse, naming them). */
  force?: boolean;
}

export interface Deliverable {
  format: string;
  file: string;
  sampleRate: number;
  bitDepth: number | null;
  bytes: number;
  sha256: string;
  /** Measured on the written file. */
  integratedLufs: number;
  truePeakDbtp: number;
}

export interface DeliveryReport {
  master: string;
  toDir: string;
  metadata: ReleaseMetadata;
  deliverables: Deliverable[];
  manifest: string;
}

/** Parses `--formats wav24,wav16,flac,mp3`; throws naming the unknown one. */
export function parseFormats(list: string): string[] {
  const names = list
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new Error("--formats: give at least one format");
  for (const n of names) {
    if (!DELIVERY_FORMATS[n])
      throw new Error(
        `--formats: unknown format "${n}" (known: ${Object.keys(DELIVERY_FORMATS).join(", ")})`,
      );
  }
  return [...new Set(names)];
}

/** The base name every deliverable shares: `01-artist-title`, or the master's name. */
export function deliveryStem(master: string, m: ReleaseMetadata): string {
  const parts: string[] = [];
  if (m.track) parts.push(String(m.track).padStart(2, "0"));
  if (m.artist) parts.push(slug(m.artist));
  parts.push(m.title ? slug(m.title) : slug(basename(master, extname(master))));
  return parts.join("-");
}

const exists = async (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Writes every deliverable and the manifest. */
export async function deliver(master: string, opts: DeliverOptions): Promise<DeliveryReport> {
  const formats = (opts.formats ?? ["wav24", "wav16", "flac", "mp3"]).map((n) => {
    const f = DELIVERY_FORMATS[n];
    if (!f) throw new Error(`--formats: unknown format "${n}"`);
    return f;
  });
  const md = opts.metadata ?? {};
  const stem = deliveryStem(master, md);
  const ext = { wav: ".wav", flac: ".flac", mp3: ".mp3" } as const;
  const names = formats.map((f) => `${stem}_${f.name}${ext[f.container]}`);
  const manifestName = `${stem}.sha256`;
  await mkdir(opts.toDir, { recursive: true });
  // Check every target first: a refusal writes nothing.
  if (!opts.force) {
    for (const n of [...names, manifestName]) {
      if (await exists(join(opts.toDir, n))) {
        throw new AudioFileError(
          join(opts.toDir, n),
          "already exists; not overwriting it (use --force to replace it)",
        );
      }
    }
  }
  const { info, channels } = await readWholeFile(master, { maxFrames: 30 * 60 * 192000 });
  if (info.sampleFormat === "lossy") {
    throw new AudioFileError(master, `is lossy (${info.codec}); deliver from a PCM or FLAC master`);
  }
  const tags = tagsOf(md);
  const byRate = new Map<number, Float32Array[]>([[info.sampleRate, channels]]);
  const at = (rate: number) => {
    let x = byRate.get(rate);
    if (!x) {
      x = resampleChannels(channels, info.sampleRate, rate, "high");
      byRate.set(rate, x);
    }
    return x;
  };
  // Everything is written into a hidden staging folder and moved into place only when all of it is done, so
  // a kill leaves no deliverable without the rest and its manifest (and no refusal to deliver again); the
  // next delivery removes a killed one's staging folder.
  const staging = tempPathBeside(join(opts.toDir, stem), "staging");
  removeStaleTemps(join(opts.toDir, stem));
  await mkdir(staging);
  try {
    const report = await writeDeliverables();
    for (const n of [...names, manifestName, `${stem}.delivery.json`])
      await rename(join(staging, n), join(opts.toDir, n));
    return report;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }

  async function writeDeliverables(): Promise<DeliveryReport> {
    const deliverables: Deliverable[] = [];
    for (const [i, f] of formats.entries()) {
      const path = join(staging, names[i]);
      const rate = f.sampleRate ?? info.sampleRate;
      const x = at(rate);
      if (f.container === "mp3") {
        await writeMp3(path, x, rate, { kbps: f.kbps, tags });
      } else {
        const bits = f.bitDepth;
        const history = `A=PCM,F=${rate},W=${bits},M=${x.length === 2 ? "stereo" : x.length === 1 ? "mono" : "multi"},T=Control Room deliver${rate !== info.sampleRate ? `; SRC ${info.sampleRate}->${rate}` : ""}; dither ${bits < (info.bitDepth ?? 32) || info.sampleFormat === "float" ? f.dither : "none"}\r\n`;
        const w = await createAudioWriter(path, {
          sampleRate: rate,
          channels: x.length,
          bitDepth: bits,
          dither: f.dither === "shaped" && (rate === 44100 || rate === 48000) ? "shaped" : "tpdf",
          ditherSeed: 1,
          tags: f.container === "flac" ? upperTags(tags) : undefined,
          bext:
            f.container === "wav"
              ? {
                  description:
                    [md.artist, md.title].filter(Boolean).join(" - ").slice(0, 256) || basename(master),
                  originator: "Control Room",
                  originatorReference: md.isrc ?? "",
                  originationDate: new Date().toISOString().slice(0, 10),
                  originationTime: new Date().toISOString().slice(11, 19),
                  codingHistory: history,
                }
              : undefined,
        });
        try {
          for (let pos = 0; pos < x[0].length; pos += 65536) {
            const n = Math.min(65536, x[0].length - pos);
            await w.write(
              x.map((c) => c.subarray(pos, pos + n)),
              n,
            );
          }
          await w.close();
        } catch (e) {
          await w.abort();
          throw e;
        }
      }
      const bytes = await readFile(path);
      const a = await analyzeFile(path, { parallel: false });
      deliverables.push({
        format: f.name,
        file: names[i],
        sampleRate: a.info.sampleRate,
        bitDepth: a.info.bitDepth,
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        integratedLufs: Math.round(a.report.integratedLufs * 100) / 100,
        truePeakDbtp: Math.round(a.report.truePeakDbtp * 100) / 100,
      });
    }
    // `sha256sum -c` format.
    const manifest = join(opts.toDir, manifestName);
    await writeFileAtomic(
      join(staging, manifestName),
      deliverables.map((d) => `${d.sha256}  ${d.file}\n`).join(""),
    );
    const report: DeliveryReport = { master, toDir: opts.toDir, metadata: md, deliverables, manifest };
    await writeFileAtomic(join(staging, `${stem}.delivery.json`), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  }
}

/** Vorbis comment field names are conventionally upper case; UPC goes in as BARCODE too. */
function upperTags(t: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) out[k.toUpperCase()] = v;
  if (t.upc) out.BARCODE = t.upc;
  return out;
}
