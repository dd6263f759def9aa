/**
 * Where the decoded-audio cache lives and how big it may grow: from a render's `decodeCache` option and the
 * environment (`CONTROLROOM_CACHE_DIR`, `XDG_CACHE_HOME`, `CONTROLROOM_CACHE_MAX_BYTES`).
 */
import { endianness, homedir } from "node:os";
import { join } from "node:path";

/** Default size cap of the cache folder, bytes (10 GiB). */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 2 ** 30;

/** Where the cache lives and how big it may grow. */
export interface DecodeCacheSettings {
  /** Cache folder (created when needed). */
  dir: string;
  /** Size cap of the folder's cache files, bytes; least recently used files are evicted beyond it. */
  maxBytes: number;
}

/** `decodeCache` option of a render: false turns the cache off; an object overrides the environment. */
export type DecodeCacheOption = boolean | Partial<DecodeCacheSettings>;

/**
 * The cache settings in effect, or null when the cache is off.
 * @param option false = off; an object sets `dir` / `maxBytes` (else from the environment).
 * @param env `CONTROLROOM_CACHE_DIR` (a folder, or `off`), `XDG_CACHE_HOME`, `CONTROLROOM_CACHE_MAX_BYTES`
 * (bytes, or with a K/M/G/T suffix, binary units).
 */
export function decodeCacheSettings(
  option: DecodeCacheOption = true,
  env: NodeJS.ProcessEnv = process.env,
): DecodeCacheSettings | null {
  if (option === false) return null;
  // The files hold native floats; other byte orders would need a conversion the readers do not do.
  if (endianness() !== "LE") return null;
  const o = typeof option === "object" ? option : {};
  const envDir = env.CONTROLROOM_CACHE_DIR?.trim();
  if (o.dir === undefined && envDir && /^(off|none|false|0|no)$/i.test(envDir)) return null;
  const dir =
    o.dir ??
    (envDir || join(env.XDG_CACHE_HOME?.trim() || join(homedir(), ".cache"), "controlroom", "decoded"));
  const maxBytes = o.maxBytes ?? parseBytes(env.CONTROLROOM_CACHE_MAX_BYTES) ?? DEFAULT_CACHE_MAX_BYTES;
  return { dir, maxBytes };
}

/** `123`, `512M`, `10G`, `1.5T` → bytes; null when empty or unreadable (the default then applies). */
function parseBytes(s: string | undefined): number | null {
  const m = s?.trim().match(/^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i);
  if (!m) return null;
  const scale = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * scale);
}
