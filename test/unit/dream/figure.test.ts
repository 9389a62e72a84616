import * as assert from 'node:assert/strict';
import type { DreamProposal } from '../../../src/core/dream/types';
import { MockAnthropicServer, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { MemoryLogger } from '../fakes';
import { dreamWorld, putSession, testDreamer, topic } from './support';

const AREAS = ['build', 'tests', 'deploys', 'database', 'api', 'auth', 'frontend', 'logging', 'ci', 'style', 'reviews', 'releases'];
const TYPES = ['project', 'feedback', 'reference', 'user'];

/** 60 topic files of 400-900 characters, the way a few months of saved memories look, and their index. */
function seedSixty(put: (rel: string, text: string) => void): string[] {
  const files: string[] = [];
  const index: string[] = [];
  for (let i = 0; i < 60; i++) {
    const area = AREAS[i % AREAS.length];
    const file = `${area}-${String(i).padStart(2, '0')}.md`;
    const facts = Array.from({ length: 3 + (i % 5) }, (_, k) =>
      `- ${area} note ${k + 1}: run \`npm run ${area}:${k}\` before pushing; it takes about ${k + 2} minutes and fails loudly when the ${area} config in \`config/${area}.json\` is stale (seen ${i + k} times).`);
    put(file, topic(`${area} ${i}`, `what we learned about ${area} (${i})`, TYPES[i % TYPES.length], facts.join('\n')));
    files.push(file);
    index.push(`- [${area} ${i}](${file}) — ${area} notes, ${facts.length} facts`);
  }
  put('MEMORY.md', `${index.join('\n')}\n`);
  return files;
}

describe('dream cost', function () {
  this.timeout(60_000);

  it('FIGURE: dream over 60 memory files', async () => {
    const mock = await MockAnthropicServer.start({ apiKeys: ['test-key'], promptCache: {} });
    const world = dreamWorld();
    const log = new MemoryLogger();
    try {
      const files = seedSixty(world.put);
      for (let i = 0; i < 6; i++) putSession(world, `session-fig-${i}`, Date.now() - i * 3_600_000, ['the build now uses esbuild', 'noted']);
      const reads = (batch: string[], n: number): MockStep => ({
        kind: 'message', stopReason: 'tool_use',
        content: batch.map((f, k) => ({ type: 'tool_use' as const, id: `toolu_read_${n}_${k}`, name: 'read_file', input: { path: f } })),
      });
      const merged = topic('build', 'how the build works', 'project', '- The build uses esbuild (`node esbuild.mjs`); see config/build.json.');
      mock.enqueue(
        toolCall('read_file', { path: 'MEMORY.md' }, { id: 'toolu_index' }),
        // Skim every topic file, 20 at a time (the runner reads 10 in parallel).
        reads(files.slice(0, 20), 1), reads(files.slice(20, 40), 2), reads(files.slice(40, 60), 3),
        toolCall('search_history', { query: 'build esbuild' }, { id: 'toolu_search' }),
        toolCall('write_file', { path: 'build-00.md', content: merged }, { id: 'toolu_merge' }),
        { kind: 'message', stopReason: 'tool_use', content: [
          { type: 'tool_use', id: 'toolu_d1', name: 'delete_file', input: { path: 'build-12.md' } },
          { type: 'tool_use', id: 'toolu_d2', name: 'delete_file', input: { path: 'build-24.md' } },
        ] },
        toolCall('edit_file', { path: 'MEMORY.md', old_string: `- [build 12](build-12.md) — build notes, 5 facts\n`, new_string: '' }, { id: 'toolu_i1' }),
        toolCall('edit_file', { path: 'MEMORY.md', old_string: `- [build 24](build-24.md) — build notes, 7 facts\n`, new_string: '' }, { id: 'toolu_i2' }),
        reply('Merged two build notes into build-00.md.\n```json\n' + JSON.stringify({
          summary: 'Merged build-12.md and build-24.md into build-00.md; index fixed.',
          changes: [
            { file: 'build-00.md', action: 'merged', reason: 'three notes on the same build', mergedFrom: ['build-12.md', 'build-24.md'], sessions: ['session-fig-0'] },
            { file: 'build-12.md', action: 'deleted', reason: 'merged into build-00.md' },
            { file: 'build-24.md', action: 'deleted', reason: 'merged into build-00.md' },
            { file: 'MEMORY.md', action: 'updated', reason: 'pointers to merged files removed' },
          ],
        }) + '\n```'),
      );
      const { dreamer, dispose } = testDreamer(world, mock.url, log);
      const outcome = await dreamer.dream(new AbortController().signal, () => {});
      dispose();
      assert.equal(outcome.status, 'proposed', JSON.stringify(outcome));
      const p = (outcome as { proposal: DreamProposal }).proposal;
      assert.deepEqual(p.changes.map((c) => `${c.kind} ${c.file}`), ['modified MEMORY.md', 'modified build-00.md', 'deleted build-12.md', 'deleted build-24.md']);
      assert.deepEqual(p.counts, { merged: 1, updated: 1, pruned: 0, created: 0 });
      assert.equal(mock.requests.length, 10);
      const u = p.usage;
      const stats = mock.cacheStats();
      console.log(`      FIGURE: one dream over 61 memory files (60 topics + MEMORY.md, ${files.length} read), ${mock.requests.length} requests: ` +
        `input ${u.inputTokens} uncached + ${u.cacheCreationInputTokens} cache write + ${u.cacheReadInputTokens} cache read ` +
        `= ${u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens} input tokens, ${u.outputTokens} output tokens ` +
        `(simulated total prompt ${stats.total}, cache hit ratio ${(stats.read / stats.total).toFixed(2)})`);
      assert.equal(u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens, stats.total);
    } finally {
      world.dispose();
      await mock.close();
    }
  });
});
