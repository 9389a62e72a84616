import * as path from 'node:path';
import type { AccessRequest } from '../ports';
import { analyseCommand, render } from './commandParts';
import { escapeGlob, isInside, toPosix } from './paths';

/**
 * The rule "Always allow" adds: narrow enough to mean what the person approved, wide enough to
 * cover the obvious next calls. Commands by program and subcommand (`npm test:*`), edits by
 * folder relative to the workspace root (so the rule survives a moved checkout), reads outside
 * the workspace by absolute folder (an absolute allow rule is the only thing that opens one).
 */
export function suggestRule(request: AccessRequest, roots: string[]): string {
  if (request.kind === 'command') return `run_command(${commandPrefix(request.command)})`;
  const tool = request.kind === 'edit' ? 'edit_file' : 'read_file';
  const target = path.resolve(request.path);
  // Listing and searching tools name a folder; the others name a file, whose folder is meant.
  const folder = request.kind === 'read' && (request.tool === 'list_files' || request.tool === 'glob') ? target : path.dirname(target);
  const root = roots.filter((r) => isInside(target, r)).sort((a, b) => b.length - a.length)[0];
  if (!root) return `${tool}(${globFor(toPosix(folder))})`;
  const rel = toPosix(path.relative(path.resolve(root), folder));
  if (rel === '') return `${tool}(./${folder === target ? '**' : escapeGlob(path.basename(target))})`;
  return `${tool}(${globFor(rel)})`;
}

function globFor(folder: string): string {
  return `${folder.split('/').map(escapeGlob).join('/').replace(/\/$/, '')}/**`;
}

/** `<program> <subcommand>:*`, the subcommand only when it is a plain word, not an option or a path. */
function commandPrefix(command: string): string {
  const part = analyseCommand(command).parts.find((p) => p.words.length > 0);
  if (!part) return command.trim().replace(/\s+/g, ' ');
  // After sudo, only a rule naming sudo can allow the command, so the suggestion starts there.
  const privileged = !part.allowForms.includes(part.text);
  const tokens = privileged ? part.allowForms[part.allowForms.length - 1].split(' ') : part.words.map((w) => render([w]));
  const [program, second] = tokens;
  const plain = second !== undefined && /^[A-Za-z0-9_@%+=:,.-]+$/.test(second) && !second.startsWith('-');
  return plain ? `${program} ${second}:*` : `${program}:*`;
}
