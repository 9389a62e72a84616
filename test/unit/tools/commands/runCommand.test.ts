import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { commandOutputTool } from '../../../../src/core/tools/commandOutput';
import { runCommandTool } from '../../../../src/core/tools/runCommand';
import { NodeCommandRunner } from '../../../../src/node/nodeCommandRunner';
import { fakeContext, type FakeContextOptions } from './fakeContext';
import { eventually, pgidFrom, waitForGroupGone } from './processes';

describe('run_command and command_output', () => {
  let dir: string;
  let runner: NodeCommandRunner;
  const context = (options: Partial<FakeContextOptions> = {}) => fakeContext({ cwd: dir, commands: runner, ...options });

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-run-')));
    runner = new NodeCommandRunner();
  });
  afterEach(() => {
    runner.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('run_command', () => {
    it('asks for the exact command line in the working folder, then runs it there', async () => {
      const ctx = context();
      const result = await runCommandTool.run({ command: 'pwd' }, ctx);
      assert.deepEqual(ctx.requests, [{ kind: 'command', tool: 'run_command', command: 'pwd', cwd: dir }]);
      assert.deepEqual(result, { content: `${dir}\nExit code: 0` });
    });

    it('marks a non-zero exit as an error and keeps stdout and stderr', async () => {
      const result = await runCommandTool.run({ command: 'echo to-stdout; echo to-stderr >&2; exit 3' }, context());
      assert.equal(result.isError, true);
      assert.equal(result.content, 'to-stdout\nto-stderr\nExit code: 3');
      assert.equal((await runCommandTool.run({ command: 'exit 1' }, context())).content, '(no output)\nExit code: 1');
    });

    it('says so when there is no output', async () => {
      const result = await runCommandTool.run({ command: 'true' }, context());
      assert.deepEqual(result, { content: '(no output)\nExit code: 0' });
    });

    it('streams chunks to progress while the command runs, escape codes stripped', async () => {
      const ctx = context();
      await runCommandTool.run({ command: String.raw`printf '\033[32mok\033[0m\n'; sleep 0.05; echo second` }, ctx);
      assert.ok(ctx.chunks.length >= 2, `chunks: ${JSON.stringify(ctx.chunks)}`);
      assert.equal(ctx.chunks.join(''), 'ok\nsecond\n');
    });

    it('keeps the head and the tail of huge output, within 30,000 characters', async () => {
      const result = await runCommandTool.run({ command: 'seq 1 200000' }, context());
      assert.ok(result.content.length <= 30_100, `length ${result.content.length}`);
      assert.ok(result.content.startsWith('1\n2\n3\n'));
      assert.ok(result.content.endsWith('199999\n200000\nExit code: 0'));
      const omitted = Number(/\.\.\. \[(\d+) characters omitted\] \.\.\./.exec(result.content)?.[1]);
      assert.ok(omitted > 1_200_000, `omitted ${omitted}`);
    });

    it('runs nothing when authorization is denied, and quotes the reason', async () => {
      const ctx = context({ deny: 'denied by rule run_command(touch:*)' });
      const result = await runCommandTool.run({ command: 'touch marker' }, ctx);
      assert.equal(result.isError, true);
      assert.match(result.content, /permission denied \(denied by rule run_command\(touch:\*\)\)/);
      assert.equal(fs.existsSync(path.join(dir, 'marker')), false);
      await runCommandTool.run({ command: 'touch marker', run_in_background: true }, ctx);
      assert.equal(fs.existsSync(path.join(dir, 'marker')), false);
    });

    it('stops a command at its timeout, says so and suggests the background', async () => {
      const started = Date.now();
      const result = await runCommandTool.run({ command: 'echo pgid=$$; sleep 30 & sleep 30; wait', timeout_ms: 1000 }, context());
      assert.ok(Date.now() - started < 3000);
      assert.equal(result.isError, true);
      assert.match(result.content, /timed out after 1 s/);
      assert.match(result.content, /run_in_background/);
      assert.deepEqual(await waitForGroupGone(pgidFrom(result.content)), []);
    });

    it('returns promptly with the partial output when the user interrupts', async () => {
      const controller = new AbortController();
      const ctx = context({ signal: controller.signal });
      ctx.progress = (chunk) => { if (chunk.includes('working')) controller.abort(); };
      const started = Date.now();
      const result = await runCommandTool.run({ command: 'echo working; sleep 30' }, ctx);
      assert.ok(Date.now() - started < 2000);
      assert.equal(result.isError, true);
      assert.equal(result.content, 'working\nCommand interrupted by the user; partial output above.');
    });

    it('explains a command that cannot start', async () => {
      const result = await runCommandTool.run({ command: 'true' }, context({ cwd: path.join(dir, 'gone') }));
      assert.equal(result.isError, true);
      assert.match(result.content, /could not be started.*does not exist/);
    });

    it('declares its limits in the input schema', () => {
      assert.equal(runCommandTool.input.safeParse({ command: 'ls', timeout_ms: 700_000 }).success, false);
      assert.equal(runCommandTool.input.safeParse({ command: '' }).success, false);
      const schema = z.toJSONSchema(runCommandTool.input) as { required: string[]; properties: Record<string, { description?: string }> };
      assert.deepEqual(schema.required, ['command']);
      assert.match(schema.properties.description.description ?? '', /5-10 words/);
    });
  });

  describe('background and command_output', () => {
    it('starts in the background, reads new output, then kills the command', async () => {
      const ctx = context();
      const started = await runCommandTool.run({ command: 'echo pgid=$$; echo ready; sleep 30', run_in_background: true }, ctx);
      const id = /id (bg-\d+)/.exec(started.content)?.[1];
      assert.ok(id, started.content);
      assert.match(started.content, /command_output/);

      const first = await eventually(async () => {
        const r = await commandOutputTool.run({ id }, ctx);
        return r.content.includes('ready') && r;
      });
      assert.match(first.content, /Status: still running\.$/);
      const pgid = pgidFrom(first.content);
      assert.equal((await commandOutputTool.run({ id }, ctx)).content, '(no new output)\nStatus: still running.');

      const killed = await commandOutputTool.run({ id, kill: true }, ctx);
      assert.deepEqual(killed, { content: '(no new output)\nStatus: stopped.' });
      assert.deepEqual(await waitForGroupGone(pgid), []);
    });

    it('reports the exit code once the command ended', async () => {
      const ctx = context();
      const started = await runCommandTool.run({ command: 'echo built; exit 2', run_in_background: true }, ctx);
      const id = /id (bg-\d+)/.exec(started.content)![1];
      await eventually(async () => !(await runner.readBackground(id).then((r) => r?.running)) || undefined);
      const result = await commandOutputTool.run({ id }, ctx);
      assert.equal(result.isError, true);
      assert.match(result.content, /Exit code: 2$/);
    });

    it('answers an unknown id with an error', async () => {
      const result = await commandOutputTool.run({ id: 'bg-42' }, context());
      assert.equal(result.isError, true);
      assert.match(result.content, /No background command has the id "bg-42"/);
      assert.equal((await commandOutputTool.run({ id: 'bg-42', kill: true }, context())).isError, true);
    });
  });
});
