/**
 * Delivery targets: integrated loudness and true-peak ceiling per destination, with where each figure comes
 * from. Streaming services publish a playback normalisation level; a master at that level is played back
 * unchanged. Broadcast figures are regulations (EBU R 128, ATSC A/85).
 */

/** What a platform does to a file's level on playback (loudness normalisation). */
export type PlaybackNormalisation =
  /** Turns loud files down and quiet files up, the upward gain limited so peaks stay at or below the ceiling. */
  | "up-and-down-peak-limited"
  /** Turns loud files down only; quiet files play as they are. */
  | "down-only"
  /** No normalisation (a broadcast or physical target). */
  | "none";

export interface MasteringTarget {
  /** Preset name, as typed on the command line. */
  name: string;
  /** One line for help text. */
  description: string;
  /** Integrated loudness (BS.1770-4), LUFS; null when the user chooses (CD). */
  lufs: number | null;
  /** True-peak ceiling, dBTP (4x-oversampled meter, BS.1770-4 Annex 2). */
  ceilingDbtp: number;
  /** Where the two figures come from. */
  source: string;
  /** Required output sample rate, Hz, or null to keep the source rate. */
  sampleRate: number | null;
  /** Required output word length (dithered when reducing), or null for the default 24-bit. */
  bitDepth: 16 | 24 | null;
  /** Side removed below this frequency (Hz); 0 = off. Vinyl: low-frequency side cuts vertical groove motion. */
  monoBelowHz: number;
  /** Tame sibilance before cutting (vinyl: loud highs distort on playback). */
  deEss: boolean;
  /** Lowest acceptable overall channel correlation (vinyl: strong anti-phase content makes the stylus jump). */
  minCorrelation: number | null;
  /** Most limiting accepted (95th percentile of the 100 ms peak gain reduction), dB, before refusing. */
  maxLimitingDb: number;
  /** How the platform's player treats the loudness (for `qc`'s "what will the platform do"). */
  playback: PlaybackNormalisation;
}

const common = {
  sampleRate: null,
  bitDepth: null,
  monoBelowHz: 0,
  deEss: false,
  minCorrelation: null,
  maxLimitingDb: 6,
} as const;

/** Default loudness for the CD preset when the user gives none (a moderately loud modern CD). */
export const CD_DEFAULT_LUFS = -11;

