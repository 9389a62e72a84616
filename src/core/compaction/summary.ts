/**
 * Full compaction: the request that summarises the older part of the history (a call with NO
 * tools), the clean-up of its answer, and the user message that replaces the summarised part.
 *
 * Models drop things when they summarise, and the thing users miss most is their own words. So
 * besides asking for them (section 6), every user message is appended to the request verbatim by
 * code, and the summary message carries them too, so they survive compaction after compaction.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { flatten, groupByRound, type Group } from './groups';
import { capText, isReminder, renderTranscript } from './render';

/** A single user message longer than this (a pasted log) is cut in the verbatim list, saying so. */
export const USER_MESSAGE_CHARS = 8_000;
/** Retries of a summary request that was itself too long, each dropping the oldest groups. */
export const MAX_SUMMARY_RETRIES = 3;
/** Without a figure from the error, each retry drops this share of the groups (at least one). */
export const DROP_SHARE = 0.2;

export const SUMMARY_PREFIX = 'This session continues from an earlier conversation that was compacted.';
const LIST_OPEN = '<verbatim-user-messages>';
const LIST_CLOSE = '</verbatim-user-messages>';

export const SUMMARY_SYSTEM =
  'You write the working summary of a coding session between a user and an AI coding agent, so the agent can ' +
  'continue in a fresh context without losing anything that matters. Reply with text only: you have no tools, ' +
  'and any tool call will be rejected.';

export const SUMMARY_SECTIONS = [
  'Primary request and intent: everything the user asked for, in detail, and why.',
  'Key technical concepts: technologies, frameworks, conventions and constraints that came up.',
  'Files and code: every file read, changed or created, why it matters, and the important snippets (full signatures, the code that was changed).',
  'Errors and fixes: every error met and how it was fixed; above all, every correction or piece of feedback from the user.',
  'Problem solving: what was solved, and what is still being investigated.',
  'All user messages: every message the user wrote (not tool results), verbatim, in order. They are listed after the transcript; copy each one exactly.',
  'Pending tasks: what the user asked for that is not done yet.',
  'Current work: precisely what was being done just before this summary, with file names and code.',
  'Next step: the next step, only if it follows directly from the latest request, with direct quotes of that request showing where the work stopped, so the task does not drift.',
] as const;

function instructions(focus: string | undefined): string {
  const lines = [
    'Summarise the conversation in the transcript above.',
    'First think in an <analysis> block: go through the conversation in order and note each request, decision, file, code change, error and user correction. The analysis is thrown away after you finish.',
    'Then write the summary in a <summary> block with exactly these numbered sections:',
    ...SUMMARY_SECTIONS.map((s, i) => `${i + 1}. ${s}`),
    'Be precise and concrete: names, paths and figures, not generalities. Do not invent anything that is not in the transcript.',
  ];
  if (focus?.trim()) lines.push('', `The user asked this summary to focus on: ${focus.trim()}`);
  return lines.join('\n');
}

function summaryText(m: MessageParam): string | undefined {
  if (m.role !== 'user') return undefined;
  const text = typeof m.content === 'string' ? m.content : m.content.find((b) => b.type === 'text')?.text;
  return text?.startsWith(SUMMARY_PREFIX) ? text : undefined;
}

export function isSummaryMessage(m: MessageParam): boolean {
  return summaryText(m) !== undefined;
}

function embeddedUserMessages(text: string): string[] {
  const open = text.lastIndexOf(`\n${LIST_OPEN}\n`);
  if (open < 0) return [];
  const close = text.indexOf(`\n${LIST_CLOSE}`, open + 1);
  const body = text.slice(open + LIST_OPEN.length + 2, close < 0 ? undefined : close);
  return body.split('\n').flatMap((line) => {
    try {
      const v: unknown = JSON.parse(line);
      return typeof v === 'string' ? [v] : [];
    } catch {
      return [];
    }
  });
}

/**
 * What the user wrote, in order: the text blocks of every user message, leaving out tool results
 * and `<system-reminder>` blocks (a message typed while tools ran, sent alongside their results,
 * counts too); an earlier summary message contributes the user messages it carries.
 */
export function userMessagesOf(messages: readonly MessageParam[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.role !== 'user') continue;
    const summary = summaryText(m);
    if (summary !== undefined) {
      out.push(...embeddedUserMessages(summary));
      continue;
    }
    const text = typeof m.content === 'string'
      ? m.content
      : m.content.filter((b) => b.type === 'text' && !isReminder(b.text)).map((b) => (b.type === 'text' ? b.text : '')).join('\n');
    if (text.trim()) out.push(text);
  }
  return out;
}

