/**
 * `@` mentions in a message, and what the model gets for them. The text the user typed is sent as
 * is; the host appends one attachment per distinct mention:
 *
 * - `@path` / `@path:12-20` (a file, a line range, a folder): attached only when the permission
 *   layer would let `read_file` read it WITHOUT asking (inside the workspace, not protected, no
 *   deny or ask rule) and it is small (FILE_LIMIT characters); a folder is attached as a listing.
 *   Otherwise nothing of the file is read: the model is told the file was mentioned and to read
 *   it with `read_file`, which goes through the same permission check (and asks the user), or
 *   that the rules deny it. So a mention never reaches a file the agent could not.
 * - `@selection`: the active editor's selection (normally the picker inserts `@path:lines` instead).
 * - `@problems`: the current diagnostics, capped. `@terminal`: the captured terminal output.
 *
 * A `@word` that names nothing (an e-mail, a decorator) stays plain text. Pure: the editor is
 * reached through MentionEnvironment, so the rules are unit-tested in Node.
 */
import * as path from 'node:path';

export const MENTION_LIMITS = { fileChars: 20_000, totalChars: 80_000, mentions: 10, folderEntries: 200 } as const;

export type MentionTarget =
  | { kind: 'selection' | 'problems' | 'terminal'; raw: string }
  | { kind: 'path'; raw: string; path: string; lines?: { start: number; end: number } };

export interface MentionStat {
  type: 'file' | 'dir';
  size: number;
  /** The path with symlinks resolved: what the permission check is asked about. */
  realPath: string;
}

export interface MentionEnvironment {
  /** Absolute workspace roots; relative mentions resolve against them in order. */
  roots: readonly string[];
  stat(abs: string): Promise<MentionStat | undefined>;
  readText(abs: string): Promise<string>;
  listDir(abs: string): Promise<Array<{ name: string; dir: boolean }>>;
  /** What the permission layer says about `read_file` on this (resolved, absolute) path. */
  readDecision(abs: string): 'allow' | 'ask' | 'deny';
  selection?(): { label: string; language: string; text: string } | undefined;
  problems?(): string[];
  terminal?(): { label: string; text: string } | undefined;
}

const SPECIAL = new Set(['selection', 'problems', 'terminal']);
/** `@` at the start or after whitespace or an opening bracket, then `"quoted path"` or a run of non-space. */
const MENTION = /(^|[\s([{])@("([^"\n]+)"|[^\s"]+)/g;
const LINES = /:(\d+)(?:-(\d+))?$/;

/** The mentions in a text, in order, without duplicates. */
export function parseMentions(text: string): MentionTarget[] {
  const out: MentionTarget[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(MENTION)) {
    let token = m[3] ?? m[2];
    if (m[3] === undefined) token = token.replace(/[,;:!?)\]}'`]+$/, '').replace(/\.+$/, '');
    if (!token || seen.has(token)) continue;
    seen.add(token);
    if (SPECIAL.has(token)) {
      out.push({ kind: token as 'selection', raw: token });
      continue;
    }
    const lines = LINES.exec(token);
    if (lines) {
      const start = Number(lines[1]);
      const end = lines[2] === undefined ? start : Number(lines[2]);
      if (start >= 1 && end >= start) {
        out.push({ kind: 'path', raw: token, path: token.slice(0, lines.index), lines: { start, end } });
        continue;
      }
    }
    out.push({ kind: 'path', raw: token, path: token });
  }
  return out;
}

