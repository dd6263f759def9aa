/**
 * Content-addressed blob store on local disk: a file is named by the sha256 of its bytes, so the same audio
 * uploaded twice is kept once. Bytes stream through a hash into a temporary file, which is renamed into
 * place only when complete, so a reader never sees a half-written blob.
 */
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { StudioError } from "../errors.ts";
import { type AudioFormat, SNIFF_BYTES, sniffAudio } from "./sniff.ts";

/** What was stored. */
export interface StoredBlob {
  sha256: string;
  /** Size in bytes. */
  size: number;
  format: AudioFormat;
  /** True when the same bytes were already stored (nothing new written). */
  existed: boolean;
}

/** Options for one upload. */
export interface PutOptions {
  /** Refuse (413) beyond this many bytes. Default 2 GiB. */
  maxBytes?: number;
}

/** Blobs under one folder: `<root>/<aa>/<bb>/<sha256>`, temporary files in `<root>/tmp`. */
export class BlobStore {
  /** @param root folder for the blobs (created on first write). */
  constructor(readonly root: string) {}

  /** Path of a blob (whether or not it exists). */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256))
      throw new StudioError(400, "invalid", `sha256: not a hex sha256 digest`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** True when the blob is stored. */
  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  /** Streams a stored blob out (404 when missing). */
  async open(sha256: string, range?: { start: number; end: number }): Promise<ReadStream> {
    const p = this.pathOf(sha256);
    if (!(await this.has(sha256))) throw new StudioError(404, "not_found", `blob ${sha256} not found`);
    return createReadStream(p, range);
  }

  /**
   * Streams bytes in, checking from the first bytes that they are audio (415 otherwise) and the size
   * limit (413), hashing as they go. On any failure the temporary file is removed.
   */
  async put(source: AsyncIterable<Uint8Array>, opts: PutOptions = {}): Promise<StoredBlob> {
    const max = opts.maxBytes ?? 2 ** 31;
    const tmpDir = join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const out = createWriteStream(tmp);
    const hash = createHash("sha256");
    let size = 0;
    let head = new Uint8Array(0);
    let format: AudioFormat | null = null;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > max) throw new StudioError(413, "too_large", `file: larger than the ${max}-byte limit`);
        if (!format) {
          const h = new Uint8Array(Math.min(SNIFF_BYTES, head.length + chunk.length));
          h.set(head.subarray(0, h.length));
          h.set(chunk.subarray(0, h.length - head.length), head.length);
          head = h;
          if (head.length >= SNIFF_BYTES) {
            format = sniffAudio(head);
            if (!format)
              throw new StudioError(
                415,
                "not_audio",
                "file: not an audio file (expected WAV, AIFF, FLAC, Ogg or MP3)",
              );
          }
        }
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, "drain");
      }
      if (!format) format = sniffAudio(head);
      if (!format)
        throw new StudioError(
          415,
          "not_audio",
          "file: not an audio file (expected WAV, AIFF, FLAC, Ogg or MP3)",
        );
      out.end();
      await once(out, "finish");
      const sha256 = hash.digest("hex");
      // On disk before it gets its name (and, after this returns, its row): a power cut cannot leave a row
      // naming a short file.
      const fh = await open(tmp, "r+");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const dest = this.pathOf(sha256);
      if (await this.has(sha256)) {
        await unlink(tmp);
        return { sha256, size, format, existed: true };
      }
      await mkdir(join(dest, ".."), { recursive: true });
      await rename(tmp, dest); // atomic on one file system
      return { sha256, size, format, existed: false };
    } catch (e) {
      // Wait for the file to be closed (it may still be opening) before removing it.
      if (!out.closed) await new Promise<void>((r) => out.destroy().once("close", () => r()));
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }
}
