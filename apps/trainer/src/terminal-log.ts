/**
 * The daemon's output for a person at a terminal. Log records (the daemon's own and its run
 * processes', all pino JSON lines) are printed by pino-pretty with a one-line summary per event, errors
 * in red; below them, one progress line per training run (epoch, batch, img/s, ETA) is redrawn in place.
 * Only used when the log stream is a TTY and --json-logs is not given; otherwise logs stay JSON.
 */
import pinoPretty from 'pino-pretty';
import { etaText } from '@convlab/core/contracts';
import type { ProgressMessage } from './ipc-messages.ts';
import { formatPercent } from './text-table.ts';

const RED = '\u001b[31m';
const RESET = '\u001b[0m';

function short(id: unknown): string {
  return typeof id === 'string' ? id : '?';
}

/** A record's text field, or `fallback` when it is missing or not text. */
function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The human sentence for the events a person watches for; null → pino-pretty's own message. */
export function eventSummary(log: Record<string, unknown>): string | null {
  const run = `run ${short(log.runId)}`;
  const num = (key: string) => (typeof log[key] === 'number' ? log[key] : NaN);
  switch (log.event) {
    case 'run.started':
      return `${run} claimed (attempt ${num('attempt')})`;
    case 'run.epoch':
      return (
        `${run} epoch ${num('epoch')} (${text(log.phase, 'train')}): ` +
        `loss ${num('loss').toFixed(4)} acc ${formatPercent(num('acc'))} · ` +
        `val loss ${num('valLoss').toFixed(4)} val acc ${formatPercent(num('valAcc'))} · ` +
        `${num('seconds').toFixed(1)} s`
      );
    case 'run.completed':
      return `${run} completed: test acc ${formatPercent(num('testAcc'))}, macro F1 ${num('macroF1').toFixed(3)}`;
    case 'run.exited':
      return `${run} process exited: ${text(log.status, 'unknown')}`;
    default:
      return null;
  }
}

/**
 * The record as a person reads it: a summarised event keeps only its sentence (its numbers are in
 * it); any other record says which run it is about and keeps its other fields on the same line.
 */
function readable(record: Record<string, unknown>): Record<string, unknown> {
  const summary = eventSummary(record);
  if (summary !== null) return { level: record.level, time: record.time, msg: summary };
  const about = typeof record.runId === 'string' ? `run ${record.runId}: ` : '';
  // An error's message, not its stack (that stays in the JSON logs: --json-logs).
  const { err, ...rest } = record;
  const message = text(record.msg, '');
  const reason = text((err as { message?: unknown } | undefined)?.message, '');
  const full = reason && !message.includes(reason) ? `${message}: ${reason}` : message;
  return { ...rest, msg: `${about}${full}` };
}

/** Images per second between two progress reports (null for the first, or across epochs/stages). */
interface ProgressPoint {
  at: number;
  images: number;
  key: string;
}

export class TerminalLog {
  private readonly pretty: (input: Record<string, unknown>) => string;
  /** Errors are printed without pino-pretty's colours, so the whole line can be red. */
  private readonly plain: (input: Record<string, unknown>) => string;
  private readonly progress = new Map<string, string>();
  private readonly lastPoint = new Map<string, ProgressPoint>();
  private readonly rate = new Map<string, number>();
  private drawnLines = 0;
  private pending = '';

  constructor(
    private readonly out: { write(text: string): unknown; columns?: number; rows?: number },
    private readonly color = true,
  ) {
    const options = {
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,name,event,runId,childPid',
      singleLine: true,
    };
    this.pretty = pinoPretty.prettyFactory({ ...options, colorize: color });
    this.plain = pinoPretty.prettyFactory({ ...options, colorize: false });
  }

