import * as assert from 'node:assert/strict';
import { suggestRule } from '../../../src/core/permissions';
import { ROOT, behavior, ctx, edit, read, run } from './helpers';

describe('permissions: suggestRule ("Always allow")', () => {
  const commands: Array<[string, string]> = [
    ['npm test -- --grep x', 'run_command(npm test:*)'],
    ['git status', 'run_command(git status:*)'],
    ['ls -la', 'run_command(ls:*)'],
    ['make', 'run_command(make:*)'],
    ['CI=1 npm run build && echo ok', 'run_command(npm run:*)'],
    ['timeout 60 cargo test', 'run_command(cargo test:*)'],
    ['sudo apt update', 'run_command(sudo apt:*)'],
    ['cat "my file.txt"', 'run_command(cat:*)'],
    ['ls $DIR', 'run_command(ls:*)'],
  ];
  for (const [command, rule] of commands) {
    it(`${JSON.stringify(command)} -> ${rule}, which then allows it`, () => {
      assert.equal(suggestRule(run(command), [ROOT]), rule);
      if (!command.includes('&&')) assert.equal(behavior(run(command), ctx({}, { allow: [rule] })), 'allow');
    });
  }

  it('edits: the folder relative to its root, as a glob that then allows the edit', () => {
    const cases: Array<[string, string]> = [
      [`${ROOT}/src/a/b.ts`, 'edit_file(src/a/**)'],
      [`${ROOT}/README.md`, 'edit_file(./README.md)'],
      [`${ROOT}/app/[id]/page.tsx`, 'edit_file(app/\\[id\\]/**)'],
      ['/tmp/scratch/x.txt', 'edit_file(/tmp/scratch/**)'],
    ];
    for (const [target, rule] of cases) {
      assert.equal(suggestRule(edit(target), [ROOT]), rule);
      assert.equal(behavior(edit(target), ctx({}, { allow: [rule] })), 'allow', rule);
    }
    assert.equal(behavior(edit(`${ROOT}/app/x/page.tsx`), ctx({}, { allow: ['edit_file(app/\\[id\\]/**)'] })), 'ask');
    assert.equal(behavior(edit(`${ROOT}/docs/README.md`), ctx({}, { allow: ['edit_file(./README.md)'] })), 'ask');
  });

  it('uses the innermost root when roots nest', () => {
    assert.equal(suggestRule(edit('/ws/app/pkg/src/a.ts'), ['/ws/app', '/ws/app/pkg']), 'edit_file(src/**)');
  });

  it('reads outside the workspace: the absolute folder, which then allows the read', () => {
    assert.equal(suggestRule(read('/opt/sdk/include/x.h'), [ROOT]), 'read_file(/opt/sdk/include/**)');
    assert.equal(suggestRule(read('/opt/sdk', 'list_files'), [ROOT]), 'read_file(/opt/sdk/**)');
    assert.equal(behavior(read('/opt/sdk/include/x.h'), ctx({}, { allow: ['read_file(/opt/sdk/include/**)'] })), 'allow');
  });
});
