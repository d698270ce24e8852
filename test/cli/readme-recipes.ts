// The README's recipes, as the integration tests run them: the fenced code blocks of one section.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.js';

/** The code blocks under the heading that starts with `heading` (up to the next heading of any level). */
export function readmeBlocks(heading: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.split('\n').findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, '').startsWith(heading));
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const lines = readme.split('\n').slice(start + 1);
  const end = lines.findIndex((l) => /^#{1,3} /.test(l));
  const section = (end < 0 ? lines : lines.slice(0, end)).join('\n');
  return [...section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** A shell command line without quotes or expansions, split into words (backslash-newlines join lines). */
export function shellWords(command: string): string[] {
  if (/["'$`]/.test(command)) throw new Error(`not a plain command line: ${command}`);
  return command.replace(/\\\n/g, ' ').trim().split(/\s+/);
}
