/**
 * The "done when": a scripted session against the mock server with a real Conversation.
 * The first request lists the skill's description but not its body; after the model calls the
 * skill tool, the next request contains the body; a second call does not duplicate it.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { combineHooks } from '../../../src/core/session/hooks';
import { SkillCatalog } from '../../../src/core/skills/catalog';
import { createSkillTool } from '../../../src/core/tools/skill';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MockAnthropicServer, reply, toolCall } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from '../fakes';
import { skillMd, skillWorld, type SkillWorld } from './fixture';

const BODY = 'BODY-MARKER-7f3a: collect the merged pull requests since the last tag, group them by area';
const DESCRIPTION = 'Writes release notes from merged pull requests';

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('skills: a scripted session (done when)', () => {
  let mock: MockAnthropicServer;
  let w: SkillWorld;
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    w = skillWorld();
  });
  afterEach(() => w.dispose());

  it('lists the description first, injects the body when the skill tool is called, and never twice', async () => {
    w.put('outer/repo/.reverie/skills/release-notes/SKILL.md', skillMd('release-notes', DESCRIPTION, 'when_to_use: when preparing a release\n', `${BODY} for $ARGUMENTS.`));
    w.put('outer/repo/.reverie/skills/lint-fix/SKILL.md', skillMd('lint-fix', 'Fixes lint errors', '', 'LINT-BODY'));
    const log = new MemoryLogger();
    const catalog = new SkillCatalog({ fs: new NodeFileSystem(), places: () => w.places, log });
    const convo = testConversation(fakeAccess(mock.url), log, [createSkillTool(catalog)], {
      hooks: combineHooks([catalog.hooks]),
      sessionDir: () => path.join(w.base, 'session'),
    });
    mock.enqueue(
      toolCall('skill', { name: 'release-notes', args: 'v2.0' }, { id: 'toolu_1' }),
      toolCall('skill', { name: 'release-notes', args: 'v2.0' }, { id: 'toolu_2' }),
      reply('Here are the notes.'),
      reply('Sure.'),
    );
    const out = await convo.send('Write the release notes for v2.0', new AbortController().signal);
    assert.equal(out.state, 'completed');
    assert.equal(mock.requests.length, 3);

    const sent = (i: number) => JSON.stringify(mock.requests[i].body.messages);
    // 1. The first request: the listing (description and when_to_use), no body; the tool is offered.
    assert.match(sent(0), /- release-notes: Writes release notes from merged pull requests - when preparing a release/);
    assert.match(sent(0), /- lint-fix: Fixes lint errors/);
    assert.equal(occurrences(sent(0), 'BODY-MARKER-7f3a'), 0);
    assert.ok(mock.requests[0].body.tools.some((t: { name: string }) => t.name === 'skill'));
    // 2. After the skill call: the body, with the arguments, in the tool result.
    assert.equal(occurrences(sent(1), 'BODY-MARKER-7f3a'), 1);
    assert.match(sent(1), /for v2\.0\./);
    // 3. A second call does not duplicate it.
    assert.equal(occurrences(sent(2), 'BODY-MARKER-7f3a'), 1);
    assert.match(sent(2), /already loaded/);
    assert.equal(occurrences(sent(2), 'LINT-BODY'), 0);

    // A later message does not list the skills again, nor repeat the body.
    await convo.send('Thanks', new AbortController().signal);
    assert.equal(occurrences(sent(3), DESCRIPTION), 1);
    assert.equal(occurrences(sent(3), 'BODY-MARKER-7f3a'), 1);
  });
});