  /** pino's destination interface: text holding one or more JSON lines (a partial line waits). */
  write(text: string): void {
    this.pending += text;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      if (line.trim() !== '') this.printRecord(line);
    }
  }

  private printRecord(line: string): void {
    let shown: string;
    let level = 30;
    let record: Record<string, unknown> | null = null;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
      level = typeof record.level === 'number' ? record.level : 30;
      const format = this.color && level >= 50 ? this.plain : this.pretty;
      shown = format(readable(record)).trimEnd();
    } catch {
      shown = line; // not a log record (e.g. a stack trace): print it as it came
    }
    if (record?.event === 'run.exited') this.setProgress(short(record.runId), null, false);
    if (this.color && level >= 50) shown = `${RED}${shown}${RESET}`;
    this.redraw(shown);
  }

  /** A run's progress line from its latest report; null removes it (the run's process ended). */
  updateProgress(runId: string, message: ProgressMessage | null): void {
    if (!message) {
      this.setProgress(runId, null);
      return;
    }
    const p = message.progress;
    const now = performance.now();
    const key = p.stage === 'train' ? `train-${p.epoch}` : `cache-${p.cache}-${p.set}`;
    const images = p.stage === 'train' ? p.batch * message.batchSize : p.imagesDone;
    const last = this.lastPoint.get(runId);
    if (last && last.key === key && now > last.at && images > last.images)
      this.rate.set(runId, ((images - last.images) / (now - last.at)) * 1000);
    else if (last?.key !== key) this.rate.delete(runId);
    this.lastPoint.set(runId, { at: now, images, key });
    const rate = this.rate.get(runId);
    const speed = rate === undefined ? '' : ` · ${Math.round(rate).toLocaleString('en-US')} img/s`;
    const text =
      p.stage === 'train'
        ? `run ${runId} epoch ${p.epoch}/${p.totalEpochs} · batch ${p.batch}/${p.totalBatches}` +
          ` · loss ${p.loss.toFixed(4)} acc ${formatPercent(p.acc)}${speed} · ${etaText(p.etaSeconds, p.etaLowerBound)}`
        : `run ${runId} caching ${p.cache} (${p.set}) ${p.imagesDone.toLocaleString('en-US')}` +
          `/${p.imagesTotal.toLocaleString('en-US')} images${speed} · ${etaText(p.etaSeconds, p.etaLowerBound)}` +
          ` · then epoch ${p.epoch}/${p.totalEpochs}`;
    this.setProgress(runId, text);
  }

  private setProgress(runId: string, text: string | null, draw = true): void {
    if (text === null) {
      this.progress.delete(runId);
      this.lastPoint.delete(runId);
      this.rate.delete(runId);
    } else this.progress.set(runId, text);
    if (draw) this.redraw(null);
  }

  /** Erases the progress lines, prints `text` (if any), then draws the progress lines again. */
  private redraw(text: string | null): void {
    let output = '';
    // Cursor to the start of the first progress line, then clear to the end of the screen.
    if (this.drawnLines > 0) output += `\u001b[${this.drawnLines}F\u001b[J`;
    if (text !== null) output += `${text}\n`;
    // Each line must fit one terminal row, or the cursor-up count would be wrong: cut them to the
    // width (a pseudo-terminal may report 0 columns: then assume a wide one), and show at most the
    // rows the terminal has, the rest as a count.
    const columns = this.out.columns ?? 0;
    const width = columns > 1 ? columns - 1 : 159;
    const rows = this.out.rows ?? 0;
    const room = rows > 2 ? rows - 2 : Infinity;
    const all = [...this.progress.values()];
    const shown = all.length > room ? all.slice(0, room - 1) : all;
    if (shown.length < all.length) shown.push(`… and ${all.length - shown.length} more runs`);
    const lines = shown.map((line) =>
      line.length > width ? `${line.slice(0, width - 1)}…` : line,
    );
    for (const line of lines)
      output += `${this.color ? '\u001b[36m' : ''}${line}${this.color ? RESET : ''}\n`;
    this.drawnLines = lines.length;
    this.out.write(output);
  }
}
