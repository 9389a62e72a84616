import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decide } from '../../../src/core/permissions';
import type { PermissionContext } from '../../../src/core/permissions/types';
import { expandMentions, MENTION_LIMITS, parseMentions, type MentionEnvironment } from '../../../src/host/mentions/expandMentions';

describe('@ mention expansion (host side)', () => {
  let root: string;
  let outside: string;
  let ctx: PermissionContext;
  let env: MentionEnvironment;
  let reads: string[];

  beforeEach(() => {
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-mentions-')));
    root = path.join(base, 'ws');
    outside = path.join(base, 'elsewhere');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'src', 'math.js'), 'line 1\nline 2\nfunction add(a, b) {\n  return a - b;\n}\n');
    fs.writeFileSync(path.join(root, 'notes with space.md'), 'spaced');
    fs.writeFileSync(path.join(root, 'secret.env'), 'TOKEN=abc');
    fs.writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(MENTION_LIMITS.fileChars + 1));
    fs.writeFileSync(path.join(outside, 'private.txt'), 'OUTSIDE-CONTENT');
    fs.symlinkSync(path.join(outside, 'private.txt'), path.join(root, 'link.txt'));
    ctx = { mode: 'ask', rules: { allow: [], ask: [], deny: ['read_file(secret.env)'] }, roots: [root], trusted: true, home: base };
    reads = [];
    env = {
      roots: [root],
      stat: async (abs) => {
        const realPath = fs.realpathSync(abs);
        const st = fs.statSync(realPath);
        return { type: st.isDirectory() ? 'dir' : 'file', size: st.size, realPath };
      },
      readText: async (abs) => (reads.push(abs), fs.readFileSync(abs, 'utf8')),
      listDir: async (abs) => fs.readdirSync(abs, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() })),
      readDecision: (abs) => decide({ kind: 'read', tool: 'read_file', path: abs }, ctx).behavior,
      problems: () => ['src/math.js:4:3 error: wrong operator (lint)'],
      terminal: () => ({ label: 'Output of `npm test`', text: 'FAIL add' }),
    };
  });

  it('parses markers: paths, line ranges, quoted paths, the special ones; not e-mails, not duplicates, trailing punctuation off', () => {
    const found = parseMentions('see @src/math.js:3-5, @"notes with space.md" and @problems. mail me@example.com @src/math.js:3-5 @terminal');
    assert.deepEqual(found.map((m) => m.raw), ['src/math.js:3-5', 'notes with space.md', 'problems', 'terminal']);
    assert.deepEqual(found[0], { kind: 'path', raw: 'src/math.js:3-5', path: 'src/math.js', lines: { start: 3, end: 5 } });
  });

  it('attaches a small workspace file, and only the mentioned lines of a range', async () => {
    const prompt = await expandMentions('why does @src/math.js fail? look at @src/math.js:3-4', env);
    assert.ok(prompt.startsWith('why does @src/math.js fail? look at @src/math.js:3-4\n\n'), 'the typed text comes first, unchanged');
    assert.match(prompt, /\[@src\/math\.js\] Contents of src\/math\.js:\n```js\nline 1\nline 2\nfunction add/);
    assert.match(prompt, /\[@src\/math\.js:3-4\] Contents of src\/math\.js:3-4:\n```js\nfunction add\(a, b\) \{\n  return a - b;\n```/);
  });

  it('never reads a file the agent could not read without asking: outside the workspace, through a symlink, or denied', async () => {
    const prompt = await expandMentions(`@${path.join(outside, 'private.txt')} @link.txt @secret.env`, env);
    assert.doesNotMatch(prompt, /OUTSIDE-CONTENT|TOKEN=abc/);
    assert.deepEqual(reads, [], 'no file content was read');
    assert.match(prompt, /not attached because reading it needs the user's permission[^\n]*read_file/);
    assert.match(prompt, /\[@link\.txt\] The user mentioned the file link\.txt \(a link to .*elsewhere\/private\.txt\)\. It was not attached/, 'the link is judged by its target');
    assert.match(prompt, /\[@secret\.env\] secret\.env: not attached; Reverie's permission rules do not allow reading it\./);
  });

  it('leaves a file too large to attach for read_file, lists a folder, and keeps unknown @words as plain text', async () => {
    const prompt = await expandMentions('@big.txt @src @Injectable @"notes with space.md"', env);
    assert.match(prompt, /\[@big\.txt\] The user mentioned the file big\.txt; at 20 KB it is too large to attach/);
    assert.match(prompt, /\[@src\] The folder src contains:\nmath\.js/);
    assert.doesNotMatch(prompt, /Injectable\]/);
    assert.match(prompt, /Contents of notes with space\.md:\n```markdown\nspaced\n```/);
    assert.equal(await expandMentions('plain text, mail me@example.com', env), 'plain text, mail me@example.com');
  });

  it('expands @problems and @terminal, and fences content so a ``` inside cannot close the block', async () => {
    fs.writeFileSync(path.join(root, 'README.md'), 'before\n```\nnot the end\n```\nafter');
    const prompt = await expandMentions('@problems @terminal @README.md', env);
    assert.match(prompt, /Problems reported in the editor:\nsrc\/math\.js:4:3 error: wrong operator \(lint\)/);
    assert.match(prompt, /\[@terminal\] Output of `npm test`:\n```\nFAIL add\n```/);
    assert.match(prompt, /````markdown\nbefore\n```\nnot the end\n```\nafter\n````/);
  });
});
