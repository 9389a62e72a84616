import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult, CommandRunner } from '../../../src/core/ports';
import { VsCodeCommandRunner } from '../../../src/host/adapters/vscodeCommandRunner';
import { sleep, timed, workspaceRoot } from './adapterFixtures';
import { until } from './helpers';

const never = new AbortController().signal;
const reverieTerminals = () => vscode.window.terminals.filter((t) => t.name === 'Reverie');

describe('VsCodeCommandRunner in a real extension host', function () {
  this.timeout(60_000);
  // VS Code's shell integration occasionally reports a command's end without its exit code, or a
  // new terminal's integration late, under load (about one run in eight here). A real bug fails
  // all three attempts; the race is tracked in the closing notes.
  this.retries(2);
  let runner: VsCodeCommandRunner;
  let root: string;
  const run = (command: string, extra: Partial<Parameters<CommandRunner['run']>[1]> = {}) =>
    runner.run(command, { cwd: root, timeoutMs: 20_000, signal: never, ...extra });

  before(() => {
    root = workspaceRoot();
    runner = new VsCodeCommandRunner();
  });
  after(() => runner.dispose());

  it('runs in a visible "Reverie" terminal and captures output without escape codes, with exit codes 0, 1 and 3', async () => {
    const chunks: string[] = [];
    const before = reverieTerminals().length;
    const ok = await run('printf "\\033[31mred\\033[0m\\n"; echo to-stderr >&2; echo done', { onOutput: (c) => chunks.push(c) });
    assert.equal(ok.exitCode, 0, JSON.stringify(ok));
    assert.equal(ok.timedOut || ok.interrupted, false);
    assert.match(ok.output, /red\nto-stderr\ndone/);
    assert.doesNotMatch(ok.output, /\x1b|\r/);
    assert.match(chunks.join(''), /done/, 'onOutput saw the output live');
    const afterFirst = reverieTerminals().length;
    assert.ok(afterFirst >= 1 && afterFirst <= before + 1, `one Reverie terminal at most was opened (${before} -> ${afterFirst})`);

    assert.equal((await run('false')).exitCode, 1);
    const three = await run('sh -c "echo before-exit; exit 3"');
    assert.equal(three.exitCode, 3);
    assert.match(three.output, /before-exit/);
    assert.equal(reverieTerminals().length, afterFirst, 'the idle terminal is reused');
  });

  it('runs in the requested folder, also when the reused terminal is elsewhere', async () => {
    const src = path.join(root, 'src');
    const pwd = async (cwd = root) => (await run('pwd', { cwd })).output.trim().split('\n').pop();
    assert.equal(await pwd(src), src);
    assert.equal(await pwd(), root);
    assert.equal(await pwd(), root);
    await run('cd /tmp');
    assert.equal(await pwd(), root);
  });

  it('a timeout sends Ctrl+C and comes back promptly marked timedOut; the terminal is usable afterwards', async () => {
    const { value, ms } = await timed(() => run('echo started; sleep 30', { timeoutMs: 1_000 }));
    assert.deepEqual({ ...value, output: undefined }, { exitCode: undefined, output: undefined, timedOut: true, interrupted: false });
    assert.match(value.output, /started/);
    assert.ok(ms < 3_000, `${ms} ms`);
    const after = await run('echo still-works');
    assert.equal(after.exitCode, 0);
    assert.match(after.output, /still-works/);
  });

  it('an abort comes back promptly marked interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 500);
    const { value, ms } = await timed(() => run('sleep 30', { signal: ac.signal }));
    assert.equal(value.interrupted, true);
    assert.equal(value.timedOut, false);
    assert.equal(value.exitCode, undefined);
    assert.ok(ms < 2_000, `${ms} ms`);
  });

  it('a command that ignores Ctrl+C has its terminal disposed after the grace period', async () => {
    const ac = new AbortController();
    const started = run(`bash -c "trap '' INT; echo ignoring; sleep 30"`, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 800));
    // The runner shows the terminal it runs in; an earlier one may still be finishing its Ctrl+C.
    const terminal = vscode.window.activeTerminal!;
    assert.equal(terminal.name, 'Reverie');
    const closed = new Promise<void>((resolve) => {
      const sub = vscode.window.onDidCloseTerminal((t) => {
        if (t === terminal) {
          sub.dispose();
          resolve();
        }
      });
    });
    ac.abort();
    const result = await started;
    assert.equal(result.interrupted, true);
    const { ms } = await timed(() => closed);
    assert.ok(ms < 4_000, `closed ${ms} ms after the answer`);
    const next = await run('echo fresh-terminal');
    assert.equal(next.exitCode, 0);
  });

  it('does not type into its terminal while the user runs something there, but opens another', async () => {
    await run('echo ready');
    const mine = vscode.window.activeTerminal!;
    const userStarted = new Promise<void>((resolve) => {
      const sub = vscode.window.onDidStartTerminalShellExecution((e) => {
        if (e.terminal === mine) {
          sub.dispose();
          resolve();
        }
      });
    });
    mine.sendText('sleep 20'); // as if the user typed it
    await userStarted;
    try {
      const { value, ms } = await timed(() => run('echo in-another-terminal'));
      assert.equal(value.exitCode, 0);
      assert.match(value.output, /in-another-terminal/);
      assert.ok(ms < 8_000, `${ms} ms`);
      assert.notEqual(vscode.window.activeTerminal, mine);
    } finally {
      mine.sendText('\x03', false);
    }
  });

  it('an already aborted signal runs nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    assert.deepEqual(await run('echo never', { signal: ac.signal }), { exitCode: undefined, output: '', timedOut: false, interrupted: true });
  });

  it('background commands go to the Node runner', async () => {
    const id = await runner.startBackground('echo from-background; sleep 0.2', { cwd: root });
    let out = '';
    let state: Awaited<ReturnType<CommandRunner['readBackground']>>;
    for (let i = 0; i < 100; i++) {
      state = await runner.readBackground(id);
      out += state?.output ?? '';
      if (state && !state.running) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, /from-background/);
    assert.equal(state!.running, false);
    assert.equal(state!.exitCode, 0);
  });
});

