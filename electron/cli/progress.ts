/**
 * A progress line for long CLI runs (eval): done / total, rate and ETA on stderr. On a terminal one line
 * redrawn in place (carriage return); in a pipe or log file, a new line every `everyPercent` of the work
 * or every `everySeconds`, whichever comes first, and always the last one, so a log shows steady progress
 * without thousands of lines.
 */
import type { CliContext } from './command';

export interface ProgressUpdate {
  done: number;
  total: number;
  /** Items per second of wall time in this run; 0 before the first batch. */
  itemsPerSecond: number;
  /** Seconds left at the current rate; null before the first batch. */
  etaSeconds: number | null;
  elapsedMs: number;
}

export interface ProgressOptions {
  /** The line's prefix, e.g. "eval". */
  label: string;
  /** The plural noun counted, e.g. "examples". */
  unit: string;
  everyPercent?: number;
  everySeconds?: number;
  /** Terminal redraws at most this often (each one is a write to the tty). */
  redrawMs?: number;
}

/** 75 → "1m15s", 4000 → "1h06m". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export function progressLine(label: string, unit: string, p: ProgressUpdate): string {
  const percent = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
  const eta = p.etaSeconds === null || p.done >= p.total ? '' : `, ETA ${formatDuration(p.etaSeconds)}`;
  return `${label}: ${p.done}/${p.total} ${unit} (${percent}%), ${p.itemsPerSecond.toFixed(1)} ${unit}/s${eta}`;
}

export interface ProgressPrinter {
  update(p: ProgressUpdate): void;
  /** Ends the redrawn terminal line (a no-op in a log), so what follows starts on a line of its own. */
  finish(): void;
}

export function progressPrinter(
  context: Pick<CliContext, 'err' | 'terminal'>,
  { label, unit, everyPercent = 10, everySeconds = 5, redrawMs = 200 }: ProgressOptions,
): ProgressPrinter {
  const { terminal } = context;
  let lastMs = -Infinity;
  let lastStep = -1;
  let drawn = false;
  return {
    update(p) {
      const finished = p.done >= p.total;
      if (terminal) {
        if (!finished && p.elapsedMs - lastMs < redrawMs) return;
        lastMs = p.elapsedMs;
        // \x1b[K clears what a longer previous line left to the right.
        terminal.write(`\r${progressLine(label, unit, p)}\x1b[K`);
        drawn = true;
        return;
      }
      const step = p.total > 0 ? Math.floor((100 * p.done) / p.total / everyPercent) : 0;
      const due = finished || step > lastStep || p.elapsedMs - lastMs >= everySeconds * 1000;
      if (!due || (finished && lastStep === Infinity)) return;
      lastMs = p.elapsedMs;
      lastStep = finished ? Infinity : step;
      context.err(progressLine(label, unit, p));
    },
    finish() {
      if (terminal && drawn) terminal.write('\n');
      drawn = false;
    },
  };
}
