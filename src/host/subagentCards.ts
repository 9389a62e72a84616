import type { AgentEvent } from '../core/agent/events';
import { SUBAGENT_LIMITS, type SubagentEntry } from '../shared/subagentProtocol';
import { summarize } from './turnView';

type SubagentEvent = Extract<AgentEvent, { type: 'subagent_start' | 'subagent_event' | 'subagent_end' }>;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const responseTokens = (u: { inputTokens: number; outputTokens: number; cacheReadInputTokens: number; cacheCreationInputTokens: number }) =>
  u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens + u.outputTokens;

/**
 * Projects a run's subagent events onto cards, one per subagent: its type and description, its
 * latest tool calls (the last 20), tokens and turns against its budget, and how it ended. Nested
 * subagents show as their parent subagent's `task` call. Cards are posted whole (they are small and
 * change once per tool call or response, never per token).
 */
export class SubagentCards {
  private readonly cards = new Map<string, SubagentEntry>();

  constructor(
    /** Adds a new entry to the transcript (kept across retries of the parent's request). */
    private readonly add: (entry: SubagentEntry) => void,
    /** Posts a changed entry. */
    private readonly update: (entry: SubagentEntry) => void,
    private readonly newId: () => string,
  ) {}

  handle(e: SubagentEvent): void {
    if (e.type === 'subagent_start') {
      const card: SubagentEntry = {
        role: 'subagent', id: this.newId(), subagentId: e.id, ...(e.toolUseId ? { toolUseId: clip(e.toolUseId, SUBAGENT_LIMITS.id) } : {}),
        agent: clip(e.agent, SUBAGENT_LIMITS.name), description: clip(e.description, SUBAGENT_LIMITS.description), readOnly: e.readOnly,
        calls: [], earlierCalls: 0, turns: 0, maxTurns: e.budget.maxTurns, tokens: 0, maxTokens: e.budget.maxTokens, state: 'running',
      };
      this.cards.set(e.id, card);
      this.add(card); // the transcript holds the live card (a reloaded panel's snapshot shows it as it is now)
      return;
    }
    const card = this.cards.get(e.id);
    if (!card) return;
    if (e.type === 'subagent_end') {
      card.state = e.state;
      card.turns = e.turns;
      card.tokens = e.tokens;
      interruptCalls(card);
    } else if (!this.apply(card, e.event)) return;
    this.post(card);
  }

  /** Marks cards still running as aborted when the run ends without their end event (a crash). */
  finish(): void {
    for (const card of this.cards.values()) {
      if (card.state !== 'running') continue;
      card.state = 'aborted';
      interruptCalls(card);
      this.post(card);
    }
  }

  /** One event of the subagent itself; false when the card does not change. */
  private apply(card: SubagentEntry, event: AgentEvent): boolean {
    switch (event.type) {
      case 'tool_call':
        card.calls = [...card.calls, { id: clip(event.id, SUBAGENT_LIMITS.id), name: clip(event.name, SUBAGENT_LIMITS.name), summary: clip(summarize(event.input), SUBAGENT_LIMITS.summary), status: 'running' }];
        if (card.calls.length > SUBAGENT_LIMITS.calls) {
          card.earlierCalls += card.calls.length - SUBAGENT_LIMITS.calls;
          card.calls = card.calls.slice(-SUBAGENT_LIMITS.calls);
        }
        return true;
      case 'tool_result': {
        if (!card.calls.some((c) => c.id === event.id)) return false;
        const status = event.isError ? (/^Interrupted by the user/.test(event.content) ? 'interrupted' : 'error') : 'done';
        card.calls = card.calls.map((c) => (c.id === event.id ? { ...c, status } : c));
        return true;
      }
      case 'usage':
        card.tokens += responseTokens(event.usage);
        card.turns += 1;
        return true;
      default:
        return false;
    }
  }

  private post(card: SubagentEntry): void {
    this.update({ ...card });
  }
}

/** Calls still running when their subagent ended were cut short. Calls are replaced, never changed in place (posted copies share them). */
function interruptCalls(card: SubagentEntry): void {
  card.calls = card.calls.map((c) => (c.status === 'running' ? { ...c, status: 'interrupted' } : c));
}
