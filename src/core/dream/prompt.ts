/**
 * What the dream agent is told, and how its closing report is read. The prompt orders the four
 * phases of the issue; the permissions are NOT in the prompt's hands (see dreamer.ts): the text
 * only tells the agent where it may write so it does not waste turns being refused.
 */
import { z } from 'zod';
import { INDEX_FILE, INDEX_LINE_SOFT_MAX, INDEX_MAX_BYTES, INDEX_MAX_LINES } from '../memory/schema';
import type { DreamChangeReason } from './types';

export const DREAM_ADDENDUM = `You are running as Reverie's dream: a background pass, with no user watching, that consolidates a memory folder. You may read files anywhere you are allowed to, run only read-only commands, and write, edit or delete files only inside the memory folder you are given. Be economical: read what you need, search instead of reading whole transcripts, and finish with the report.`;

export interface DreamPromptInput {
  /** The folder the agent maintains (the staging copy; it stands for the memory folder). */
  memoryDir: string;
  transcriptsDir: string;
  roots: string[];
  /** Sessions since the last dream, newest first, with their dates. */
  sessions: Array<{ id: string; date: string }>;
  lastDream: string | undefined;
  today: string;
  files: string[];
}

export function dreamPrompt(i: DreamPromptInput): string {
  const sessions = i.sessions.length
    ? i.sessions.map((s) => `- ${s.id} (last active ${s.date})`).join('\n')
    : '- (none since the last dream)';
  return `Dream: consolidate the memory folder ${i.memoryDir}. That folder IS the memory folder you maintain: read and change files only there (absolute paths, or paths relative to it). Today is ${i.today}. The last dream was ${i.lastDream ?? 'never'}.

Files in it now (${i.files.length}): ${i.files.join(', ') || '(none)'}
Workspace (read only): ${i.roots.join(', ')}
Session transcripts (read only, JSONL): ${i.transcriptsDir}
Sessions since the last dream:
${sessions}

Work in four phases:
1. Orient: read ${INDEX_FILE} and skim the topic files (their frontmatter and first lines).
2. Gather recent signal: search the sessions above narrowly with search_history or grep (a few keywords from the memories); never read a transcript whole. Check memories that name files, commands or settings against the workspace (grep, glob, read_file, read-only commands) and note the ones that no longer match the code.
3. Consolidate: merge near-duplicate memories into one file (keep the frontmatter: name, description, type) and delete the others; turn relative dates ("yesterday", "last week") into absolute ones; where a newer fact contradicts an older one, keep the newer and delete or correct the older.
4. Prune and index: keep ${INDEX_FILE} under ${INDEX_MAX_LINES} lines and ${INDEX_MAX_BYTES} bytes, one line under ~${INDEX_LINE_SOFT_MAX} characters per entry (\`- [Title](file.md) — hook\`); fix pointers to renamed or merged files and remove pointers to deleted ones.

Change nothing that is fine as it is. Then end with a short summary and this report as the last thing in your answer:
\`\`\`json
{"summary": "what was merged, updated, pruned, or that nothing needed to change",
 "changes": [{"file": "relative/path.md", "action": "merged|updated|deleted|created", "reason": "why", "mergedFrom": ["files merged into it"], "sessions": ["session ids the evidence came from"]}]}
\`\`\`
List every file you changed, created or deleted; a deleted file merged into another is listed as deleted too.`;
}

const changeSchema = z.object({
  file: z.string().min(1),
  action: z.enum(['merged', 'updated', 'deleted', 'created']),
  reason: z.string().default(''),
  mergedFrom: z.array(z.string()).optional(),
  sessions: z.array(z.string()).optional(),
});
const reportSchema = z.object({
  summary: z.string().default(''),
  changes: z.array(z.unknown()).default([]),
});

export interface DreamReport {
  summary: string;
  changes: DreamChangeReason[];
  /** False when the answer had no readable report (the summary is then the answer's text). */
  parsed: boolean;
}

/** The last fenced json block of the answer; entries that do not fit the schema are skipped. */
export function parseDreamReport(answer: string): DreamReport {
  const fences = [...answer.matchAll(/```json\s*\n([\s\S]*?)```/g)];
  const prose = answer.replace(/```json\s*\n[\s\S]*?```/g, '').trim();
  const fallback = { summary: prose.slice(0, 2000), changes: [], parsed: false };
  const last = fences.at(-1);
  if (!last) return fallback;
  let json: unknown;
  try {
    json = JSON.parse(last[1]);
  } catch {
    return fallback;
  }
  const report = reportSchema.safeParse(json);
  if (!report.success) return fallback;
  const changes = report.data.changes.flatMap((c) => {
    const one = changeSchema.safeParse(c);
    return one.success ? [one.data as DreamChangeReason] : [];
  });
  return { summary: report.data.summary.trim() || prose.slice(0, 2000), changes, parsed: true };
}
