/**
 * Album mastering: songs keep their loudness relative to each other (a ballad stays quieter than the single)
 * while the album as a whole lands on the target; and CD sequencing — gaps, crossfades, track positions in
 * CD frames and the CUE sheet that describes them.
 */

/** One song's loudness and length, as measured before mastering. */
export interface AlbumSong {
  /** Integrated loudness, LUFS. */
  lufs: number;
  /** Length, seconds. */
  durationSeconds: number;
}

/**
 * Album loudness: the energy mean of the songs' loudness weighted by length (the integrated loudness of the
 * album played through, up to the gating differences between songs), LUFS.
 */
export function albumLoudness(songs: readonly AlbumSong[]): number {
  let e = 0;
  let t = 0;
  for (const s of songs) {
    if (!Number.isFinite(s.lufs)) continue;
    e += s.durationSeconds * 10 ** (s.lufs / 10);
    t += s.durationSeconds;
  }
  return t > 0 && e > 0 ? 10 * Math.log10(e / t) : Number.NEGATIVE_INFINITY;
}

/**
 * Per-song targets that keep the songs' relative loudness and put the album on `albumTargetLufs`: each
 * song moves by the same amount, (album target − album loudness).
 */
export function albumSongTargets(songs: readonly AlbumSong[], albumTargetLufs: number): number[] {
  const shift = albumTargetLufs - albumLoudness(songs);
  return songs.map((s) => s.lufs + shift);
}

/** CD audio frames per second (a CD sector: 588 stereo samples at 44.1 kHz). */
export const CD_FRAMES_PER_SECOND = 75;

/** How one song joins the next on the album master. */
export interface Transition {
  /** Silence before the next song, seconds (0 … 10; ignored when crossfading). Default 2. */
  gapSeconds?: number;
  /** Overlap with the next song, equal-power crossfade, seconds (0 … 10). Default 0. */
  crossfadeSeconds?: number;
}

/** Where each track starts on the sequenced master. */
export interface SequencedTrack {
  /** First sample of the track (INDEX 01), snapped to a CD frame boundary. */
  startSample: number;
  /** Sample count the track occupies before the next starts. */
  lengthSamples: number;
}

/**
 * Joins songs (planar, same rate and channels) into one continuous programme with gaps or crossfades.
 * Track starts are snapped to whole CD frames (1/75 s) by padding the gap, so a CUE sheet is exact.
 */
export function sequenceAlbum(
  songs: readonly Float32Array[][],
  sampleRate: number,
  transitions: readonly Transition[],
): { channels: Float32Array[]; tracks: SequencedTrack[] } {
  if (songs.length === 0) throw new RangeError("sequenceAlbum: no songs");
  const nCh = songs[0].length;
  for (const [i, s] of songs.entries()) {
    if (s.length !== nCh)
      throw new RangeError(`sequenceAlbum: song ${i + 1} has ${s.length} channels, song 1 has ${nCh}`);
  }
  const frame = sampleRate / CD_FRAMES_PER_SECOND;
  const snap = (n: number) => Math.ceil(n / frame - 1e-9) * frame;
  const starts: number[] = [];
  let pos = 0;
  for (let i = 0; i < songs.length; i++) {
    const start = Math.round(i === 0 ? 0 : pos);
    starts.push(start);
    const len = songs[i][0].length;
    const t = transitions[i] ?? {};
    const xf = Math.round(Math.min(t.crossfadeSeconds ?? 0, len / sampleRate / 2) * sampleRate);
    const gap = xf > 0 ? 0 : Math.round((t.gapSeconds ?? 2) * sampleRate);
    // Crossfade: the next song starts xf before this one ends, snapped back to a frame boundary.
    pos = xf > 0 ? Math.floor((start + len - xf) / frame) * frame : snap(start + len + gap);
  }
  const total = Math.max(...songs.map((s, i) => starts[i] + s[0].length));
  const out = Array.from({ length: nCh }, () => new Float32Array(total));
  for (let i = 0; i < songs.length; i++) {
    const s = songs[i];
    const start = starts[i];
    const len = s[0].length;
    const fadeIn = i > 0 ? Math.max(0, starts[i - 1] + songs[i - 1][0].length - start) : 0;
    const fadeOut = i + 1 < songs.length ? Math.max(0, start + len - starts[i + 1]) : 0;
    for (let c = 0; c < nCh; c++) {
      const x = s[c];
      const y = out[c];
      for (let k = 0; k < len; k++) {
        let g = 1;
        // Equal-power: sin/cos quarter waves sum to constant power for uncorrelated material.
        if (k < fadeIn) g *= Math.sin(((k + 0.5) / fadeIn) * (Math.PI / 2));
        if (k >= len - fadeOut) g *= Math.cos(((k - (len - fadeOut) + 0.5) / fadeOut) * (Math.PI / 2));
        y[start + k] += x[k] * g;
      }
    }
  }
  const tracks = starts.map((st, i) => ({
    startSample: st,
    lengthSamples: (i + 1 < starts.length ? starts[i + 1] : total) - st,
  }));
  return { channels: out, tracks };
}

