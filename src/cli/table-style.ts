// What the human tables of plan-rollout and status share: kubectl's look (no borders, columns three spaces
// apart), the colours, and how a long value is cut.
import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import { shortHash } from '../kruise/sidecarcontrol/short-hash.js';

export type Paint = InstanceType<typeof Chalk>;

/** Colour only when asked (a terminal without NO_COLOR); plain text otherwise. */
export function paint(colour: boolean): Paint {
  return new Chalk({ level: colour ? 1 : 0 });
}

/** A table of kubectl's look: rows pushed, then `toString()` gives its lines. */
export interface KubectlTable {
  push(row: string[]): void;
  toString(): string;
}

const GAP = 3; // spaces after every column, the last one too (joinSections cuts trailing spaces)

/**
 * A table with kubectl's look and these (bold) headings: columns as wide as their widest cell (as the terminal
 * shows it: colours take no room), then three spaces. Laid out in one pass over the cells, so its time is linear
 * in the rows (cli-table3's layout compares every cell with those of every row above it).
 */
export function kubectlTable(head: string[], c: Paint): KubectlTable {
  const rows: string[][] = [head.map((h) => c.bold(h))];
  return {
    push: (row) => void rows.push(row),
    toString: () => layOut(rows),
  };
}

function layOut(rows: string[][]): string {
  const columns = Math.max(...rows.map((r) => r.length));
  // a cell of several lines makes its row that many lines high
  const cells = rows.map((row) => Array.from({ length: columns }, (_, i) => (row[i] ?? '').split('\n')));
  const widths = Array<number>(columns).fill(0);
  for (const row of cells)
    row.forEach((lines, i) => {
      for (const line of lines) widths[i] = Math.max(widths[i], stringWidth(line));
    });
  const out: string[] = [];
  for (const row of cells) {
    const height = Math.max(...row.map((lines) => lines.length));
    for (let k = 0; k < height; k++) {
      const line = row.map((lines, i) => {
        const text = lines[k] ?? '';
        return text + ' '.repeat(widths[i] + GAP - stringWidth(text));
      });
      out.push(line.join(''));
    }
  }
  return out.join('\n');
}

/** Sections of lines, a blank line between them, trailing spaces cut (cli-table3 pads the last column). */
export function joinSections(sections: string[][]): string {
  return (
    sections
      .filter((x) => x.length > 0)
      .map((lines) => lines.map((l) => l.replace(/\s+$/, '')).join('\n'))
      .join('\n\n') + '\n'
  );
}

/** A hash or name cut to `max` characters; "(none)" for "". */
export function short(s: string, max = 12): string {
  return shortHash(s, max - 1, '(none)', max);
}
