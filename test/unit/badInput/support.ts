/**
 * Shared by the bad-input suite: temp folders, a byte-exact "nothing lost" check, and the figures
 * table (cases per category, milliseconds of the big cases) printed once after every suite ran.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tempDir, type TempDir } from '../memory/tempDir';

const cases = new Map<string, number>();
const timings: Array<[string, number]> = [];

/** Counts one checked case of a category. */
export function countCase(category: string, n = 1): void {
  cases.set(category, (cases.get(category) ?? 0) + n);
}

/** Times `fn`, records the figure, and returns its value. */
export async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  const ms = Math.round(performance.now() - t0);
  timings.push([label, ms]);
  return { value, ms };
}

after(function () {
  if (cases.size === 0) return;
  const lines = ['', '      bad-input figures', '      cases per category:'];
  for (const [c, n] of cases) lines.push(`        ${c.padEnd(34)} ${n}`);
  lines.push('      timings (ms):');
  for (const [label, ms] of timings) lines.push(`        ${label.padEnd(58)} ${ms}`);
  console.log(lines.join('\n'));
});

/** A real temporary folder (memory/tempDir.ts) named for this suite. */
export type Temp = TempDir;
export const temp = (prefix = 'reverie-bad-'): Temp => tempDir(prefix);

/** Snapshots files' bytes now; `assertUnchanged` fails if any was rewritten, changed or lost. */
export function snapshot(files: readonly string[]): { assertUnchanged(): void } {
  const before = files.map((f) => [f, fs.readFileSync(f)] as const);
  return {
    assertUnchanged() {
      for (const [f, bytes] of before) {
        assert.ok(fs.existsSync(f), `${f} was lost`);
        assert.ok(Buffer.compare(fs.readFileSync(f), bytes) === 0, `${f} was rewritten`);
      }
    },
  };
}

/** A 1x1 PNG's first bytes: the signature and an IHDR chunk (NUL bytes included). */
export const PNG_BYTES = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89,
]);

/** UTF-16LE with a byte order mark. */
export const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
/** Latin-1 (é is the single byte 0xE9: not UTF-8). */
export const latin1 = (text: string) => Buffer.from(text, 'latin1');
