import type { AccessRequest } from '../../../src/core/ports';
import { decide } from '../../../src/core/permissions';
import type { PermissionContext, PermissionDecision, PermissionRules } from '../../../src/core/permissions/types';

/** A fixed, POSIX-style world: one workspace root, a home folder, a memory folder under ~/.reverie. */
export const ROOT = '/ws/app';
export const HOME = '/home/me';
export const MEMORY = `${HOME}/.reverie/memory`;

export function ctx(over: Partial<Omit<PermissionContext, 'rules'>> = {}, rules: Partial<PermissionRules> = {}): PermissionContext {
  return { mode: 'ask', roots: [ROOT], trusted: true, home: HOME, ...over, rules: { allow: [], ask: [], deny: [], ...rules } };
}

export const read = (path: string, tool = 'read_file'): AccessRequest => ({ kind: 'read', tool, path });
export const edit = (path: string, tool = 'edit_file'): AccessRequest => ({ kind: 'edit', tool, path, before: 'old', after: 'new' });
export const run = (command: string, cwd = ROOT): AccessRequest => ({ kind: 'command', tool: 'run_command', command, cwd });

export const behavior = (request: AccessRequest, context: PermissionContext): PermissionDecision['behavior'] =>
  decide(request, context).behavior;
