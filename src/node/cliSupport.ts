import { createPatch } from 'diff';
import * as readline from 'node:readline/promises';
import { z } from 'zod';
import type { AccessRequest, ApprovalAnswer, Approvals, FileSystem, Logger } from '../core/ports';
import type { PermissionRules } from '../core/permissions/types';

/** Errors always reach stderr; the rest only with --verbose. stdout stays for the answer. */
export function cliLogger(verbose: boolean): Logger {
  const line = (level: string) => (m: string) => process.stderr.write(`[${level}] ${m}\n`);
  const quiet = () => {};
  return { debug: verbose ? line('debug') : quiet, info: verbose ? line('info') : quiet, warn: verbose ? line('warn') : quiet, error: line('error') };
}

const settingsFile = z.object({
  permissions: z.object({
    allow: z.array(z.string()).default([]),
    ask: z.array(z.string()).default([]),
    deny: z.array(z.string()).default([]),
  }).partial().optional(),
});

/** Permission rules from `settings.json` files (user, then project); a bad file is reported and skipped. */
export async function loadCliRules(fs: FileSystem, files: string[], log: Logger): Promise<PermissionRules> {
  const rules: PermissionRules = { allow: [], ask: [], deny: [] };
  for (const file of files) {
    if (!(await fs.stat(file))) continue;
    try {
      const parsed = settingsFile.parse(JSON.parse(new TextDecoder().decode(await fs.readFile(file))));
      rules.allow.push(...(parsed.permissions?.allow ?? []));
      rules.ask.push(...(parsed.permissions?.ask ?? []));
      rules.deny.push(...(parsed.permissions?.deny ?? []));
    } catch (err) {
      log.error(`ignoring ${file}: ${err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err)}`);
    }
  }
  return rules;
}

/** Asks on the terminal: the diff or the exact command, then [y]es / [a]lways / [n]o. */
export function terminalApprovals(): Approvals {
  return {
    async ask(request: AccessRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
      try {
        process.stderr.write(`\n${describe(request)}\n`);
        const answer = (await rl.question('Allow? [y]es, [a]lways, [n]o: ', { signal })).trim().toLowerCase();
        if (answer === 'y' || answer === 'yes') return { approved: true };
        if (answer === 'a' || answer === 'always') return { approved: true, always: true };
        const reason = (await rl.question('Why not? (optional, shown to the model): ', { signal })).trim();
        return { approved: false, reason: reason || undefined };
      } catch {
        return { approved: false, reason: 'interrupted' };
      } finally {
        rl.close();
      }
    },
  };
}

function describe(request: AccessRequest): string {
  switch (request.kind) {
    case 'command':
      return `Reverie wants to run (in ${request.cwd}):\n  ${request.command}`;
    case 'read':
      return `Reverie wants to read ${request.path} (outside the workspace or protected)`;
    case 'edit':
      return `Reverie wants to ${request.before === undefined ? 'create' : 'change'} ${request.path}:\n${createPatch(request.path, request.before ?? '', request.after)}`;
  }
}