/** `mm:ss:ff` (CD frames) for a sample position. */
export function cueTime(sample: number, sampleRate: number): string {
  const frames = Math.round((sample / sampleRate) * CD_FRAMES_PER_SECOND);
  const mm = Math.floor(frames / (60 * CD_FRAMES_PER_SECOND));
  const ss = Math.floor(frames / CD_FRAMES_PER_SECOND) % 60;
  const ff = frames % CD_FRAMES_PER_SECOND;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(mm)}:${two(ss)}:${two(ff)}`;
}

/** ISRC: CC-XXX-YY-NNNNN without separators (ISO 3901), e.g. `USRC17607839`. */
export const ISRC_PATTERN = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;

/** Normalises an ISRC (drops dashes/spaces, upper case); throws RangeError naming `field` when invalid. */
export function normaliseIsrc(isrc: string, field = "isrc"): string {
  const v = isrc.replace(/[-\s]/g, "").toUpperCase();
  if (!ISRC_PATTERN.test(v))
    throw new RangeError(`${field}: "${isrc}" is not an ISRC (CC-XXX-YY-NNNNN, 12 characters)`);
  return v;
}

export interface CueTrack {
  title?: string;
  performer?: string;
  isrc?: string;
  startSample: number;
}

/** Writes a CUE sheet for one WAVE file holding the whole album. */
export function cueSheet(opts: {
  file: string;
  sampleRate: number;
  title?: string;
  performer?: string;
  /** UPC/EAN of the release (CATALOG, 13 digits). */
  catalog?: string;
  tracks: readonly CueTrack[];
}): string {
  const q = (s: string) => `"${s.replace(/"/g, "'")}"`;
  const lines: string[] = [];
  if (opts.catalog) {
    const c = opts.catalog.replace(/\D/g, "").padStart(13, "0");
    if (c.length !== 13) throw new RangeError(`catalog: "${opts.catalog}" is not a 12/13-digit UPC/EAN`);
    lines.push(`CATALOG ${c}`);
  }
  if (opts.performer) lines.push(`PERFORMER ${q(opts.performer)}`);
  if (opts.title) lines.push(`TITLE ${q(opts.title)}`);
  lines.push(`FILE ${q(opts.file)} WAVE`);
  opts.tracks.forEach((t, i) => {
    lines.push(`  TRACK ${String(i + 1).padStart(2, "0")} AUDIO`);
    if (t.title) lines.push(`    TITLE ${q(t.title)}`);
    if (t.performer) lines.push(`    PERFORMER ${q(t.performer)}`);
    if (t.isrc) lines.push(`    ISRC ${normaliseIsrc(t.isrc, `tracks[${i}].isrc`)}`);
    lines.push(`    INDEX 01 ${cueTime(t.startSample, opts.sampleRate)}`);
  });
  return `${lines.join("\r\n")}\r\n`;
}
