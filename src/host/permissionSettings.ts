import type { PermissionRules } from '../core/permissions/types';

/**
 * Which permission rules from settings count, without `vscode` so it is unit-tested: in an
 * untrusted workspace only the user's own allow rules are read (and decide() ignores allow rules
 * there anyway); workspace and folder settings may only add ask and deny rules, which narrow.
 */
export interface InspectedList {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** A settings value as rules: a list's strings; anything else (reported by settings.ts) is no rules. */
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function rulesFromSettings(inspect: (key: keyof PermissionRules) => InspectedList | undefined, trusted: boolean): PermissionRules {
  const list = (key: keyof PermissionRules): string[] => {
    const inspected = inspect(key);
    if (!inspected) return [];
    const user = strings(inspected.globalValue);
    if (!trusted && key === 'allow') return user;
    return [...user, ...strings(inspected.workspaceValue), ...strings(inspected.workspaceFolderValue)];
  };
  return { allow: list('allow'), ask: list('ask'), deny: list('deny') };
}
