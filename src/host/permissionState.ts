import * as os from 'node:os';
import * as vscode from 'vscode';
import type { PermissionContext, PermissionMode, PermissionRules } from '../core/permissions/types';
import { Disposable } from './disposable';
import { rulesFromSettings } from './permissionSettings';
import { settings } from './settings';

const MODES: Array<{ mode: PermissionMode; label: string; detail: string }> = [
  { mode: 'ask', label: 'Ask', detail: 'Reads run; edits and commands ask first (default)' },
  { mode: 'acceptEdits', label: 'Accept Edits', detail: 'Edits inside the workspace apply without asking; commands ask' },
  { mode: 'plan', label: 'Plan', detail: 'Read-only: no edits, only read-only commands (after asking)' },
  { mode: 'bypass', label: 'Bypass', detail: 'Everything runs without asking, except protected paths and deny rules' },
];

/**
 * The permission mode for this window and the rules from settings, as the core's PermissionContext.
 * In an untrusted workspace, rules from workspace settings are ignored entirely, so a cloned repo
 * cannot pre-approve its own commands; bypass cannot be entered there.
 */
export class PermissionState extends Disposable {
  private current: PermissionMode;
  private readonly status: vscode.StatusBarItem;
  private readonly changed = this._register(new vscode.EventEmitter<PermissionMode>());
  /** Fires when the mode changes (the status bar picker, the panel's switch). */
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    // Never bypass: package.json's enum leaves it out, and settings.get() enforces the enum.
    this.current = settings.get<PermissionMode>('reverie.permissions.defaultMode');
    this.status = this._register(vscode.window.createStatusBarItem('reverie.permissionMode', vscode.StatusBarAlignment.Right, 100));
    this.status.name = 'Reverie Permission Mode';
    this.status.command = 'reverie.setPermissionMode';
    this.render();
    this.status.show();
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.render()));
  }

  get mode(): PermissionMode {
    return this.current;
  }

  context(): PermissionContext {
    const trusted = vscode.workspace.isTrusted;
    return {
      mode: this.current === 'bypass' && !trusted ? 'ask' : this.current,
      rules: readRules(trusted),
      roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      trusted,
      home: os.homedir(),
    };
  }

  /** Lets the user pick a mode; bypass needs a confirmation and a trusted workspace. */
  async pick(): Promise<PermissionMode | undefined> {
    const choice = await vscode.window.showQuickPick(
      MODES.map((m) => ({ ...m, description: m.mode === this.current ? '(current)' : undefined })),
      { title: 'Reverie: Permission Mode', placeHolder: 'How much may Reverie do without asking?' },
    );
    if (!choice) return undefined;
    return (await this.set(choice.mode)) ? choice.mode : undefined;
  }

  async set(mode: PermissionMode): Promise<boolean> {
    if (mode === 'bypass') {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Reverie: Bypass mode is not available in an untrusted workspace.');
        return false;
      }
      const ok = await vscode.window.showWarningMessage(
        'Enter Bypass mode?',
        { modal: true, detail: 'Reverie will edit files and run commands without asking. Protected paths (.git, .vscode, shell startup files, outside the workspace) and deny rules still apply.' },
        'Enter Bypass Mode',
      );
      if (ok !== 'Enter Bypass Mode') return false;
    }
    const was = this.current;
    this.current = mode;
    this.render();
    if (was !== mode) this.changed.fire(mode);
    return true;
  }

  private render(): void {
    const label = MODES.find((m) => m.mode === this.current)!.label;
    this.status.text = `$(shield) Reverie: ${label}`;
    this.status.tooltip = `Permission mode: ${label}. Click to change.`;
    this.status.backgroundColor = this.current === 'bypass' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}

/** allow / ask / deny from settings; in an untrusted workspace only the user's own allow rules count. */
function readRules(trusted: boolean): PermissionRules {
  const config = vscode.workspace.getConfiguration('reverie.permissions');
  return rulesFromSettings((key) => config.inspect<unknown>(key), trusted);
}