/** The presets, by name. */
export const TARGETS: Readonly<Record<string, MasteringTarget>> = {
  spotify: {
    ...common,
    name: "spotify",
    description: "Spotify: −14 LUFS, −1 dBTP",
    lufs: -14,
    ceilingDbtp: -1,
    // Spotify for Artists, "Loudness normalization" FAQ: playback reference −14 LUFS integrated; masters
    // should keep true peaks below −1 dBTP (lossy transcoding adds overs). Positive gain only up to −1 dBTP.
    source: "Spotify for Artists, Loudness normalization FAQ (−14 LUFS; true peak below −1 dBTP)",
    playback: "up-and-down-peak-limited",
  },
  apple: {
    ...common,
    name: "apple",
    description: "Apple Music: −16 LUFS, −1 dBTP",
    lufs: -16,
    ceilingDbtp: -1,
    // Apple Music Sound Check normalises to −16 LUFS (AES TD1008 streaming recommendation, which Apple follows);
    // Apple Digital Masters guidance: leave ≥ 1 dB true-peak headroom for AAC encoding.
    source: "AES TD1008 (−16 LUFS, adopted by Apple Sound Check); Apple Digital Masters (−1 dBTP)",
    playback: "up-and-down-peak-limited",
  },
  youtube: {
    ...common,
    name: "youtube",
    description: "YouTube: −14 LUFS, −1 dBTP",
    lufs: -14,
    ceilingDbtp: -1,
    // YouTube turns loud uploads down to about −14 LUFS and never up (measured behaviour, "stats for nerds"
    // content loudness); −1 dBTP per AES TD1008 for lossy delivery.
    source: "YouTube playback normalisation to −14 LUFS (down only); AES TD1008 −1 dBTP for lossy codecs",
    playback: "down-only",
  },
  tidal: {
    ...common,
    name: "tidal",
    description: "TIDAL: −14 LUFS, −1 dBTP",
    lufs: -14,
    ceilingDbtp: -1,
    // TIDAL support, "Loudness normalization": −14 LUFS, turns down only.
    source: "TIDAL loudness normalization (−14 LUFS, down only); AES TD1008 −1 dBTP",
    playback: "down-only",
  },
  amazon: {
    ...common,
    name: "amazon",
    description: "Amazon Music: −14 LUFS, −2 dBTP",
    lufs: -14,
    ceilingDbtp: -2,
    // Amazon Music normalises to about −14 LUFS; its delivery guidance asks for −2 dBTP.
    source: "Amazon Music normalisation (−14 LUFS) and delivery guidance (−2 dBTP)",
    playback: "down-only",
  },
  deezer: {
    ...common,
    name: "deezer",
    description: "Deezer: −15 LUFS, −1 dBTP",
    lufs: -15,
    ceilingDbtp: -1,
    // Deezer normalises to −15 LUFS (Deezer support, "volume normalisation").
    source: "Deezer volume normalisation (−15 LUFS); AES TD1008 −1 dBTP",
    playback: "down-only",
  },
  "ebu-r128": {
    ...common,
    name: "ebu-r128",
    description: "EBU R 128 broadcast: −23 LUFS, −1 dBTP",
    lufs: -23,
    ceilingDbtp: -1,
    source: "EBU R 128 (2020): programme loudness −23.0 LUFS ±0.5 LU, maximum true peak −1 dBTP",
    playback: "none",
  },
  "atsc-a85": {
    ...common,
    name: "atsc-a85",
    description: "ATSC A/85 (US broadcast): −24 LKFS, −2 dBTP",
    lufs: -24,
    ceilingDbtp: -2,
    source: "ATSC A/85:2013 §5 (target −24 LKFS) and §6 (true peak −2 dBTP)",
    playback: "none",
  },
  cd: {
    ...common,
    name: "cd",
    description: "CD master: your loudness (default −11 LUFS), −0.3 dBTP, 44.1 kHz 16-bit dithered",
    lufs: null,
    ceilingDbtp: -0.3,
    // Red Book (IEC 60908): 44.1 kHz, 16-bit. No loudness standard exists for CD; the −0.3 dBTP ceiling is
    // common mastering practice so consumer DACs and resamplers do not clip.
    source: "IEC 60908 (Red Book) 44.1 kHz/16-bit; −0.3 dBTP mastering practice; loudness by choice",
    sampleRate: 44100,
    bitDepth: 16,
    playback: "none",
  },
  vinyl: {
    ...common,
    name: "vinyl",
    description:
      "Vinyl pre-master: −16 LUFS, −1 dBTP, mono below 120 Hz, de-essed, correlation kept positive",
    lufs: -16,
    ceilingDbtp: -1,
    // No standard: cutting engineers ask for dynamic pre-masters (groove space and tracking), bass in mono
    // below ~120 Hz (vertical groove excursion), tamed sibilance and no out-of-phase content.
    source:
      "Lacquer-cutting practice (no standard): modest level, mono bass < 120 Hz, de-essed, positive correlation",
    monoBelowHz: 120,
    deEss: true,
    minCorrelation: 0,
    playback: "none",
  },
  club: {
    ...common,
    name: "club",
    description: "Club/DJ master: −8 LUFS, −0.5 dBTP",
    lufs: -8,
    ceilingDbtp: -0.5,
    // Electronic dance releases are commonly mastered around −8 LUFS (no standard); club systems do not
    // normalise. Loud on purpose, so more limiting is accepted than for streaming.
    source: "Dance-music mastering practice (no standard): about −8 LUFS, −0.5 dBTP",
    maxLimitingDb: 12,
    playback: "none",
  },
};

/** The preset names, in a stable order. */
export const TARGET_NAMES = Object.keys(TARGETS);

/** The streaming platforms, for the playback-gain table. */
export const STREAMING_TARGETS = ["spotify", "apple", "youtube", "tidal", "amazon", "deezer"] as const;

/**
 * Looks a preset up by name.
 * @throws RangeError naming the known presets when `name` is not one.
 */
export function targetByName(name: string): MasteringTarget {
  const t = TARGETS[name];
  if (!t) throw new RangeError(`--target: unknown preset "${name}" (known: ${TARGET_NAMES.join(", ")})`);
  return t;
}

/**
 * The gain a platform's player applies to a file (the "loudness penalty" when negative), dB.
 * @param target the platform.
 * @param integratedLufs the file's integrated loudness, LUFS.
 * @param truePeakDbtp the file's true peak, dBTP (bounds upward gain for peak-limited platforms).
 */
export function playbackGainDb(
  target: MasteringTarget,
  integratedLufs: number,
  truePeakDbtp: number,
): number {
  if (target.lufs === null || target.playback === "none" || !Number.isFinite(integratedLufs)) return 0;
  const want = target.lufs - integratedLufs;
  if (want <= 0) return want;
  if (target.playback === "down-only") return 0;
  return Math.max(0, Math.min(want, target.ceilingDbtp - truePeakDbtp));
}