describe('VsCodeCommandRunner without shell integration', function () {
  this.retries(2);
  it('falls back to the child-process runner when the terminal does not report shell integration in time', async () => {
    const calls: string[] = [];
    const fake: CommandRunner = {
      run: async (command): Promise<CommandResult> => {
        calls.push(command);
        return { exitCode: 0, output: 'from the fallback', timedOut: false, interrupted: false };
      },
      startBackground: async () => 'bg',
      readBackground: async () => undefined,
      killBackground: async () => false,
    };
    const opened: vscode.Terminal[] = [];
    const sub = vscode.window.onDidOpenTerminal((t) => opened.push(t));
    const runner = new VsCodeCommandRunner({ fallback: fake, shellIntegrationTimeoutMs: 1 });
    try {
      const first = await runner.run('echo hi', { cwd: workspaceRoot(), timeoutMs: 5_000, signal: never });
      assert.equal(first.output, 'from the fallback');
      const second = await runner.run('echo again', { cwd: workspaceRoot(), timeoutMs: 5_000, signal: never });
      assert.equal(second.output, 'from the fallback');
      assert.deepEqual(calls, ['echo hi', 'echo again']);
      await until(() => opened.length > 0, 5_000, 'the terminal to be reported open');
      await until(() => !vscode.window.terminals.includes(opened[0]), 5_000, 'the terminal without integration to be disposed');
      assert.equal(opened.length, 1, 'after one failure, later commands go straight to the fallback');
    } finally {
      sub.dispose();
      runner.dispose();
    }
  });

  it('a command the shell never picks up is run once as a child process, and its terminal is disposed', async () => {
    const impatient = new VsCodeCommandRunner({ startTimeoutMs: 1 });
    try {
      const before = reverieTerminals().length;
      const result = await impatient.run('echo via-fallback; exit 4', { cwd: workspaceRoot(), timeoutMs: 20_000, signal: never });
      assert.equal(result.exitCode, 4, JSON.stringify(result));
      assert.match(result.output, /^via-fallback$/m);
      await until(() => reverieTerminals().length === before, 5_000, 'the terminal that lost the command to be disposed');
    } finally {
      impatient.dispose();
    }
  });
});
