/**
 * Bad input 4 (the CLI half): flags with bad values exit 2 with a message naming the flag and what
 * it accepts, before any model call.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, runCli } from '../cli/runCli';
import { countCase } from './support';

const CASES: Array<[string[], RegExp]> = [
  [['--max-turns', 'abc'], /--max-turns must be a positive whole number/],
  [['--max-turns', '-1'], /Option '--max-turns' argument is ambiguous/],
  [['--max-turns=-1'], /--max-turns must be a positive whole number/],
  [['--max-turns', '1.5'], /--max-turns must be a positive whole number/],
  [['--compact-at', '-5'], /Option '--compact-at' argument is ambiguous/],
  [['--compact-at=-5'], /--compact-at must be a positive whole number of tokens/],
  [['--compact-at', 'NaN'], /--compact-at must be a positive whole number of tokens/],
  [['--permission-mode', 'nope'], /--permission-mode must be one of ask, acceptEdits, plan, bypass/],
  [['--output-format', 'xml'], /--output-format must be one of text, json, stream-json/],
  [['--cwd', '/definitely/not/here'], /--cwd \/definitely\/not\/here is not a folder/],
  [['--bogus'], /Unknown option '--bogus'/],
];

describe('bad input: CLI flags with bad values', function () {
  this.timeout(30_000);
  before(() => assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "node esbuild.mjs" first`));
  for (const [flags, message] of CASES) {
    it(`${flags.join(' ')} exits 2 with a clear message`, async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-flags-'));
      try {
        const r = await runCli(['-p', 'hi', ...flags], { HOME: home, ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /usage: reverie/);
        countCase('4 settings and flags');
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
