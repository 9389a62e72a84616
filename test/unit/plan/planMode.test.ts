/**
 * Plan mode: exit_plan_mode (refused outside plan mode), the panel's plan reviews (Approve reads
 * the document's current text and switches the mode; Another round sends the text and comments),
 * and the approved plan restored after a compaction (against the mock).
 */
import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { SUMMARY_SYSTEM } from '../../../src/core/compaction/summary';
import type { PermissionMode } from '../../../src/core/permissions/types';
import { createExitPlanModeTool } from '../../../src/core/tools/exitPlanMode';
import { newToolSession, type ToolContext, type ToolSession } from '../../../src/core/tools/tool';
import { approvalMessage, PlanPanel, revisionMessage, type PlanEnvironment, type PlanProposal } from '../../../src/host/plan/planPanel';
import type { ExecutionMode, PlanEntry } from '../../../src/shared/subagentProtocol';
import { MockAnthropicServer, reply } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from '../fakes';

const PLAN = '# Plan\n\n1. Read a.ts.\n2. Change f().';

describe('plan mode', () => {
  describe('exit_plan_mode', () => {
    function tool(mode: PermissionMode) {
      const presented: string[] = [];
      const t = createExitPlanModeTool({ mode: () => mode, present: async (plan) => (presented.push(plan), { shownAs: 'in an editor, plan-1.md' }) });
      const ctx = { session: newToolSession('/tmp/s') } as unknown as ToolContext;
      return { run: (plan: string) => t.run({ plan }, ctx), presented };
    }

    it('in plan mode presents the plan and tells the model to stop and wait', async () => {
      const t = tool('plan');
      const r = await t.run(`  ${PLAN}\n`);
      assert.equal(r.isError, undefined);
      assert.deepEqual(t.presented, [PLAN]);
      assert.match(r.content, /shown to the user \(in an editor, plan-1\.md\).*Stop here/s);
    });

    for (const mode of ['ask', 'acceptEdits', 'bypass'] as const) {
      it(`is refused in ${mode} mode, and nothing is shown`, async () => {
        const t = tool(mode);
        const r = await t.run(PLAN);
        assert.equal(r.isError, true);
        assert.match(r.content, new RegExp(`only for plan mode, and the permission mode is "${mode}"`));
        assert.deepEqual(t.presented, []);
      });
    }

    it('refuses an empty plan', async () => {
      const t = tool('plan');
      const r = await t.run('  \n ');
      assert.equal(r.isError, true);
      assert.deepEqual(t.presented, []);
    });
  });

  describe('the messages a decision sends', () => {
    it('Approve: the plan as the user left it, marked edited only when it changed, and the mode', () => {
      assert.equal(approvalMessage(PLAN, PLAN, 'acceptEdits'),
        `The user approved this plan:\n\n<plan>\n${PLAN}\n</plan>\n\nExecute it. The permission mode is now "Accept edits". Keep to the plan; if something in it turns out wrong, say so before you deviate.`);
      const edited = approvalMessage(`${PLAN}\n3. Run the tests.`, PLAN, 'ask');
      assert.match(edited, /^The user approved this plan \(edited\):/);
      assert.match(edited, /3\. Run the tests\.\n<\/plan>/);
      assert.match(edited, /"Ask"/);
    });

    it('Another round: the edited text, the comments, and the ask for a revised plan through exit_plan_mode', () => {
      const m = revisionMessage(`${PLAN}\n<!-- not f, g -->`, PLAN, '  Use the parser instead. ');
      assert.match(m, /^The user wants another round on the plan\. This is the plan as they edited it:/);
      assert.ok(m.includes('<!-- not f, g -->\n</plan>'));
      assert.match(m, /Their comments:\n\nUse the parser instead\.\n\n/);
      assert.match(m, /call exit_plan_mode again/);
      assert.doesNotMatch(revisionMessage(PLAN, PLAN, ''), /Their comments|as they edited/);
    });
  });

  describe('PlanPanel', () => {
    function world(o: { busy?: boolean; modeOk?: boolean } = {}) {
      let listener: ((p: PlanProposal) => void) | undefined;
      const docs = new Map<string, string>();
      const modes: ExecutionMode[] = [];
      const kept: string[] = [];
      const sent: Array<{ display: string; prompt: string }> = [];
      const cards: PlanEntry[] = [];
      const errors: string[] = [];
      let n = 0;
      const env: PlanEnvironment = {
        onDidPropose: (l) => ((listener = l), { dispose: () => (listener = undefined) }),
        currentText: async (id) => docs.get(id),
        open: async () => undefined,
        setMode: async (mode) => (o.modeOk === false ? false : (modes.push(mode), true)),
        keep: (plan) => void kept.push(plan),
      };
      const panel = new PlanPanel(env, {
        add: (e) => void cards.push(e),
        update: (e) => void cards.push(e),
        send: async (display, prompt) => void sent.push({ display, prompt }),
        busy: () => o.busy === true,
        error: (m) => void errors.push(m),
        newId: () => `e${++n}`,
        warn: () => undefined,
      });
      const propose = (plan = PLAN) => {
        docs.set('/s/plan-1.md', plan);
        listener!({ documentId: '/s/plan-1.md', path: '/s/plan-1.md', plan });
        return cards.at(-1)!.id;
      };
      return { panel, docs, modes, kept, sent, cards, errors, propose };
    }

    it('Approve reads the current document, switches the mode, keeps the plan and sends it', async () => {
      const w = world();
      const id = w.propose();
      assert.deepEqual(w.cards[0], { role: 'plan', id, path: '/s/plan-1.md', state: 'pending' });
      w.docs.set('/s/plan-1.md', `${PLAN}\n3. Also the docs.`); // the user's unsaved edit
      assert.equal(await w.panel.decide({ type: 'planDecision', entryId: id, decision: 'approve', mode: 'acceptEdits' }), true);
      assert.deepEqual(w.modes, ['acceptEdits']);
      assert.deepEqual(w.kept, [`${PLAN}\n3. Also the docs.`]);
      assert.equal(w.sent[0].display, 'Approved the plan (Accept edits)');
      assert.match(w.sent[0].prompt, /^The user approved this plan \(edited\):[\s\S]*3\. Also the docs\./);
      assert.deepEqual(w.cards.at(-1), { role: 'plan', id, path: '/s/plan-1.md', state: 'approved', mode: 'acceptEdits' });
      assert.equal(await w.panel.decide({ type: 'planDecision', entryId: id, decision: 'approve', mode: 'ask' }), false, 'decided once');
      assert.equal(w.sent.length, 1);
    });

    it('a declined mode switch (bypass not confirmed) sends nothing and leaves the card pending', async () => {
      const w = world({ modeOk: false });
      const id = w.propose();
      assert.equal(await w.panel.decide({ type: 'planDecision', entryId: id, decision: 'approve', mode: 'bypass' }), false);
      assert.deepEqual([w.sent, w.kept, w.cards.length], [[], [], 1]);
      assert.equal(await w.panel.decide({ type: 'planDecision', entryId: id, decision: 'revise', comments: '' }), true, 'still decidable');
    });

    it('Another round sends the text and comments, keeps no plan and changes no mode', async () => {
      const w = world();
      const id = w.propose();
      await w.panel.decide({ type: 'planDecision', entryId: id, decision: 'revise', comments: 'Smaller steps.' });
      assert.deepEqual([w.modes, w.kept], [[], []]);
      assert.equal(w.sent[0].display, 'Another round on the plan: Smaller steps.');
      assert.match(w.sent[0].prompt, /Their comments:\n\nSmaller steps\./);
      assert.equal(w.cards.at(-1)!.state, 'revising');
    });

    it('while a turn runs, or with the document emptied, nothing is decided', async () => {
      const busy = world({ busy: true });
      const id = busy.propose();
      assert.equal(await busy.panel.decide({ type: 'planDecision', entryId: id, decision: 'approve', mode: 'ask' }), false);
      assert.equal(busy.errors.length, 1);
      const empty = world();
      const id2 = empty.propose();
      empty.docs.set('/s/plan-1.md', '  \n');
      assert.equal(await empty.panel.decide({ type: 'planDecision', entryId: id2, decision: 'approve', mode: 'ask' }), false);
      assert.deepEqual([empty.modes, empty.sent], [[], []]);
    });

    it('a newer plan replaces the one still waiting', async () => {
      const w = world();
      const first = w.propose();
      const second = w.propose(`${PLAN}\n(v2)`);
      assert.equal(await w.panel.decide({ type: 'planDecision', entryId: first, decision: 'approve', mode: 'ask' }), false);
      assert.equal(await w.panel.decide({ type: 'planDecision', entryId: second, decision: 'approve', mode: 'ask' }), true);
    });
  });

  describe('the approved plan after a compaction (mock server)', () => {
    let mock: MockAnthropicServer;
    afterEach(() => mock?.close());
    const isSummary = (body: any) => !body.tools && JSON.stringify(body.system ?? '').includes(SUMMARY_SYSTEM.slice(0, 40));
    const signal = () => new AbortController().signal;

    it('is restored in the message that replaces the summarised history, and only once approved', async () => {
      mock = await MockAnthropicServer.start({
        fallback: (body) => (isSummary(body) ? reply('<analysis>a</analysis>\n<summary>\nThey planned, then approved.\n</summary>') : reply('ok')),
      });
      const run = async (approved: string | undefined) => {
        mock.reset();
        const convo = testConversation(fakeAccess(mock.url), new MemoryLogger(), [], { compaction: () => ({ sessionNotes: false }) });
        await convo.send('plan the change', signal());
        await convo.send('looks fine', signal());
        if (approved) (convo.session as ToolSession).plan = approved;
        const done = await convo.compact(undefined, signal());
        assert.ok(done.ok, done.ok ? '' : done.reason);
        await convo.send('go on', signal());
        return JSON.stringify((mock.requests.at(-1)!.body.messages as MessageParam[])[0]);
      };
      const restored = await run(`${PLAN}\n3. Approved step.`);
      assert.ok(restored.includes('The current plan:'), 'the plan block is in the first message after compaction');
      assert.ok(restored.includes('3. Approved step.'));
      assert.ok(!(await run(undefined)).includes('The current plan:'), 'no plan block without an approved plan');
    });
  });
});
