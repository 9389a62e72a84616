/**
 * What goes back into context right after a compaction, within budgets: the files read most
 * recently, the skills loaded, the todo list and the plan. The summary says what happened; these
 * give the model back the material it was working with, so it does not re-read it all.
 * Instruction files and MEMORY.md are not rebuilt here: `reReadInstructions` tells the caller to
 * load them again through its startReminder hook (they may have changed on disk).
 */
import { capText } from './render';
import { charsForTokens, estimateTextTokens } from './tokens';

export interface RestoreBudgets {
  maxFiles: number;
  tokensPerFile: number;
  fileTokensTotal: number;
  tokensPerSkill: number;
  skillTokensTotal: number;
}

export const DEFAULT_RESTORE_BUDGETS: RestoreBudgets = {
  maxFiles: 5,
  tokensPerFile: 5_000,
  fileTokensTotal: 50_000,
  tokensPerSkill: 5_000,
  skillTokensTotal: 25_000,
};

/** A budget share smaller than this is not worth a file or skill: it is skipped instead. */
export const MIN_USEFUL_TOKENS = 500;

export interface ReadFileRecord {
  path: string;
  content: string;
  /** ms since epoch (or any increasing clock): the most recent read wins. */
  readAt: number;
}

export interface LoadedSkillRecord {
  name: string;
  text: string;
}

export interface TodoRecord {
  content: string;
  status: 'pending' | 'in_progress' | 'completed';
}

export interface RestoreInput {
  files: readonly ReadFileRecord[];
  /** In load order (oldest first); restored most recent first. */
  skills: readonly LoadedSkillRecord[];
  todos: readonly TodoRecord[];
  plan?: string;
  /** Paths whose content is still in the verbatim tail: not restored twice. */
  visiblePaths?: ReadonlySet<string>;
}

export interface RestoredItem {
  name: string;
  tokens: number;
  truncated: boolean;
}

export interface Restoration {
  /** Text blocks, one per item, for a `<system-reminder>` (see restorationReminder). */
  blocks: string[];
  files: RestoredItem[];
  skills: RestoredItem[];
  /** Always true: instruction files and MEMORY.md must be re-read by the caller. */
  reReadInstructions: true;
  /** Estimated tokens of `blocks`' bodies (files and skills, as cut). */
  tokens: number;
}

/** `text` cut to `tokens`, or undefined if less than MIN_USEFUL_TOKENS would be left. */
function fit(text: string, tokens: number): { text: string; tokens: number; truncated: boolean } | undefined {
  const full = estimateTextTokens(text);
  if (full <= tokens) return { text, tokens: full, truncated: false };
  if (tokens < MIN_USEFUL_TOKENS) return undefined;
  const cut = text.slice(0, charsForTokens(tokens));
  return { text: cut, tokens: estimateTextTokens(cut), truncated: true };
}

export function buildRestoration(input: RestoreInput, budgets: RestoreBudgets = DEFAULT_RESTORE_BUDGETS): Restoration {
  const blocks: string[] = [];
  const files: RestoredItem[] = [];
  const skills: RestoredItem[] = [];

  const latest = new Map<string, ReadFileRecord>();
  for (const f of input.files) {
    const seen = latest.get(f.path);
    if (!seen || f.readAt > seen.readAt) latest.set(f.path, f);
  }
  const recent = [...latest.values()]
    .filter((f) => !input.visiblePaths?.has(f.path))
    .sort((a, b) => b.readAt - a.readAt)
    .slice(0, budgets.maxFiles);
  let fileTokens = 0;
  for (const f of recent) {
    const room = Math.min(budgets.tokensPerFile, budgets.fileTokensTotal - fileTokens);
    const cut = fit(f.content, room);
    if (!cut) continue;
    fileTokens += cut.tokens;
    files.push({ name: f.path, tokens: cut.tokens, truncated: cut.truncated });
    const note = cut.truncated
      ? `\n[Cut at ${cut.tokens.toLocaleString('en-US')} of about ${estimateTextTokens(f.content).toLocaleString('en-US')} tokens; read the file again for the rest.]`
      : '';
    blocks.push(`Contents of ${f.path}, as last read before the conversation was compacted:\n${cut.text}${note}`);
  }

  let skillTokens = 0;
  for (const s of [...input.skills].reverse()) {
    const room = Math.min(budgets.tokensPerSkill, budgets.skillTokensTotal - skillTokens);
    const cut = fit(s.text, room);
    if (!cut) continue;
    skillTokens += cut.tokens;
    skills.push({ name: s.name, tokens: cut.tokens, truncated: cut.truncated });
    const note = cut.truncated ? '\n[The rest of this skill was cut; call the skill tool again if you need it whole.]' : '';
    blocks.push(`The skill "${s.name}" is loaded; its instructions still apply:\n${cut.text}${note}`);
  }

  if (input.todos.length) {
    const marks = { pending: '[ ]', in_progress: '[~]', completed: '[x]' } as const;
    blocks.push(`The todo list:\n${input.todos.map((t) => `${marks[t.status]} ${t.content}`).join('\n')}`);
  }
  if (input.plan?.trim()) blocks.push(`The current plan:\n${capText(input.plan.trim(), charsForTokens(budgets.tokensPerFile))}`);

  return { blocks, files, skills, reReadInstructions: true, tokens: fileTokens + skillTokens };
}

/** The blocks as one `<system-reminder>`; '' when there is nothing to restore. */
export function restorationReminder(restoration: Restoration): string {
  if (restoration.blocks.length === 0) return '';
  return `<system-reminder>\n${restoration.blocks.join('\n\n')}\n</system-reminder>`;
}
