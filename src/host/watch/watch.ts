import * as vscode from 'vscode';
import type { AgentOutcome } from '../../core/agent/events';
import type { AccessRequest, CommandRunner, Logger } from '../../core/ports';
import type { Authorization } from '../../core/tools/tool';
import type { HostToWebview } from '../../shared/protocol';
import { VsCodeDiagnostics } from '../adapters/vscodeDiagnostics';
import { Disposable } from '../disposable';
import type { Severity } from '../fixThis/fixPrompt';
import { FIX_COMMAND } from '../fixThis/fixThis';
import type { DiagnosticKey } from '../fixThis/verification';
import { budgetSpentText, offerText, testFailurePrompt, WatchPolicy, type Trigger } from './watchPolicy';
import { settings } from '../settings';

/** How long to wait for the first report after a save, then for the reports to stop changing. */
const FIRST_REPORT_MS = 5_000;
/** Saves closer together than this run the test command once. */
const TEST_DEBOUNCE_MS = 2_000;
const TEST_TIMEOUT_MS = 10 * 60_000;
export const FIX_ACTION = 'Fix with Reverie';

export interface WatchDeps {
  chat: {
    readonly busy: boolean;
    sendPrompt(display: string, prompt: string): Promise<AgentOutcome | undefined>;
    onDidPost(listener: (m: HostToWebview) => void): { dispose(): void };
    addNotice(text: string): void;
  };
  /** The chat panel: shown before a fix; a notice goes there too when it is open. */
  panel: { readonly isResolved: boolean; reveal(): Promise<void> };
  commands: CommandRunner;
  authorize(request: AccessRequest, signal: AbortSignal): Promise<Authorization>;
  log: Logger;
  now?: () => number;
}

/** The last offer made, for the integration tests (`api.watch.lastOffer`). */
export interface WatchOffer {
  kind: Trigger['kind'];
  file: string;
  text: string;
  at: number;
}

const SEVERITY: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

function key(d: vscode.Diagnostic): DiagnosticKey {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return { message: d.message, severity: SEVERITY[d.severity] ?? 'error', source: d.source, code };
}

const enabled = () => settings.get<boolean>('reverie.watch.enabled');

/**
 * `reverie.watch.enabled`: after a save, when the file's diagnostics settle with errors it did not
 * have before, or the test command run on save fails, offer help (a notification with "Fix with
 * Reverie", and a notice in the panel when it is open). It never acts unasked; accepted help runs
 * the "Fix with Reverie" flow and counts against `reverie.watch.tokensPerHour`.
 */
export class Watch extends Disposable {
  private readonly diagnostics = this._register(new VsCodeDiagnostics(FIRST_REPORT_MS));
  readonly policy: WatchPolicy;
  /** uri -> the file's diagnostics as of its saved text (after the last save settled, or before its first edit). */
  private readonly baseline = new Map<string, DiagnosticKey[]>();
  private readonly checks = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private testTimer: ReturnType<typeof setTimeout> | undefined;
  private testsRunning = false;
  lastOffer: WatchOffer | undefined;
  offerCount = 0;

