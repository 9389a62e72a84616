/**
 * The built-in agent types, and the listing of agent types the `task` tool's description carries.
 */
import type { AgentDefinition } from './types';

/** What a read-only search needs: reading, searching, past sessions, and commands that only look. */
const READ_TOOLS = ['read_file', 'grep', 'glob', 'list_files', 'search_history', 'run_command', 'command_output'];

/** Said to every subagent, before its agent's own prompt (built-in or custom). */
export const SUBAGENT_BASICS = [
  'You are a subagent: another agent gave you one task. You have a fresh context: you see only the task below, not the',
  'conversation that led to it. Work on your own with your tools, then end with ONE final message that is your answer: it is',
  'all the other agent will see (not your tool calls or earlier text), so make it complete and self-contained, and name files',
  'with their paths. You cannot ask questions; if something is unclear, make a reasonable assumption and say which.',
].join(' ');

export const EXPLORE_AGENT: AgentDefinition = {
  name: 'explore',
  description: 'Read-only search of the codebase: finds files, definitions, usages and how something works, and reports back with paths. Use it for open-ended searches that would take many reads; run several at once for independent questions.',
  tools: READ_TOOLS,
  readOnly: true,
  source: 'built-in',
  prompt: [
    'You search; you do not change anything. Files cannot be written and only read-only commands run here.',
    'Search broadly first (glob, grep), then read what matters. Stop when you can answer; do not read every file.',
    'Answer with the findings: the relevant files and line numbers, what each does, and the direct answer to the question.',
  ].join('\n\n'),
};

export const PLAN_AGENT: AgentDefinition = {
  name: 'plan',
  description: 'Read-only planning: studies the code needed for a change and returns a step-by-step implementation plan and the critical files. Use it before a change that touches several files.',
  tools: READ_TOOLS,
  readOnly: true,
  source: 'built-in',
  prompt: [
    'You plan; you do not change anything. Files cannot be written and only read-only commands run here.',
    'Read the code the change depends on (callers, tests, conventions), then answer in this shape:',
    '## Plan\nNumbered steps, each small enough to do and check on its own, naming the file and the function.\n\n' +
      '## Critical files\nThe files to change or read first, one per line with a few words on why.\n\n' +
      '## Risks\nWhat could break, and how to test it.',
  ].join('\n\n'),
};

export const GENERAL_AGENT: AgentDefinition = {
  name: 'general',
  description: 'General-purpose: does a self-contained multi-step task (research, edits, commands) with the same tools and permissions as you, and reports the outcome. Use it to keep a long side task out of this conversation.',
  readOnly: false,
  source: 'built-in',
  prompt: [
    'Do the task completely, within the permissions you have. Your final message says what you did, what you changed (files),',
    'and anything left undone.',
  ].join('\n\n'),
};

export const BUILT_IN_AGENTS: readonly AgentDefinition[] = [EXPLORE_AGENT, GENERAL_AGENT, PLAN_AGENT];

/** Descriptions are cut to this many characters in the listing. */
const LISTING_DESCRIPTION_MAX = 250;

/** One line per agent type, `- name (read-only): description`, for the `task` tool's description. */
export function agentListing(agents: readonly AgentDefinition[]): string {
  return agents
    .map((a) => {
      const d = a.description.replace(/\s+/g, ' ').trim();
      const text = d.length > LISTING_DESCRIPTION_MAX ? `${d.slice(0, LISTING_DESCRIPTION_MAX - 1)}…` : d;
      return `- ${a.name}${a.readOnly ? ' (read-only)' : ''}: ${text}`;
    })
    .join('\n');
}
