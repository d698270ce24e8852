// What `upgrade` shows while it runs: on a terminal a live view (batch, Pod, state, image, ready) redrawn at most
// every REDRAW_MS with log-update; piped, one line per event; -o json, one JSON object per event (JSON lines).
import type { UpgradeEvent } from '../upgrade/execute.js';
import type { UndoEvent } from '../upgrade/undo.js';
import { write } from '../manifests/output.js';
import type { CommandIO } from './io.js';
import { REDRAW_MS } from './status.js';
import { terminalDraw, terminalRows } from './terminal-draw.js';

export interface UpgradePrinter {
  event(e: UpgradeEvent | UndoEvent): void;
  done(): Promise<void>;
}

export async function upgradePrinter(io: CommandIO, output: 'text' | 'json', colour: boolean): Promise<UpgradePrinter> {
  if (output === 'json') return linePrinter(io, (e) => JSON.stringify(e));
  if (io.stdoutIsTTY !== true) return linePrinter(io, eventLine);
  return terminalView(io, colour);
}

/** Events in order; written as they come, the last write awaited at the end. */
function linePrinter(io: CommandIO, text: (e: UpgradeEvent | UndoEvent) => string | undefined): UpgradePrinter {
  let last: Promise<void> = Promise.resolve();
  return {
    event: (e) => {
      const line = text(e);
      if (line !== undefined) last = last.then(() => write(io.stdout, line + '\n'));
    },
    done: () => last,
  };
}

export function eventLine(e: UpgradeEvent | UndoEvent): string | undefined {
  switch (e.event) {
    case 'batch':
      return `batch ${e.batch}: ${e.reset ? 'resetting old HotUpgrade containers of' : 'upgrading'} ${e.pods.length} Pod${e.pods.length === 1 ? '' : 's'}`;
    case 'patched':
      return `pod/${e.name} -n ${e.namespace} patched${e.dryRun ? ' (server dry run)' : ''}: ${e.images.map((i) => `${i.container} ${i.from} -> ${i.to}`).join(', ')}`;
    case 'retry':
      return `pod/${e.name} -n ${e.namespace}: read again and retried (attempt ${e.attempt + 1}): ${e.reason}`;
    case 'ready':
      return `pod/${e.name} -n ${e.namespace} ready`;
    case 'failed':
      return `pod/${e.name} -n ${e.namespace} not patched: ${e.message}`;
    case 'waiting':
      return `waiting for ${e.pods.length} Pod${e.pods.length === 1 ? '' : 's'}: ${e.why}`;
    case 'restored':
      return `pod/${e.name} -n ${e.namespace} restored${e.dryRun ? ' (server dry run)' : ''}`;
    case 'skipped':
      return `pod/${e.name} -n ${e.namespace} skipped: ${e.reason}`;
  }
}

interface Row {
  batch: number;
  pod: string;
  state: string;
  image: string;
  ready: string;
}

async function terminalView(io: CommandIO, colour: boolean): Promise<UpgradePrinter> {
  const { default: chalk } = await import('chalk');
  const draw = await terminalDraw(io);
  const rows = new Map<string, Row>();
  let head = '';
  let drawnAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const paint = (s: string, state: string) =>
    !colour ? s : state === 'ready' || state === 'restored' ? chalk.green(s) : state === 'failed' ? chalk.red(s) : s;
  const frame = () => {
    const list = [...rows.values()];
    const max = Math.max(3, terminalRows() - 3);
    const shown = list.slice(-max);
    const w = (k: keyof Row, title: string) => Math.max(title.length, ...shown.map((r) => String(r[k]).length));
    const cols: [keyof Row, string][] = [
      ['batch', 'BATCH'],
      ['pod', 'POD'],
      ['state', 'STATE'],
      ['image', 'IMAGE'],
      ['ready', 'READY'],
    ];
    const widths = cols.map(([k, t]) => w(k, t));
    const line = (vals: string[]) =>
      vals
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd();
    const out = [head, line(cols.map(([, t]) => t))];
    for (const r of shown) out.push(paint(line(cols.map(([k]) => String(r[k]))), r.state));
    if (list.length > shown.length) out.push(`... and ${list.length - shown.length} more`);
    return out.join('\n');
  };
  const flush = () => {
    timer = undefined;
    draw(frame());
    drawnAt = Date.now();
  };
  const set = (ns: string, name: string, patch: Partial<Row>) => {
    const key = `${ns}/${name}`;
    const row = rows.get(key) ?? { batch: 0, pod: key, state: '', image: '', ready: '' };
    rows.set(key, { ...row, ...patch });
  };
  return {
    event: (e) => {
      switch (e.event) {
        case 'batch':
          head = `batch ${e.batch}: ${e.pods.length} Pod${e.pods.length === 1 ? '' : 's'}`;
          for (const p of e.pods) set(p.namespace, p.name, { batch: e.batch, state: 'patching', ready: 'no' });
          break;
        case 'patched':
          set(e.namespace, e.name, { state: 'restarting', image: e.images.map((i) => i.to).join(',') });
          break;
        case 'retry':
          set(e.namespace, e.name, { state: `retry ${e.attempt + 1}` });
          break;
        case 'ready':
          set(e.namespace, e.name, { state: 'ready', ready: 'yes' });
          break;
        case 'failed':
          set(e.namespace, e.name, { state: 'failed' });
          break;
        case 'waiting':
          head = `batch ${e.batch}: waiting for ${e.pods.length} Pod${e.pods.length === 1 ? '' : 's'} (${e.why})`;
          break;
        case 'restored':
          set(e.namespace, e.name, { state: 'restored' });
          break;
        case 'skipped':
          set(e.namespace, e.name, { state: `skipped: ${e.reason}` });
          break;
      }
      const wait = drawnAt + REDRAW_MS - Date.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    done: async () => {
      clearTimeout(timer);
      if (rows.size > 0 || head) flush();
      draw.done();
    },
  };
}
