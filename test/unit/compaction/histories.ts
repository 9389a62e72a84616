/** Builders for histories in compaction tests, and a seeded generator for property-style tests. */
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';

export const user = (text: string): MessageParam => ({ role: 'user', content: text });

export function assistant(text: string, calls: Array<{ id: string; name: string; input?: unknown }> = []): MessageParam {
  const content: ContentBlockParam[] = [];
  if (text) content.push({ type: 'text', text });
  for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input ?? {} });
  return { role: 'assistant', content };
}

export function results(...rs: Array<{ id: string; text: string }>): MessageParam {
  return { role: 'user', content: rs.map((r) => ({ type: 'tool_result' as const, tool_use_id: r.id, content: r.text })) };
}

/** One tool round: the assistant calls `name`, the user message carries its result. */
export function round(id: string, name: string, input: unknown, resultText: string, say = ''): MessageParam[] {
  return [assistant(say, [{ id, name, input }]), results({ id, text: resultText })];
}

/** mulberry32: a small deterministic PRNG, so a failing seed can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOOLS = ['read_file', 'grep', 'run_command', 'skill', 'list_files', 'edit_file'];

/**
 * A valid history: user prompts, each followed by 0-6 rounds of tool calls (1-3 parallel calls
 * per round) with results of random size, and a closing assistant answer.
 */
export function generateHistory(seed: number, prompts: number): MessageParam[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const size = () => Math.floor(r() * r() * 30_000);
  const out: MessageParam[] = [];
  let n = 0;
  for (let p = 0; p < prompts; p++) {
    out.push(user(`prompt ${p} ${'x'.repeat(Math.floor(r() * 400))}`));
    const rounds = Math.floor(r() * 7);
    for (let k = 0; k < rounds; k++) {
      const calls = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({ id: `toolu_${n++}`, name: pick(TOOLS), input: { path: `src/f${n}.ts` } }));
      out.push(assistant(r() < 0.5 ? `step ${k}` : '', calls));
      out.push(results(...calls.map((c) => ({ id: c.id, text: 'y'.repeat(size()) }))));
    }
    out.push(assistant(`done with prompt ${p}`));
  }
  return out;
}
