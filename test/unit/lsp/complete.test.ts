import * as assert from 'node:assert/strict';
import { completeAt } from '../../../src/lsp/complete';
import { hoverAt } from '../../../src/lsp/hover';

const labels = (xs: Array<{ label: string }>) => xs.map((x) => x.label);

describe('lsp completion', () => {
  it('offers the topic keys not yet written, with their help, only inside the frontmatter', () => {
    const text = '---\nname: Build\nde\n---\nbody de\n';
    const keys = completeAt('topic', text, 2, 2);
    assert.deepEqual(labels(keys), ['description', 'type']);
    assert.equal(keys[0].insertText, 'description: ');
    assert.equal(keys[0].replaceStart, 0);
    assert.match(keys[0].documentation, /decide whether to read the file/);
    assert.deepEqual(completeAt('topic', text, 4, 7), []);
    assert.deepEqual(completeAt('index', '---\n\n---\n', 1, 0), []);
  });

  it('offers the four memory types after type:', () => {
    const values = completeAt('topic', '---\ntype: pr\n---\n', 1, 8);
    assert.deepEqual(labels(values), ['user', 'feedback', 'project', 'reference']);
    assert.equal(values[2].replaceStart, 6);
    assert.match(values[2].documentation, /not in the code/);
  });

  it('offers skill keys, booleans, fork and tool names', () => {
    assert.ok(labels(completeAt('skill', '---\n\n', 1, 0)).includes('allowed-tools'));
    assert.deepEqual(labels(completeAt('skill', '---\nuser-invocable: \n---\n', 1, 16)), ['true', 'false']);
    assert.deepEqual(labels(completeAt('skill', '---\ncontext: \n---\n', 1, 9)), ['fork']);
    const tools = completeAt('skill', '---\nallowed-tools: read_file, run\n---\n', 1, 30);
    assert.ok(labels(tools).includes('run_command'));
    assert.equal(tools[0].replaceStart, 27);
    const listed = completeAt('skill', '---\nallowed-tools:\n  - gr\n---\n', 2, 6);
    assert.ok(labels(listed).includes('grep'));
    assert.deepEqual(completeAt('skill', '---\nmodel: \n---\n', 1, 7), []);
  });
});

describe('lsp hover', () => {
  it('explains each key, and the memory type under the cursor', () => {
    const topic = '---\ndescription: d\ntype: feedback\n---\ntype: user\n';
    const key = hoverAt('topic', topic, 1, 3);
    assert.deepEqual([key?.line, key?.startChar, key?.endChar], [1, 0, 11]);
    assert.match(key!.markdown, /\*\*description\*\*/);
    assert.match(hoverAt('topic', topic, 2, 8)!.markdown, /Corrections and guidance/);
    assert.equal(hoverAt('topic', topic, 4, 1), undefined);
    assert.match(hoverAt('skill', '---\ncontext: fork\n---\n', 1, 2)!.markdown, /subagent/);
    assert.equal(hoverAt('skill', '---\nunknown: 1\n---\n', 1, 2), undefined);
  });
});
