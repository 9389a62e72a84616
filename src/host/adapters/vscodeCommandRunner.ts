import * as vscode from 'vscode';
import type { CommandResult, CommandRunner } from '../../core/ports';
import { NodeCommandRunner } from '../../node/nodeCommandRunner';
import { Disposable } from '../disposable';
import { HeadTailBuffer, TerminalTextStream, stripAnsi } from '../../core/tools/text';

export interface VsCodeCommandRunnerOptions {
  /** Runs commands when no terminal with shell integration is available, and all background commands. */
  fallback?: CommandRunner;
  /** How long a new terminal may take to report shell integration before we give up on it. */
  shellIntegrationTimeoutMs?: number;
  /** How long an interrupted command may take to end before its terminal is disposed. */
  killGraceMs?: number;
  /** How long VS Code may take to report that a sent command started before it is taken as lost. */
  startTimeoutMs?: number;
  /** Where to note what the terminal reported (for diagnosing lost events). */
  log?: (message: string) => void;
  /** Read per command: false runs it as a child process, without a terminal (`reverie.commands.runIn`). */
  useTerminal?: () => boolean;
}

interface ReverieTerminal {
  terminal: vscode.Terminal;
  busy: boolean;
  /**
   * The folder the shell is known to be in, or undefined when a command may have moved it. We
   * track it ourselves because shell integration reports a new cwd only with the next prompt,
   * which can arrive after the previous command's end event.
   */
  cwd: string | undefined;
}

/**
 * Runs the agent's commands in a VS Code terminal named "Reverie", so the user watches them happen
 * and can type into them. Output and exit code come from shell integration (the same mechanism
 * that draws the command decorations). A shell without integration cannot tell us where a command
 * ends or how it exited, so then we fall back to a child process instead of guessing.
 */
export class VsCodeCommandRunner extends Disposable implements CommandRunner {
  private readonly terminals: ReverieTerminal[] = [];
  /** Terminals with a command still running, ours or one the user typed (e.g. a REPL left open). */
  private readonly running = new Set<vscode.Terminal>();
  private readonly ours = new WeakSet<vscode.TerminalShellExecution>();
  private readonly fallback: CommandRunner;
  private readonly shellIntegrationTimeoutMs: number;
  private readonly killGraceMs: number;
  private readonly startTimeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly useTerminal: () => boolean;
  /** Set once a terminal failed to report shell integration: waiting 5 s before every command would be worse. */
  private terminalsUnavailable = false;

  constructor(options: VsCodeCommandRunnerOptions = {}) {
    super();
    this.fallback = options.fallback ?? new NodeCommandRunner();
    this.shellIntegrationTimeoutMs = options.shellIntegrationTimeoutMs ?? 10_000;
    this.killGraceMs = options.killGraceMs ?? 2_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.log = options.log ?? (() => {});
    this.useTerminal = options.useTerminal ?? (() => true);
    this._register(vscode.window.onDidCloseTerminal((t) => {
      const i = this.terminals.findIndex((r) => r.terminal === t);
      if (i >= 0) this.terminals.splice(i, 1);
      this.running.delete(t);
    }));
    this._register(vscode.window.onDidStartTerminalShellExecution((e) => {
      this.running.add(e.terminal);
      // Whatever the user types there may change its folder.
      const rt = this.terminals.find((r) => r.terminal === e.terminal);
      if (rt && !this.ours.has(e.execution)) rt.cwd = undefined;
    }));
    this._register(vscode.window.onDidEndTerminalShellExecution((e) => this.running.delete(e.terminal)));
  }

