// What the human tables of plan-rollout and status share: kubectl's look (no borders, columns three spaces
// apart), the colours, and how a long value is cut.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { shortHash } from '../kruise/sidecarcontrol/short-hash.js';

export type Paint = InstanceType<typeof Chalk>;

/** Colour only when asked (a terminal without NO_COLOR); plain text otherwise. */
export function paint(colour: boolean): Paint {
  return new Chalk({ level: colour ? 1 : 0 });
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};

/** A table with kubectl's look and these (bold) headings. */
export function kubectlTable(head: string[], c: Paint): InstanceType<typeof Table> {
  return new Table({
    head: head.map((h) => c.bold(h)),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 3 },
  });
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