/** One JSON string per line: unambiguous to parse back, and readable for the model. */
function renderUserMessages(messages: readonly string[]): string {
  return [LIST_OPEN, ...messages.map((t) => JSON.stringify(capText(t, USER_MESSAGE_CHARS))), LIST_CLOSE].join('\n');
}

export interface SummaryRequest {
  system: string;
  messages: MessageParam[];
}

export interface SummaryRequestOptions {
  /** `/compact <focus>`: what the user wants the summary to keep above all. */
  focus?: string;
  /**
   * The reactive path: the oldest groups left out of the transcript because the request was too
   * long. Their user messages are still listed verbatim.
   */
  dropOldestGroups?: number;
}

export function buildSummaryRequest(toSummarise: readonly MessageParam[], options: SummaryRequestOptions = {}): SummaryRequest {
  const groups = groupByRound(toSummarise);
  const dropped = Math.min(Math.max(0, options.dropOldestGroups ?? 0), groups.length);
  const shown = flatten(dropOldestGroups(groups, dropped));
  const parts = [`<transcript>\n${renderTranscript(shown)}\n</transcript>`];
  if (dropped > 0) {
    parts.push(`(The ${dropped} oldest rounds of the conversation were left out of the transcript to fit; their user messages are still in the list below.)`);
  }
  parts.push(
    'Every user message of the conversation, verbatim, one JSON string per line:',
    renderUserMessages(userMessagesOf(toSummarise)),
    instructions(options.focus),
  );
  return { system: SUMMARY_SYSTEM, messages: [{ role: 'user', content: parts.join('\n\n') }] };
}

/**
 * The summary as it goes into context: the <analysis> scratchpad and the tags removed, the
 * sections kept. An empty result means the model gave no usable summary (treat as a failure).
 */
export function formatSummary(raw: string): string {
  let text = raw.replace(/<analysis>[\s\S]*?<\/analysis>/g, '');
  // An analysis that never closed (answer cut off) runs up to the summary, or to the end.
  text = text.replace(/<analysis>[\s\S]*?(?=<summary>|$)/, '');
  const inner = /<summary>([\s\S]*?)(?:<\/summary>|$)/.exec(text);
  if (inner) text = inner[1];
  return text.replace(/<\/?summary>/g, '').replace(/\n{3,}/g, '\n\n').trim();
}

export interface SummaryMessageOptions {
  /** Where the full transcript is, so the model can look up exact details. */
  transcriptPath?: string;
  /** true when recent messages follow verbatim after this one. */
  tailKept: boolean;
  /** userMessagesOf(the summarised part): carried so the next compaction still has them. */
  userMessages?: readonly string[];
  /** Auto-compaction mid-task: tell the model to carry on rather than stop and ask. */
  auto?: boolean;
}

/** The user message that replaces the summarised part of the history. */
export function summaryMessage(summary: string, options: SummaryMessageOptions): MessageParam {
  const parts = [`${SUMMARY_PREFIX} Summary:`, summary.trim()];
  if (options.userMessages?.length) {
    parts.push(`The user's messages from that part, verbatim, one JSON string per line:\n${renderUserMessages(options.userMessages)}`);
  }
  if (options.transcriptPath) {
    parts.push(`The full earlier conversation is in ${options.transcriptPath}; search or read it when you need an exact detail the summary lacks.`);
  }
  if (options.tailKept) parts.push('The most recent messages follow verbatim after this one.');
  if (options.auto) parts.push('Continue the work from where it stopped: do not ask the user to repeat anything, do not recap, just carry on.');
  return { role: 'user', content: parts.join('\n\n') };
}

/** The groups left after dropping the `n` oldest (the reactive path: the summary request was too long). */
export function dropOldestGroups(groups: readonly Group[], n: number): Group[] {
  return groups.slice(Math.max(0, Math.floor(n)));
}

/**
 * How many of the oldest groups to drop for the next retry: enough to shed `tokensOver` (when the
 * error said by how much the request was too long), otherwise DROP_SHARE of them; at least one.
 */
export function groupsToDrop(groups: readonly Group[], tokensOver?: number): number {
  if (tokensOver !== undefined && tokensOver > 0) {
    let shed = 0;
    for (let i = 0; i < groups.length; i++) {
      shed += groups[i].tokens;
      if (shed >= tokensOver) return i + 1;
    }
    return groups.length;
  }
  return Math.min(groups.length, Math.max(1, Math.ceil(groups.length * DROP_SHARE)));
}
