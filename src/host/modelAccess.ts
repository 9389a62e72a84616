import * as vscode from 'vscode';
import type { ModelAccess } from '../core/ports';
import { settings } from './settings';

const SECRET_KEY = 'reverie.anthropicApiKey';
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/**
 * Model access from VS Code: the key from SecretStorage, else ANTHROPIC_API_KEY; the base URL from
 * `reverie.baseUrl`, else ANTHROPIC_BASE_URL; the model from `reverie.model`. The key is never
 * logged, put in settings, or sent to the webview: the panel only learns whether one exists.
 */
export class VsCodeModelAccess implements ModelAccess {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the stored key is set, replaced or removed (in this window or another). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) this.changed.fire();
    });
  }

  async apiKey(): Promise<string | undefined> {
    const stored = await this.secrets.get(SECRET_KEY);
    return stored || this.env.ANTHROPIC_API_KEY?.trim() || undefined;
  }

  async hasApiKey(): Promise<boolean> {
    return (await this.apiKey()) !== undefined;
  }

  baseUrl(): string | undefined {
    const configured = settings.get<string>('reverie.baseUrl').trim();
    return configured || this.env.ANTHROPIC_BASE_URL?.trim() || undefined;
  }

  model(): string {
    return settings.get<string>('reverie.model').trim() || DEFAULT_MODEL;
  }

  async storeApiKey(key: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, key);
    this.changed.fire();
  }

  async deleteApiKey(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Asks for the key in a password box; returns false when the user cancels. */
export async function promptForApiKey(access: VsCodeModelAccess): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Reverie: Set API Key',
    prompt: 'Your Anthropic API key. It is kept in VS Code\'s secret storage, never in settings.',
    placeHolder: 'sk-ant-...',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'Enter a key, or press Escape to cancel.' : /\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
  });
  if (key === undefined) return false;
  await access.storeApiKey(key.trim());
  void vscode.window.showInformationMessage('Reverie: API key saved.');
  return true;
}

/** Reverie: Set API Key and Reverie: Clear API Key. */
export function registerApiKeyCommands(access: VsCodeModelAccess): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('reverie.setApiKey', () => promptForApiKey(access)),
    vscode.commands.registerCommand('reverie.clearApiKey', async () => {
      await access.deleteApiKey();
      void vscode.window.showInformationMessage('Reverie: stored API key removed.');
    }),
  );
}