  constructor(private readonly deps: WatchDeps) {
    super();
    const now = deps.now ?? Date.now;
    this.policy = new WatchPolicy(now, () => settings.get<number>('reverie.watch.tokensPerHour'));
    const snapshot = (uri: vscode.Uri) => {
      if (!this.baseline.has(uri.toString())) this.baseline.set(uri.toString(), vscode.languages.getDiagnostics(uri).map(key));
    };
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && e.document.uri.scheme === 'file' && enabled()) snapshot(e.document.uri);
    }));
    this._register(vscode.workspace.onWillSaveTextDocument((e) => {
      if (e.document.uri.scheme === 'file' && enabled()) snapshot(e.document.uri);
    }));
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => this.saved(doc)));
    this._register({ dispose: () => (this.abort.abort(), clearTimeout(this.testTimer)) });
  }

  /** Resolves when the checks started by earlier saves are done (the tests' hook). */
  async idle(): Promise<void> {
    while (this.checks.size) await Promise.all([...this.checks]);
  }

  private saved(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file' || !enabled()) return;
    const check = this.checkErrors(doc.uri)
      .catch((err) => this.deps.log.error(`watch: ${err instanceof Error ? err.stack : String(err)}`))
      .finally(() => this.checks.delete(check));
    this.checks.add(check);
    if (settings.get<boolean>('reverie.watch.runTests')) this.scheduleTests(doc.uri);
  }

  private async checkErrors(uri: vscode.Uri): Promise<void> {
    const before = this.baseline.get(uri.toString()) ?? [];
    const after = (await this.settled(uri)).map(key);
    this.baseline.set(uri.toString(), after);
    this.consider({ kind: 'errors', file: vscode.workspace.asRelativePath(uri, false), before, after }, uri);
  }

  /** The file's problems once the language server has reported and stopped changing them. */
  private settled(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]> {
    return this.diagnostics.quiet(uri);
  }

  private scheduleTests(uri: vscode.Uri): void {
    clearTimeout(this.testTimer);
    this.testTimer = setTimeout(() => {
      const run = this.runTests(uri)
        .catch((err) => this.deps.log.error(`watch: test run failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.checks.delete(run));
      this.checks.add(run);
    }, TEST_DEBOUNCE_MS);
  }

  /** `reverie.fix.testCommand`, only in a trusted workspace, through the agent's gate (it may ask). */
  private async runTests(uri: vscode.Uri): Promise<void> {
    const command = settings.get<string>('reverie.fix.testCommand', uri).trim();
    if (!command || !enabled() || this.deps.chat.busy || this.testsRunning) return;
    if (!vscode.workspace.isTrusted) return this.deps.log.info('watch: tests are not run on save in Restricted Mode');
    const cwd = (vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
    if (!cwd) return;
    this.testsRunning = true;
    try {
      const signal = this.abort.signal;
      const auth = await this.deps.authorize({ kind: 'command', tool: 'run_command', command, cwd }, signal);
      if (!auth.granted) return this.deps.log.info(`watch: ${command} was not allowed`);
      const r = await this.deps.commands.run(command, { cwd, timeoutMs: TEST_TIMEOUT_MS, signal });
      if (r.exitCode === 0 || r.timedOut || r.interrupted) return;
      this.consider({ kind: 'tests', file: vscode.workspace.asRelativePath(uri, false), command, exitCode: r.exitCode, output: r.output }, uri);
    } finally {
      this.testsRunning = false;
    }
  }

  /** Asks the policy, and makes the offer it allows. The offer is not awaited: nothing waits on the user. */
  private consider(trigger: Trigger, uri: vscode.Uri): void {
    const decision = this.policy.decide(trigger.kind === 'tests' ? { ...trigger, file: `tests:${trigger.command}` } : trigger, this.deps.chat.busy);
    if (!decision.offer) {
      if (decision.why !== 'no_new_errors') this.deps.log.info(`watch: no offer for ${trigger.file} (${decision.why})`);
      return;
    }
    const text = offerText(trigger, decision.errors);
    this.lastOffer = { kind: trigger.kind, file: trigger.file, text, at: (this.deps.now ?? Date.now)() };
    this.offerCount++;
    if (this.deps.panel.isResolved) this.deps.chat.addNotice(`${text.replace(/^Reverie: /, '')} Choose "${FIX_ACTION}" in the notification for help.`);
    void vscode.window.showWarningMessage(text, FIX_ACTION, 'Dismiss').then((choice) => {
      if (choice !== FIX_ACTION) return;
      return this.accept(trigger, decision.errors, uri);
    }).then(undefined, (err) => this.deps.log.error(`watch: fix failed: ${err instanceof Error ? err.stack : String(err)}`));
  }

  /** "Fix with Reverie" on an offer: the budget first, then the fix-this flow (or a focused turn for tests). */
  private async accept(trigger: Trigger, errors: readonly DiagnosticKey[], uri: vscode.Uri): Promise<void> {
    if (this.deps.chat.busy) return void vscode.window.showInformationMessage('Reverie is still working. Try again when the current turn ends.');
    const budget = this.policy.budget();
    if (!budget.ok) return void vscode.window.showInformationMessage(budgetSpentText(budget));
    let tokens = 0;
    const counting = this.deps.chat.onDidPost((m) => {
      if (m.type === 'turnEnded' && m.usage) tokens += m.usage.inputTokens + m.usage.outputTokens + m.usage.cacheReadInputTokens + m.usage.cacheCreationInputTokens;
    });
    try {
      if (trigger.kind === 'tests') {
        await this.deps.panel.reveal();
        const { display, prompt } = testFailurePrompt(trigger);
        await this.deps.chat.sendPrompt(display, prompt);
        return;
      }
      // The fix-this command reads the problem under the cursor: put the cursor on the first new error.
      const target = vscode.languages.getDiagnostics(uri).find((d) => errors.some((e) => sameKey(e, key(d))));
      if (!target) return void vscode.window.showInformationMessage(`Reverie: the new errors in ${trigger.file} are gone already.`);
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(target.range.start, target.range.start) });
      await vscode.commands.executeCommand(FIX_COMMAND);
    } finally {
      counting.dispose();
      this.policy.spend(tokens);
    }
  }
}

function sameKey(a: DiagnosticKey, b: DiagnosticKey): boolean {
  return a.message === b.message && a.severity === b.severity && (a.source ?? '') === (b.source ?? '') && String(a.code ?? '') === String(b.code ?? '');
}
