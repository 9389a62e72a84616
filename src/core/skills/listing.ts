/**
 * The skill listing: one line per skill, always in context, so it must stay cheap. Budget: 1% of
 * the context window in characters (4 characters per token), 8,000 when the window is unknown.
 */
import type { Skill } from './types';

export const CHARS_PER_TOKEN = 4;
export const DEFAULT_LISTING_BUDGET = 8_000;
/** The most any one entry's description part (description + when_to_use) may take. */
export const ENTRY_DESCRIPTION_MAX = 250;
/** Below this many characters per description, only names are listed. */
export const MIN_DESCRIPTION_CHARS = 20;

export function listingBudget(contextWindowTokens?: number): number {
  if (!contextWindowTokens || !Number.isFinite(contextWindowTokens) || contextWindowTokens <= 0) return DEFAULT_LISTING_BUDGET;
  return Math.floor((contextWindowTokens * CHARS_PER_TOKEN) / 100);
}

/** Whether the model may see and invoke the skill at all. */
export function isListable(skill: Skill): boolean {
  return !skill.disabled && !skill.disableModelInvocation;
}

export interface SkillListing {
  text: string;
  chars: number;
  /** full: every description (capped at 250); shrunk: one smaller cap for all; names: no descriptions. */
  mode: 'full' | 'shrunk' | 'names';
  /** Names in the listing, in order. */
  listed: string[];
  /** The cap applied to each description part (0 in names mode). */
  cap: number;
}

const ELLIPSIS = '…';

/** `s` cut to at most `cap` characters, the last one an ellipsis when cut. */
export function capText(s: string, cap: number): string {
  return s.length <= cap ? s : s.slice(0, Math.max(0, cap - 1)) + ELLIPSIS;
}

function descriptionPart(skill: Skill): string {
  const one = (s: string) => s.replace(/\s+/g, ' ').trim();
  return skill.whenToUse ? `${one(skill.description)} - ${one(skill.whenToUse)}` : one(skill.description);
}

/**
 * `- name: description - when_to_use`, one line per listable skill. Over budget, every description
 * is cut to the same, largest cap that fits; if that cap would be under 20 characters, names only
 * (names are never dropped: without its name a skill cannot be called).
 */
export function formatSkillListing(skills: readonly Skill[], budgetChars: number): SkillListing {
  const listable = skills.filter(isListable);
  const listed = listable.map((s) => s.name);
  const parts = listable.map(descriptionPart);
  const render = (cap: number) => listable.map((s, i) => `- ${s.name}: ${capText(parts[i], cap)}`).join('\n');
  // Length at a given cap without building the text: prefix + min(len, cap) per line, plus newlines.
  const fixed = listable.reduce((n, s) => n + s.name.length + 4, 0) + Math.max(0, listable.length - 1);
  const size = (cap: number) => parts.reduce((n, p) => n + Math.min(p.length, cap), fixed);
  if (size(ENTRY_DESCRIPTION_MAX) <= budgetChars) {
    const text = render(ENTRY_DESCRIPTION_MAX);
    return { text, chars: text.length, mode: 'full', listed, cap: ENTRY_DESCRIPTION_MAX };
  }
  // The largest cap in [MIN, MAX) that fits (size grows with the cap).
  let lo = MIN_DESCRIPTION_CHARS;
  let hi = ENTRY_DESCRIPTION_MAX - 1;
  if (size(lo) <= budgetChars) {
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (size(mid) <= budgetChars) lo = mid;
      else hi = mid - 1;
    }
    const text = render(lo);
    return { text, chars: text.length, mode: 'shrunk', listed, cap: lo };
  }
  const text = listable.map((s) => `- ${s.name}`).join('\n');
  return { text, chars: text.length, mode: 'names', listed, cap: 0 };
}

export interface ListingReminderOptions {
  /** Skills that appeared during the conversation (not the first listing). */
  fresh?: boolean;
  /** Why they appear now, e.g. "They apply to src/api/users.ts." */
  reason?: string;
  mode?: SkillListing['mode'];
}

