// The one place that turns errors into a message and an exit code.
import { SidecarsetError } from '../errors.js';

export interface ReportedError {
  message: string;
  exitCode: number;
}

export function describeError(err: unknown): ReportedError {
  if (err instanceof SidecarsetError) return { message: `error: ${placeMessage(err)}`, exitCode: err.exitCode };
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'EPIPE') return { message: '', exitCode: 0 }; // reader went away (e.g. `| head`)
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { message: `internal error (please report it): ${text}`, exitCode: 1 };
}

/** "file.yaml: document 2: line 7: spec.containers[0].image: Required value" */
export function placeMessage(err: SidecarsetError): string {
  const p = err.place;
  const parts: string[] = [];
  if (p.source !== undefined) parts.push(p.source);
  if (p.document !== undefined) parts.push(`document ${p.document + 1}`);
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  parts.push(err.fieldMessage);
  return parts.join(': ');
}
