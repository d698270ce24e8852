// One live frame on the terminal, redrawn in place by log-update (it rewrites only the lines that changed and
// clips to the window), for the commands that follow a rollout: `status -w` and `upgrade`.
import type { CommandIO } from './io.js';

/** Rows assumed for a terminal that reports none (0 rows under `script`, say), so nothing is clipped away. */
export const UNKNOWN_ROWS = 10_000;

export interface TerminalDraw {
  (text: string): void;
  done(): void;
}

/** The window's height now, in rows. */
export function terminalRows(): number {
  return process.stdout.rows || UNKNOWN_ROWS;
}

export async function terminalDraw(io: CommandIO): Promise<TerminalDraw> {
  const { createLogUpdate } = await import('log-update');
  const screen = process.stdout;
  const target = {
    write: (s: string) => io.stdout.write(s),
    get columns() {
      return screen.columns || 80;
    },
    get rows() {
      return terminalRows();
    },
  };
  return createLogUpdate(target as unknown as NodeJS.WriteStream, { showCursor: true });
}