/** How a mention is written back in the input: quoted when the path has a space. */
export function mentionToken(insert: string): string {
  return /[\s"]/.test(insert) ? `@"${insert.replace(/"/g, '')}"` : `@${insert}`;
}

/** The prompt for a message: the text, then an attachment per mention that names something. */
export async function expandMentions(text: string, env: MentionEnvironment): Promise<string> {
  const parts: string[] = [];
  let budget: number = MENTION_LIMITS.totalChars;
  for (const target of parseMentions(text).slice(0, MENTION_LIMITS.mentions)) {
    const part = await attachment(target, env, budget);
    if (!part) continue;
    parts.push(part);
    budget = Math.max(0, budget - part.length);
  }
  return parts.length ? `${text}\n\n${parts.join('\n\n')}` : text;
}

async function attachment(target: MentionTarget, env: MentionEnvironment, budget: number): Promise<string | undefined> {
  const head = `[@${target.raw}]`;
  switch (target.kind) {
    case 'selection': {
      const s = env.selection?.();
      return s ? `${head} The selection in ${s.label}:\n${fenced(clip(s.text, Math.min(budget, MENTION_LIMITS.fileChars)), s.language)}` : `${head} (there is no selection in an editor)`;
    }
    case 'problems': {
      const list = env.problems?.() ?? [];
      return `${head} Problems reported in the editor${list.length ? `:\n${clip(list.join('\n'), budget)}` : ': none.'}`;
    }
    case 'terminal': {
      const t = env.terminal?.();
      return t ? `${head} ${t.label}:\n${fenced(clip(t.text, Math.min(budget, MENTION_LIMITS.fileChars)), '')}` : `${head} (no terminal output is available)`;
    }
    case 'path':
      return pathAttachment(target, env, budget);
  }
}

async function pathAttachment(target: Extract<MentionTarget, { kind: 'path' }>, env: MentionEnvironment, budget: number): Promise<string | undefined> {
  const candidates = path.isAbsolute(target.path) ? [target.path] : env.roots.map((r) => path.join(r, target.path));
  let found: { abs: string; stat: MentionStat } | undefined;
  for (const abs of candidates) {
    const stat = await env.stat(abs).catch(() => undefined);
    if (stat) {
      found = { abs, stat };
      break;
    }
  }
  if (!found) return undefined; // not a path: plain text
  const real = displayPath(found.stat.realPath, env.roots);
  const shown = displayPath(found.abs, env.roots) + (found.stat.realPath === found.abs ? '' : ` (a link to ${real})`);
  const head = `[@${target.raw}]`;
  const decision = env.readDecision(found.stat.realPath);
  if (decision === 'deny') return `${head} ${shown}: not attached; Reverie's permission rules do not allow reading it.`;
  const viaTool = `${head} The user mentioned ${found.stat.type === 'dir' ? 'the folder' : 'the file'} ${shown}`;
  if (decision === 'ask') {
    return `${viaTool}. It was not attached because reading it needs the user's permission (outside the workspace or a protected path); ` +
      `use ${found.stat.type === 'dir' ? 'list_files' : 'read_file'} on it if you need it, and the user will be asked.`;
  }
  if (found.stat.type === 'dir') {
    const entries = await env.listDir(found.stat.realPath).catch(() => []);
    const names = entries.sort((a, b) => a.name.localeCompare(b.name)).map((e) => (e.dir ? `${e.name}/` : e.name));
    const more = names.length > MENTION_LIMITS.folderEntries ? `\n… and ${names.length - MENTION_LIMITS.folderEntries} more` : '';
    return `${head} The folder ${shown} contains:\n${names.slice(0, MENTION_LIMITS.folderEntries).join('\n') || '(nothing)'}${more}`;
  }
  const limit = Math.min(MENTION_LIMITS.fileChars, budget);
  if (!target.lines && found.stat.size > limit) {
    return `${viaTool}; at ${Math.ceil(found.stat.size / 1024)} KB it is too large to attach: read the parts you need with read_file.`;
  }
  let content = await env.readText(found.stat.realPath);
  let where = shown;
  if (target.lines) {
    const all = content.split('\n');
    const end = Math.min(target.lines.end, all.length);
    content = all.slice(target.lines.start - 1, end).join('\n');
    where = `${shown}:${target.lines.start}-${end}`;
  }
  if (content.length > limit) return `${viaTool}; it is too large to attach: read the parts you need with read_file.`;
  return `${head} Contents of ${where}:\n${fenced(content, languageOf(shown))}`;
}

function displayPath(abs: string, roots: readonly string[]): string {
  for (const root of roots) {
    const rel = path.relative(root, abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return abs;
}

/** A fence longer than any backtick run in the text, so the content cannot close it. */
export function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 20))}\n… (cut)`;
}

const LANGUAGES: Record<string, string> = { ts: 'ts', tsx: 'tsx', js: 'js', jsx: 'jsx', mjs: 'js', cjs: 'js', py: 'python', rs: 'rust', go: 'go', json: 'json', md: 'markdown', sh: 'sh', css: 'css', html: 'html', java: 'java', c: 'c', cpp: 'cpp', h: 'c', yml: 'yaml', yaml: 'yaml' };

function languageOf(p: string): string {
  return LANGUAGES[path.extname(p).slice(1).toLowerCase()] ?? '';
}
