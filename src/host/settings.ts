/**
 * The editor's side of settingValues.ts: values come from VS Code's configuration, schemas from
 * our own package.json (read at run time, so the bundle carries no copy), and a wrong value is
 * reported in the log and with a warning that opens the setting.
 */
import * as vscode from 'vscode';
import { validateRules } from '../core/permissions';
import type { Logger } from '../core/ports';
import { Settings, type SettingSchemas } from './settingValues';

const EXTENSION_ID = 'reverie-dev.reverie';

let schemas: SettingSchemas | undefined;
let log: Logger | undefined;

function declared(): SettingSchemas {
  schemas ??= vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.configuration?.properties ?? {};
  return schemas!;
}

/** Every `reverie.*` setting, checked on read; see settingValues.ts. */
export const settings = new Settings(
  declared,
  (key, scope) => vscode.workspace.getConfiguration(undefined, scope as vscode.Uri | undefined).get(key),
  (key, message) => {
    log?.warn(`settings: ${message}`);
    void vscode.window.showWarningMessage(`Reverie: ${message}`, 'Open Settings')
      .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', key));
  },
);

/**
 * Reports wrong values now and whenever Reverie's settings change, to `logger` and as a warning:
 * values of the wrong type or range, and permission rules that will be ignored.
 */
export function watchSettings(logger: Logger): vscode.Disposable {
  log = logger;
  settings.checkAll('reverie.');
  reportBadRules(logger);
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('reverie')) settings.checkAll('reverie.');
    if (e.affectsConfiguration('reverie.permissions')) reportBadRules(logger);
  });
}

/** Warns about permission rules that will be ignored: a typo in a deny rule means no protection. */
function reportBadRules(logger: Logger): void {
  const list = (key: string) => settings.get<string[]>(`reverie.permissions.${key}`);
  const problems = validateRules({ allow: list('allow'), ask: list('ask'), deny: list('deny') });
  if (!problems.length) return;
  for (const p of problems) logger.warn(`settings: ${p}`);
  void vscode.window.showWarningMessage(`Reverie: ${problems.length} permission rule(s) in your settings are malformed and ignored: ${problems[0]}`, 'Open Settings')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'reverie.permissions'));
}
