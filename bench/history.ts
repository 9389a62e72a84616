/**
 * A seeded, realistic agent history for the benchmarks: user prompts, assistant text with tool
 * calls (read_file, grep, run_command, edit_file, glob), and tool results of code, logs and match
 * lists, ending with an assistant text answer (so a new user message may follow). Stops at
 * `messages` messages or once `tokens` estimated tokens (compaction/tokens.ts) are reached.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { estimateMessageTokens } from '../src/core/compaction/tokens';
import { rng } from './random';

const IDENTS = 'request response cache entry session token buffer stream parser config options handler result value index items schema client server retry'.split(' ');
const PROSE = 'the parser returns a token stream and the checker walks it once while keeping scopes in a map so lookups stay cheap I will now look at the failing test and then fix the handler'.split(' ');

export function syntheticHistory(limit: { messages?: number; tokens?: number }, seed = 7): MessageParam[] {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(PROSE)).join(' ');
  const codeLine = (i: number) => `  const ${pick(IDENTS)}${i} = await ${pick(IDENTS)}.${pick(IDENTS)}(${pick(IDENTS)}, ${Math.floor(r() * 1000)}); // ${pick(IDENTS)}`;
  const code = (chars: number) => {
    const lines: string[] = [];
    let n = 0;
    for (let i = 1; n < chars; i++) { const l = `${String(i).padStart(5)}\t${codeLine(i)}`; lines.push(l); n += l.length + 1; }
    return lines.join('\n');
  };
  const grepOut = (chars: number) => {
    const lines: string[] = [];
    let n = 0;
    while (n < chars) { const l = `src/${pick(IDENTS)}/${pick(IDENTS)}.ts:${Math.floor(r() * 900)}:${codeLine(0)}`; lines.push(l); n += l.length + 1; }
    return lines.join('\n');
  };
  const log = (chars: number) => {
    const lines: string[] = [];
    let n = 0;
    for (let i = 0; n < chars; i++) { const l = `[${String(i).padStart(4, '0')}] ${pick(['PASS', 'PASS', 'PASS', 'FAIL', 'WARN'])} ${pick(IDENTS)} ${words(6)}`; lines.push(l); n += l.length + 1; }
    return `${lines.join('\n')}\n(exit code 0)`;
  };

  const out: MessageParam[] = [];
  let tokens = 0;
  const push = (m: MessageParam) => { out.push(m); tokens += estimateMessageTokens(m); };
  const full = () => (limit.messages !== undefined && out.length >= limit.messages) || (limit.tokens !== undefined && tokens >= limit.tokens);
  let call = 0;
  while (!full()) {
    push({ role: 'user', content: `${words(8 + Math.floor(r() * 30))}?` });
    const steps = 3 + Math.floor(r() * 8);
    for (let s = 0; s < steps && !full(); s++) {
      const id = `toolu_bench_${String(call++).padStart(5, '0')}`;
      const kind = pick(['read_file', 'read_file', 'grep', 'run_command', 'edit_file', 'glob']);
      const file = `src/${pick(IDENTS)}/${pick(IDENTS)}.ts`;
      const input = kind === 'read_file' ? { path: file } : kind === 'grep' ? { pattern: `${pick(IDENTS)}\\(`, output_mode: 'content' }
        : kind === 'run_command' ? { command: `npm test -- --grep ${pick(IDENTS)}` } : kind === 'glob' ? { pattern: '**/*.ts' }
          : { path: file, old_string: codeLine(1), new_string: codeLine(2) };
      const content = kind === 'read_file' ? code(1500 + Math.floor(r() * 9000)) : kind === 'grep' ? grepOut(400 + Math.floor(r() * 3000))
        : kind === 'run_command' ? log(500 + Math.floor(r() * 6000)) : kind === 'glob' ? Array.from({ length: 10 + Math.floor(r() * 60) }, () => `src/${pick(IDENTS)}/${pick(IDENTS)}.ts`).join('\n')
          : `Edited ${file}: replaced 1 occurrence.`;
      push({ role: 'assistant', content: [{ type: 'text', text: words(10 + Math.floor(r() * 50)) }, { type: 'tool_use', id, name: kind, input }] });
      push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content }] });
    }
    push({ role: 'assistant', content: [{ type: 'text', text: words(40 + Math.floor(r() * 200)) }] });
  }
  if (limit.messages !== undefined) out.length = Math.min(out.length, limit.messages);
  return out;
}
