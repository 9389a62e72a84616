import * as assert from 'node:assert/strict';
import { capIndex } from '../../../src/core/memory/memoryIndex';
import { buildMemoryReminder, MEMORY_GUIDANCE } from '../../../src/core/memory/reminder';

describe('memory reminder', () => {
  const memoryDirs = { project: '/h/.reverie/projects/w-123/memory', user: '/h/.reverie/memory' };

  it('wraps instruction files and indexes, each headed by its path, in one system-reminder', () => {
    const text = buildMemoryReminder({
      instructions: [
        { path: '/h/.reverie/AGENTS.md', scope: 'user', content: 'Use British spelling.\n', notes: [] },
        { path: '/w/AGENTS.md', scope: 'project', content: 'Run npm test. @docs/x.md', notes: ['@docs/x.md (line 1) skipped: /w/docs/x.md does not exist'] },
        { path: '/w/docs/style.md', scope: 'project', content: 'Tabs.', notes: [], importedFrom: '/w/AGENTS.md' },
      ],
      projectIndex: capIndex('/h/.reverie/projects/w-123/memory/MEMORY.md', '- [Tests](tests.md) — offline runs\n'),
      memoryDirs,
    });
    assert.ok(text.startsWith('<system-reminder>\n'));
    assert.ok(text.endsWith('\n</system-reminder>'));
    const order = [
      "Contents of /h/.reverie/AGENTS.md (user's instructions, for all projects):\n\nUse British spelling.",
      'Contents of /w/AGENTS.md (project instructions):\n\nRun npm test.',
      '(Not loaded from this file: @docs/x.md (line 1) skipped: /w/docs/x.md does not exist.)',
      'Contents of /w/docs/style.md (project instructions, imported by /w/AGENTS.md):\n\nTabs.',
      'Project memory folder: /h/.reverie/projects/w-123/memory\nContents of /h/.reverie/projects/w-123/memory/MEMORY.md (memory index):\n\n- [Tests](tests.md) — offline runs',
      'User memory (across all projects) folder: /h/.reverie/memory\n/h/.reverie/memory/MEMORY.md does not exist yet',
    ].map((part) => text.indexOf(part));
    assert.ok(order.every((at) => at !== -1), JSON.stringify(order));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });

  it('carries the truncation notice of a capped index', () => {
    const index = capIndex('/h/.reverie/memory/MEMORY.md', 'x\n'.repeat(250));
    const text = buildMemoryReminder({ instructions: [], userIndex: index, memoryDirs });
    assert.ok(text.includes(`WARNING: ${index.notice}`));
    assert.ok(!text.includes('# Instructions'));
  });

  it('is the same text for the same input (prompt cache)', () => {
    const input = { instructions: [], memoryDirs };
    assert.equal(buildMemoryReminder(input), buildMemoryReminder(input));
  });

  it('MEMORY_GUIDANCE teaches the two-step save, the types, what not to save and verification', () => {
    for (const phrase of [/name: /, /description: /, /type: user \| feedback \| project \| reference/, /under about 150 characters/,
      /- \[Title\]\(file\.md\) — hook/, /code structure/, /git history/, /instruction files/, /ephemeral task state/, /still exists/,
      /system reminder/]) {
      assert.match(MEMORY_GUIDANCE, phrase);
    }
    assert.doesNotMatch(MEMORY_GUIDANCE, /\/home|\.reverie\/projects/); // no per-workspace paths in the static prompt
  });
});
