/**
 * CommandRunner on Node's child_process, for POSIX systems. Each command runs in a shell of its
 * own process group, so stopping it (timeout, Stop, kill) reaches everything it started: a test
 * runner's workers, a dev server's children, `a & b`. Output is what a human would read:
 * stdout and stderr interleaved, escape codes stripped, no pager waiting for a keypress.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CommandResult, CommandRunner } from '../core/ports';
import { HeadTailBuffer, TerminalTextStream } from '../core/tools/text';

/** Output kept in memory per command (head + tail); tools cut it much shorter for the model. */
const MAX_KEPT = 2_000_000;
/** Time between SIGTERM and SIGKILL: enough for a well-behaved process to clean up. */
const KILL_GRACE_MS = 2_000;
/** After the shell exits, how long to wait for its pipes to drain. A grandchild left running
 *  with `&` can hold them open forever, and the command is over for the user either way. */
const DRAIN_MS = 200;

interface Job {
  child: ChildProcess;
  exited: Promise<void>;
  running: boolean;
  exitCode: number | undefined;
  output: HeadTailBuffer;
}

export class NodeCommandRunner implements CommandRunner {
  private readonly shell: string;
  private readonly background = new Map<string, Job>();
  private readonly live = new Set<Job>();
  private nextId = 1;

  constructor(options: { shell?: string } = {}) {
    this.shell = options.shell ?? (existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh');
  }

  async run(
    command: string,
    options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?(chunk: string): void },
  ): Promise<CommandResult> {
    const { signal } = options;
    if (signal.aborted) return { exitCode: undefined, output: '', timedOut: false, interrupted: true };

    const job = await this.start(command, options.cwd, MAX_KEPT, options.onOutput);
    let timedOut = false;
    let interrupted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.stop(job);
    }, options.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      this.stop(job);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort(); // aborted while the shell was starting
    try {
      await job.exited;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    const killed = timedOut || interrupted;
    return { exitCode: killed ? undefined : job.exitCode, output: job.output.toString(), timedOut, interrupted: interrupted && !timedOut };
  }

  async startBackground(command: string, options: { cwd: string }): Promise<string> {
    const job = await this.start(command, options.cwd, MAX_KEPT);
    const id = `bg-${this.nextId++}`;
    this.background.set(id, job);
    return id;
  }

  async readBackground(id: string): Promise<{ output: string; running: boolean; exitCode: number | undefined } | undefined> {
    const job = this.background.get(id);
    if (!job) return undefined;
    return { output: job.output.take(), running: job.running, exitCode: job.exitCode };
  }

  /** Stops the job's whole process group and waits for its shell to exit. */
  async killBackground(id: string): Promise<boolean> {
    const job = this.background.get(id);
    if (!job) return false;
    this.stop(job);
    await job.exited;
    return true;
  }

  /** Stops every command still running (background jobs included), e.g. when the extension deactivates. */
  dispose(): void {
    for (const job of this.live) this.stop(job);
  }

  /** Spawns the shell and resolves once it is running; rejects if it could not start (bad cwd, no shell). */
  private start(command: string, cwd: string, maxKept: number, onOutput?: (chunk: string) => void): Promise<Job> {
    const child = spawn(this.shell, ['-c', command], {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PAGER: 'cat', GIT_PAGER: 'cat', TERM: 'dumb' },
    });
    const output = new HeadTailBuffer(maxKept);
    const emit = (text: string) => {
      if (text === '') return;
      output.append(text);
      try {
        onOutput?.(text);
      } catch {
        // A failing listener must not crash the stream handler (and the host with it); the
        // output is still collected for the result.
      }
    };
    const open = [child.stdout!, child.stderr!].map((stream) => {
      const decoder = new TextDecoder();
      const text = new TerminalTextStream();
      stream.on('data', (bytes: Buffer) => emit(text.push(decoder.decode(bytes, { stream: true }))));
      return new Promise<void>((resolve) => {
        stream.on('close', () => {
          emit(text.push(decoder.decode()) + text.flush());
          resolve();
        });
      });
    });

    const job: Job = { child, exited: Promise.resolve(), running: true, exitCode: undefined, output };
    job.exited = new Promise<void>((resolve) => {
      child.once('exit', (code) => {
        job.running = false;
        job.exitCode = code ?? undefined;
        this.live.delete(job);
        const drained = Promise.all(open).then(() => undefined);
        const timer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, DRAIN_MS);
        void drained.finally(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    });

    return new Promise<Job>((resolve, reject) => {
      child.once('spawn', () => {
        this.live.add(job);
        resolve(job);
      });
      // `on`, not `once`: an 'error' event without a listener would crash the host.
      child.on('error', (err) => {
        const missing = !existsSync(cwd) ? ` (the folder ${cwd} does not exist)` : '';
        reject(new Error(`could not start ${this.shell}: ${err.message}${missing}`));
      });
    });
  }

  /** SIGTERM to the whole group now, SIGKILL to whatever is left of it after the grace period. */
  private stop(job: Job): void {
    const pid = job.child.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  }
}

/** Signals a process group; a group that is already gone is not an error. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}