  async run(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?(chunk: string): void }): Promise<CommandResult> {
    if (options.signal.aborted) return { exitCode: undefined, output: '', timedOut: false, interrupted: true };
    if (this.terminalsUnavailable || !this.useTerminal()) return this.fallback.run(command, options);
    const rt = this.idleTerminal(options.cwd);
    rt.busy = true;
    const integration = await this.waitForShellIntegration(rt.terminal, options.signal);
    if (!integration) {
      this.terminals.splice(this.terminals.indexOf(rt), 1);
      rt.terminal.dispose();
      if (options.signal.aborted) return { exitCode: undefined, output: '', timedOut: false, interrupted: true };
      this.terminalsUnavailable = true;
      return this.fallback.run(command, options);
    }
    if (integration.cwd === undefined) await this.waitForFirstPrompt(rt.terminal, 3_000);
    const started = Date.now();
    const result = await this.execute(rt, integration, command, options);
    if (result !== 'not-started') return result;
    // The shell never picked the command up (seen with a brand-new terminal whose first prompt was
    // not ready). Its terminal is disposed, so a late start dies with it; run it once as a process.
    const timeoutMs = Math.max(1_000, options.timeoutMs - (Date.now() - started));
    return this.fallback.run(command, { ...options, timeoutMs });
  }

  startBackground(command: string, options: { cwd: string }): Promise<string> {
    return this.fallback.startBackground(command, options);
  }

  readBackground(id: string): ReturnType<CommandRunner['readBackground']> {
    return this.fallback.readBackground(id);
  }

  killBackground(id: string): Promise<boolean> {
    return this.fallback.killBackground(id);
  }

  override dispose(): void {
    for (const rt of this.terminals.splice(0)) rt.terminal.dispose();
    super.dispose();
  }

  private async execute(
    rt: ReverieTerminal, integration: vscode.TerminalShellIntegration, command: string,
    options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?(chunk: string): void },
  ): Promise<CommandResult | 'not-started'> {
    const { terminal } = rt;
    terminal.show(true);
    // A reused terminal may have been left elsewhere by an earlier `cd`; the user approved this
    // command for this folder, so move there first, visibly, in the same command line.
    const moved = rt.cwd !== options.cwd;
    const line = moved ? `cd ${shellQuote(options.cwd)} && ${command}` : command;
    rt.cwd = undefined; // unknown until the command has ended

    const raw = new HeadTailBuffer(2_000_000);
    const live = new TerminalTextStream();
    let exitCode: number | undefined;
    let ended!: () => void;
    const endedP = new Promise<void>((r) => (ended = r));
    const execution = integration.executeCommand(line);
    this.ours.add(execution);
    /** Ours, plus one the shell may have made of our line instead (see the start handler). */
    const executions = new Set<vscode.TerminalShellExecution>([execution]);
    this.log(`terminal: sent ${JSON.stringify(line)}`);
    const endSub = vscode.window.onDidEndTerminalShellExecution((e) => {
      this.log(`terminal: end event (ours=${executions.has(e.execution)}, same terminal=${e.terminal === terminal}, exit=${e.exitCode}, line=${JSON.stringify(e.execution.commandLine.value)})`);
      if (!executions.has(e.execution)) return;
      exitCode = e.exitCode;
      ended();
    });
    // The user may close the terminal mid-command: that interrupts it, without an exit code.
    let closed = false;
    const closeSub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      closed = true;
      ended();
    });
    let answered = false; // no onOutput calls after we have answered
    let startedRunning = false;
    let streamEnd!: () => void;
    const drained = new Promise<void>((r) => (streamEnd = r));
    // read() only yields what arrives after it is called, so start reading at once.
    const startedExecs = new Set<vscode.TerminalShellExecution>();
    const readFrom = (exec: vscode.TerminalShellExecution) => void (async () => {
      let gotOutput = false;
      for await (const chunk of exec.read()) {
        gotOutput = true;
        startedRunning = true; // output means the shell took the command, even if the start event is late
        raw.append(chunk);
        const text = live.push(chunk);
        if (text && !answered) options.onOutput?.(text);
      }
      const rest = live.flush();
      if (rest && !answered) options.onOutput?.(rest);
      // An execution that never ran can end its stream empty; only a real one ends the wait.
      this.log(`terminal: output stream ended (output=${gotOutput}, started=${startedExecs.has(exec)})`);
      if (gotOutput || startedExecs.has(exec)) streamEnd();
    })().catch(() => undefined);
    readFrom(execution);

    let stopReason: 'timeout' | 'abort' | 'not-started' | undefined;
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const timer = setTimeout(() => { stopReason ??= 'timeout'; stop(); }, options.timeoutMs);
    const startSub = vscode.window.onDidStartTerminalShellExecution((e) => {
      this.log(`terminal: start event (ours=${executions.has(e.execution)}, same terminal=${e.terminal === terminal}, line=${JSON.stringify(e.execution.commandLine.value)})`);
      if (executions.has(e.execution)) {
        startedRunning = true;
        startedExecs.add(e.execution);
      } else if (e.terminal === terminal && !startedRunning && !this.ours.has(e.execution)) {
        // Sent while the first prompt was still being drawn, our line can run as an execution the
        // shell reports as its own, and ours then never starts: adopt that one, output and end.
        executions.add(e.execution);
        this.ours.add(e.execution);
        startedExecs.add(e.execution);
        startedRunning = true;
        readFrom(e.execution);
      }
    });
    const startTimer = setTimeout(() => {
      if (!startedRunning) { stopReason ??= 'not-started'; stop(); }
    }, Math.min(this.startTimeoutMs, options.timeoutMs));
    const onAbort = () => { stopReason ??= 'abort'; stop(); };
    options.signal.addEventListener('abort', onAbort, { once: true });
    // The output stream ends when the command does. VS Code has been seen to deliver the output
    // but not the end event under load, so a finished stream also ends the wait, after a short
    // grace for the event that carries the exit code.
    const streamDone = drained.then(() => Promise.race([endedP, delay(1_500)]));
    try {
      await Promise.race([endedP, stopped, streamDone]);
    } finally {
      clearTimeout(timer);
      clearTimeout(startTimer);
      startSub.dispose();
      options.signal.removeEventListener('abort', onAbort);
      closeSub.dispose();
    }

    if (stopReason === 'not-started' && exitCode === undefined && !startedRunning) {
      answered = true;
      endSub.dispose();
      this.terminals.splice(this.terminals.indexOf(rt), 1);
      terminal.dispose();
      return 'not-started';
    }

    if (stopReason && exitCode === undefined) {
      // Answer at once with what we have; the terminal is cleaned up behind our back.
      answered = true;
      terminal.sendText('\x03', false);
      void this.reapAfterInterrupt(rt, endedP, endSub);
      const output = stripAnsi(raw.toString());
      return { exitCode: undefined, output, timedOut: stopReason === 'timeout', interrupted: stopReason === 'abort' };
    }
    // The end event can overtake the last chunks of output; give the stream a moment to finish.
    await Promise.race([drained, delay(500)]);
    answered = true;
    endSub.dispose();
    rt.busy = false;
    // Still where we put it, unless the command itself changed folder or our `cd` failed.
    if (exitCode !== undefined && !/\b(cd|pushd|popd)\b/.test(command) && !(moved && exitCode !== 0)) rt.cwd = options.cwd;
    return { exitCode, output: stripAnsi(raw.toString()), timedOut: false, interrupted: closed };
  }

  /** After Ctrl+C: free the terminal when the command ends, or dispose it if it ignores the signal. */
  private async reapAfterInterrupt(rt: ReverieTerminal, endedP: Promise<void>, endSub: vscode.Disposable): Promise<void> {
    const ended = await Promise.race([endedP.then(() => true), delay(this.killGraceMs).then(() => false)]);
    endSub.dispose();
    if (ended) {
      rt.busy = false;
      return;
    }
    const i = this.terminals.indexOf(rt);
    if (i >= 0) this.terminals.splice(i, 1);
    rt.terminal.dispose(); // kills the shell and everything it started
  }

  /** The idle Reverie terminal, or a new one: never type into a terminal whose command is still running. */
  private idleTerminal(cwd: string): ReverieTerminal {
    const idle = this.terminals.find((r) => !r.busy && !this.running.has(r.terminal) && r.terminal.exitStatus === undefined);
    if (idle) return idle;
    const terminal = vscode.window.createTerminal({ name: 'Reverie', shellPath: '/bin/bash', cwd, iconPath: new vscode.ThemeIcon('sparkle') });
    const rt: ReverieTerminal = { terminal, busy: false, cwd };
    this.terminals.push(rt);
    return rt;
  }

  /** Shell integration reports the folder with each prompt: its arrival means the shell is ready for input. */
  private waitForFirstPrompt(terminal: vscode.Terminal, maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        sub.dispose();
        clearTimeout(timer);
        resolve();
      };
      const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal === terminal && e.shellIntegration.cwd !== undefined) done();
      });
      const timer = setTimeout(done, maxMs);
      if (terminal.shellIntegration?.cwd !== undefined) done();
    });
  }

  private waitForShellIntegration(terminal: vscode.Terminal, signal: AbortSignal): Promise<vscode.TerminalShellIntegration | undefined> {
    if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
    return new Promise((resolve) => {
      const finish = (value: vscode.TerminalShellIntegration | undefined) => {
        sub.dispose();
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal === terminal) finish(e.shellIntegration);
      });
      const timer = setTimeout(() => finish(terminal.shellIntegration), this.shellIntegrationTimeoutMs);
      const onAbort = () => finish(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Single-quotes a path for bash. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
