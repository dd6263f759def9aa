/**
 * A one-line progress indicator for long work on a terminal: bar, percentage, speed in multiples of
 * real time and time left. Silent when the output is not a terminal (pipes, CI, --json).
 */
export class Progress {
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  /**
   * @param label what is being worked on (a file name).
   * @param enabled draw at all; callers pass false for --json or when stdout is not a TTY.
   * @param stream where to draw (stderr, so stdout stays clean for reports).
   */
  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** True when stdout and stderr are both terminals (the usual condition for drawing). */
  static interactive(): boolean {
    return Boolean(process.stdout.isTTY && process.stderr.isTTY);
  }

  /**
   * Reports progress.
   * @param doneSeconds audio seconds processed so far.
   * @param totalSeconds audio seconds in all, or null when unknown.
   */
  update(doneSeconds: number, totalSeconds: number | null): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return; // 10 redraws a second is plenty
    this.lastDraw = now;
    const elapsed = (now - this.started) / 1000;
    const speed = elapsed > 0 ? doneSeconds / elapsed : 0;
    const width = 24;
    let line: string;
    if (totalSeconds && totalSeconds > 0) {
      const f = Math.min(1, doneSeconds / totalSeconds);
      const full = Math.round(f * width);
      const eta = speed > 0 ? (totalSeconds - doneSeconds) / speed : 0;
      line = `${this.label} [${"█".repeat(full)}${"░".repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}%  ${speed.toFixed(0)}x real time  ${formatClock(eta)} left`;
    } else {
      line = `${this.label} ${formatClock(doneSeconds)} processed  ${speed.toFixed(0)}x real time`;
    }
    const cols = this.stream.columns || 100;
    this.stream.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length))}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line. */
  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }
}

/** Seconds as m:ss (or h:mm:ss). */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds % 60);
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