/** The listing as a `<system-reminder>` for a user message or a tool result. */
export function skillListingReminder(lines: string, opts: ListingReminderOptions = {}): string {
  const head = opts.fresh
    ? `New skills are available.${opts.reason ? ` ${opts.reason}` : ''}`
    : 'The following skills are available.';
  return [
    '<system-reminder>',
    `${head} A skill is a folder of instructions (and sometimes scripts or reference files) for one kind of task. ` +
      'When a task matches a skill, call the `skill` tool with its name (and `args` if it takes any) before doing the task yourself. ' +
      'Only the descriptions are shown here; the full instructions load when you call the tool. Do not call it again for a skill already loaded in this conversation.' +
      (opts.mode === 'names' ? ' (Descriptions are left out to keep this list short.)' : ''),
    '',
    lines,
    '</system-reminder>',
  ].join('\n');
}

// ---- the figure for the closing note -------------------------------------------------------------

const SAMPLE_KINDS: Array<[string, string, string]> = [
  ['review', 'Reviews a pull request against the team checklist: naming, error handling, tests, security-sensitive changes and migration safety', 'when the user asks for a review or before opening a PR'],
  ['release-notes', 'Writes release notes from the commits and merged pull requests since the last tag, grouped by feature, fix and breaking change', 'when preparing a release'],
  ['migrate', 'Migrates a module to the new data-access layer: replaces raw queries with repository calls and updates the affected tests', 'when touching code that still uses the old query helpers'],
  ['debug-ci', 'Diagnoses a failing CI job from its log: finds the first real error, reproduces it locally and proposes the smallest fix', 'when a CI run is red'],
  ['api-endpoint', 'Adds a REST endpoint following the house conventions: route, validation schema, handler, OpenAPI entry and integration test', 'when the user wants a new endpoint'],
  ['component', 'Scaffolds a UI component with props typed, stories, accessibility checks and a unit test, using the design-system tokens', 'when creating a new component'],
  ['perf-profile', 'Profiles a slow code path with the built-in profiler, reads the flame graph and suggests the two or three changes that matter most', 'when something is reported as slow'],
  ['docs', 'Updates the reference documentation for changed public APIs and checks every code sample still compiles', 'after changing a public API'],
  ['security-scan', 'Runs the dependency and secret scanners, explains each finding in plain words and fixes the ones with a safe upgrade path', 'before a release or when asked about vulnerabilities'],
  ['data-fix', 'Writes a one-off data repair script with a dry-run mode, a backup step and a verification query', 'when production data needs correcting'],
];
const SAMPLE_AREAS = ['web', 'api', 'mobile', 'infra', 'billing'];

/** `n` realistic skills (descriptions of 100-150 characters plus a when_to_use), for the listing figure. */
export function sampleSkills(n: number): Skill[] {
  return Array.from({ length: n }, (_, i) => {
    const [kind, description, whenToUse] = SAMPLE_KINDS[i % SAMPLE_KINDS.length];
    const area = SAMPLE_AREAS[Math.floor(i / SAMPLE_KINDS.length) % SAMPLE_AREAS.length];
    const name = `${area}-${kind}`;
    return {
      name, description: `${description} (${area})`, whenToUse, allowedTools: [], disableModelInvocation: false, userInvocable: true,
      paths: [], source: 'project', dir: `/skills/${name}`, file: `/skills/${name}/SKILL.md`, frontmatter: {}, disabled: false,
    };
  });
}

/** The listing's size for `n` realistic skills: unbounded, and within the default budget. */
export function listingFigure(n = 50, budgetChars = DEFAULT_LISTING_BUDGET): { skills: number; fullChars: number; budget: number; chars: number; mode: SkillListing['mode']; cap: number } {
  const skills = sampleSkills(n);
  const full = formatSkillListing(skills, Number.POSITIVE_INFINITY);
  const fitted = formatSkillListing(skills, budgetChars);
  return { skills: n, fullChars: full.chars, budget: budgetChars, chars: fitted.chars, mode: fitted.mode, cap: fitted.cap };
}
