/**
 * Invalid settings values (issue 10, bad input): every read of a `reverie.*` setting goes through
 * the schema package.json declares, so a wrong type, an unknown choice or an out-of-range number
 * gives a message naming the setting and falls back to the declared default; nothing throws.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SUBAGENT_MAX_TOKENS, DEFAULT_SUBAGENT_MAX_TURNS } from '../../src/core/agents/types';
import { DEFAULT_TOKENS_PER_HOUR } from '../../src/host/watch/watchPolicy';
import { rulesFromSettings } from '../../src/host/permissionSettings';
import { settingProblem, Settings, type SettingSchemas } from '../../src/host/settingValues';

const ROOT = path.resolve(__dirname, '../../..');
const declared: SettingSchemas = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Settings over a plain object of values, collecting what it reports. */
function over(values: Record<string, unknown>) {
  const reports: Array<{ key: string; message: string }> = [];
  const settings = new Settings(() => declared, (key) => values[key], (key, message) => reports.push({ key, message }));
  return { settings, reports };
}

describe('settings: every value checked against its declared schema', () => {
  it('every declared default fits its own schema', () => {
    const keys = Object.keys(declared);
    assert.ok(keys.length >= 25, `only ${keys.length} settings declared`);
    for (const key of keys) assert.equal(settingProblem(declared[key].default, declared[key]), undefined, key);
  });

  it('every key the extension reads through `settings.get` is declared', () => {
    const read = new Set<string>();
    for (const file of sourceFiles(path.join(ROOT, 'src/host'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/settings\.get<[^>]+>\('(reverie\.[\w.]+)'/g)) read.add(m[1]);
    }
    assert.ok(read.size >= 15, `found only ${read.size} reads`);
    for (const key of read) assert.ok(declared[key], `${key} is read but not declared in package.json`);
  });

  it('the declared defaults are the ones the code falls back to elsewhere', () => {
    assert.equal(declared['reverie.subagents.maxTurns'].default, DEFAULT_SUBAGENT_MAX_TURNS);
    assert.equal(declared['reverie.subagents.maxTokens'].default, DEFAULT_SUBAGENT_MAX_TOKENS);
    assert.equal(declared['reverie.watch.tokensPerHour'].default, DEFAULT_TOKENS_PER_HOUR);
  });

  const cases: Array<[key: string, value: unknown, says: RegExp]> = [
    ['reverie.model', 5, /should be a string, not integer 5/],
    ['reverie.model', ['claude'], /should be a string, not a list/],
    ['reverie.baseUrl', { url: 'x' }, /should be a string, not object/],
    ['reverie.fix.testCommand', true, /should be a string, not boolean true/],
    ['reverie.permissions.allow', 'run_command(*)', /should be a list, not string "run_command\(\*\)"/],
    ['reverie.permissions.deny', [1, 'rm'], /should be a list of strings; item 1 is 1/],
    ['reverie.permissions.defaultMode', 'bypass', /should be one of "ask", "acceptEdits", "plan", not "bypass"/],
    ['reverie.memory.location', 'cloud', /should be one of "private", "workspace"/],
    ['reverie.commands.runIn', null, /should be a string, not null/],
    ['reverie.skills.disabled', 'my-skill', /should be a list/],
    ['reverie.subagents.maxTurns', 0, /should be at least 1, not 0/],
    ['reverie.subagents.maxTurns', '25', /should be a number, not string "25"/],
    ['reverie.subagents.maxTokens', -5, /should be at least 1000, not -5/],
    ['reverie.subagents.maxTokens', Infinity, /should be a number/],
    ['reverie.watch.tokensPerHour', Number.NaN, /should be a number/],
    ['reverie.watch.enabled', 'yes', /should be a boolean, not string "yes"/],
    ['reverie.compaction.auto', 1, /should be a boolean/],
    ['reverie.compaction.threshold', 'x'.repeat(500), /should be a number, not string "x{20,}…;/],
    ['reverie.dream.minHours', false, /should be a number/],
  ];
  for (const [key, value, says] of cases) {
    it(`${key} = ${String(value).slice(0, 30)}: the default, and one message naming the setting`, () => {
      const { settings, reports } = over({ [key]: value });
      assert.deepEqual(settings.get(key), declared[key].default);
      assert.equal(reports.length, 1);
      assert.equal(reports[0].key, key);
      assert.match(reports[0].message, new RegExp(`^Setting ${key.replace(/\./g, '\\.')} `));
      assert.match(reports[0].message, says);
      assert.match(reports[0].message, /using the default .+ instead\.$/);
      assert.ok(reports[0].message.length < 300, 'a long value is cut short in the message');
    });
  }

  it('good values pass through untouched and unreported', () => {
    const values = {
      'reverie.model': 'claude-opus-5-5', 'reverie.permissions.allow': ['run_command(npm test:*)'], 'reverie.subagents.maxTurns': 3,
      'reverie.memory.location': 'workspace', 'reverie.compaction.threshold': 120_000, 'reverie.watch.enabled': true,
    };
    const { settings, reports } = over(values);
    for (const [key, value] of Object.entries(values)) assert.deepEqual(settings.get(key), value);
    assert.deepEqual(reports, []);
  });

  it('a wrong value is reported once, however often it is read; a different wrong value is reported again', () => {
    const values: Record<string, unknown> = { 'reverie.model': 5 };
    const { settings, reports } = over(values);
    for (let i = 0; i < 5; i++) settings.get('reverie.model');
    settings.checkAll();
    assert.equal(reports.length, 1);
    values['reverie.model'] = false;
    settings.get('reverie.model');
    assert.equal(reports.length, 2);
  });

  it('checkAll reports every wrong value at once, and only those', () => {
    const { settings, reports } = over({ 'reverie.model': 1, 'reverie.skills.disabled': 'x', 'reverie.dream.enabled': true });
    settings.checkAll('reverie.');
    assert.deepEqual(reports.map((r) => r.key).sort(), ['reverie.model', 'reverie.skills.disabled']);
  });

  it('a key nobody declared is a programming error, not a user one', () => {
    const { settings } = over({});
    assert.throws(() => settings.get('reverie.noSuchThing'), /not a setting declared in package\.json/);
  });

  it('permission rules of the wrong type are no rules, not a crash or a rule per character', () => {
    const inspected = {
      allow: { globalValue: 'run_command(*)', workspaceValue: ['read_file(src/**)', 7, null] },
      ask: { workspaceFolderValue: { rule: 'x' } },
      deny: { globalValue: ['run_command(rm:*)'], workspaceValue: 'edit_file' },
    };
    const rules = rulesFromSettings((k) => inspected[k], true);
    assert.deepEqual(rules, { allow: ['read_file(src/**)'], ask: [], deny: ['run_command(rm:*)'] });
    assert.deepEqual(rulesFromSettings((k) => inspected[k], false).allow, [], 'untrusted: the user\'s own (wrong) allow value only');
  });
});
