import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import type { AgentEvent } from '../../../src/core/agent/events';
import { runAgentLoop, type AgentLoopOptions } from '../../../src/core/agent/loop';
import { defineTool, type ToolContext, type ToolDefinition } from '../../../src/core/tools/tool';
import { MemoryLogger } from '../fakes';

/** Fake tools whose behaviour tests control, recording calls and how many ran at once. */
export function fakeTools() {
  let running = 0;
  const stats = { peak: 0, calls: [] as string[] };
  const track = async <T>(name: string, ms: number, signal: AbortSignal, fn: () => T): Promise<T> => {
    stats.calls.push(name);
    running++;
    stats.peak = Math.max(stats.peak, running);
    try {
      await new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const t = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
      return fn();
    } finally {
      running--;
    }
  };
  const look = defineTool({
    name: 'look', description: 'read-only probe', readOnly: true,
    input: z.object({ what: z.string(), ms: z.number().optional() }),
    run: (i, ctx) => track(`look:${i.what}`, i.ms ?? 0, ctx.signal, () => ({ content: `saw ${i.what}` })),
  });
  const change = defineTool({
    name: 'change', description: 'a write', readOnly: false,
    input: z.object({ what: z.string(), ms: z.number().optional() }),
    run: (i, ctx) => track(`change:${i.what}`, i.ms ?? 0, ctx.signal, () => (ctx.signal.aborted ? { content: 'interrupted mid-change', isError: true } : { content: `changed ${i.what}` })),
  });
  const boom = defineTool({
    name: 'boom', description: 'throws', readOnly: true, input: z.object({}),
    run: () => { throw new Error('kaboom'); },
  });
  return { tools: [look, change, boom] as ToolDefinition[], stats };
}

export interface Run {
  outcome: Awaited<ReturnType<typeof runAgentLoop>>;
  events: AgentEvent[];
  history: MessageParam[];
  sleeps: number[];
}

/** Runs the loop against the mock with instant, recorded retry sleeps. */
export async function runLoop(baseUrl: string, prompt: string, overrides: Partial<AgentLoopOptions> & { abortWhen?: (e: AgentEvent) => boolean } = {}): Promise<Run> {
  const events: AgentEvent[] = [];
  const sleeps: number[] = [];
  const history: MessageParam[] = overrides.history ?? [{ role: 'user', content: prompt }];
  const abort = new AbortController();
  const { tools } = fakeTools();
  const outcome = await runAgentLoop({
    apiKey: 'k', baseUrl, model: 'claude-test', system: 'test', tools, history,
    runner: { context: (signal) => ({ signal } as ToolContext) },
    emit: (e) => {
      events.push(e);
      if (overrides.abortWhen?.(e)) abort.abort();
    },
    signal: abort.signal,
    log: new MemoryLogger(),
    sleep: async (ms) => { sleeps.push(ms); return !abort.signal.aborted; },
    random: () => 0,
    ...overrides,
  });
  return { outcome, events, history, sleeps };
}

export const continues = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'continue' ? [e.reason] : []));
