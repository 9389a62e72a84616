import * as assert from 'node:assert/strict';
import { formatSkillListing, listingBudget, listingFigure, sampleSkills, skillListingReminder } from '../../../src/core/skills/listing';
import { fakeSkill } from './render.test';

const x = (n: number) => 'x'.repeat(n);

describe('skills: listing', () => {
  it('budget: 1% of the context window at 4 characters per token, 8,000 when unknown', () => {
    assert.equal(listingBudget(200_000), 8_000);
    assert.equal(listingBudget(1_000_000), 40_000);
    assert.equal(listingBudget(32_000), 1_280);
    assert.equal(listingBudget(undefined), 8_000);
    assert.equal(listingBudget(0), 8_000);
  });

  it('one line per skill, "- name: description - when_to_use", without the dash when there is no when_to_use', () => {
    const out = formatSkillListing([
      fakeSkill({ name: 'lint', description: 'Runs the linter', whenToUse: 'before a commit' }),
      fakeSkill({ name: 'docs', description: 'Updates the docs\n  for changed APIs' }),
    ], 8_000);
    assert.equal(out.text, '- lint: Runs the linter - before a commit\n- docs: Updates the docs for changed APIs');
    assert.equal(out.chars, out.text.length);
    assert.equal(out.mode, 'full');
    assert.deepEqual(out.listed, ['lint', 'docs']);
  });

  it('leaves out disabled skills and those with disable-model-invocation', () => {
    const out = formatSkillListing([
      fakeSkill({ name: 'a' }), fakeSkill({ name: 'off', disabled: true }), fakeSkill({ name: 'user-only', disableModelInvocation: true }),
    ], 8_000);
    assert.deepEqual(out.listed, ['a']);
    assert.equal(out.text, '- a: does a');
  });

  it('caps each description part at 250 characters, with an ellipsis', () => {
    const out = formatSkillListing([fakeSkill({ name: 'big', description: x(200), whenToUse: x(100) })], 8_000);
    assert.equal(out.mode, 'full');
    assert.equal(out.text, `- big: ${x(200)} - ${x(46)}…`);
    assert.equal(out.chars, 7 + 250);
  });

  it('over budget, shrinks every description to the same largest cap that fits', () => {
    const four = ['a1', 'a2', 'a3', 'a4'].map((name) => fakeSkill({ name, description: x(100) }));
    // Each line: "- a1: " (6) + 100; 4 lines and 3 newlines = 427.
    assert.deepEqual([formatSkillListing(four, 427).mode, formatSkillListing(four, 427).chars], ['full', 427]);
    const shrunk = formatSkillListing(four, 426);
    // 27 fixed + 4 * cap <= 426  ->  cap 99, 423 characters.
    assert.deepEqual([shrunk.mode, shrunk.cap, shrunk.chars], ['shrunk', 99, 423]);
    assert.equal(shrunk.text.split('\n')[0], `- a1: ${x(98)}…`);
    // Uneven: only the long description is cut; 18 fixed + 10 + cap <= 200 -> cap 172, exactly 200.
    const uneven = formatSkillListing([fakeSkill({ name: 'long', description: x(300) }), fakeSkill({ name: 'short', description: x(10) })], 200);
    assert.deepEqual([uneven.mode, uneven.cap, uneven.chars], ['shrunk', 172, 200]);
    assert.equal(uneven.text.split('\n')[1], `- short: ${x(10)}`);
  });

  it('lists names only when the cap would go below 20 characters', () => {
    const four = ['a1', 'a2', 'a3', 'a4'].map((name) => fakeSkill({ name, description: x(100) }));
    // cap 20 needs 27 + 80 = 107 characters.
    assert.deepEqual([formatSkillListing(four, 107).mode, formatSkillListing(four, 107).cap], ['shrunk', 20]);
    const names = formatSkillListing(four, 106);
    assert.equal(names.mode, 'names');
    assert.equal(names.text, '- a1\n- a2\n- a3\n- a4');
    assert.equal(names.chars, 19);
    assert.deepEqual(names.listed, ['a1', 'a2', 'a3', 'a4']);
  });

  it('the reminder says the skills exist, how to call the skill tool, and that bodies load on demand', () => {
    const text = skillListingReminder('- a: does a');
    assert.match(text, /^<system-reminder>\nThe following skills are available\./);
    assert.match(text, /call the `skill` tool with its name/);
    assert.match(text, /full instructions load when you call the tool/);
    assert.match(text, /\n- a: does a\n<\/system-reminder>$/);
    assert.match(skillListingReminder('- b', { fresh: true, reason: 'They apply to src/x.ts.' }), /New skills are available\. They apply to src\/x\.ts\./);
  });

  it('FIGURE: listing size for 50 skills', () => {
    const figure = listingFigure(50);
    const reminder = skillListingReminder(formatSkillListing(sampleSkills(50), figure.budget).text).length;
    console.log(`      listing for ${figure.skills} skills: ${figure.fullChars} characters uncapped; ${figure.chars} characters in the ${figure.budget}-character budget (${figure.mode}, descriptions cut to ${figure.cap}); ${reminder} with the reminder wrapper`);
    assert.equal(new Set(sampleSkills(50).map((s) => s.name)).size, 50);
    assert.ok(figure.chars <= figure.budget);
    assert.ok(figure.fullChars > figure.chars, 'realistic descriptions for 50 skills do not fit 8,000 characters uncut');
  });
});
