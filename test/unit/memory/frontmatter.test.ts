import * as assert from 'node:assert/strict';
import { parseFrontmatter, parseTopic } from '../../../src/core/memory/frontmatter';

describe('memory frontmatter', () => {
  it('reads a --- block at the start and returns the body after it', () => {
    const r = parseFrontmatter('---\nname: Tests\ntags: [a, b]\n---\n# Body\ntext\n');
    assert.deepEqual(r.data, { name: 'Tests', tags: ['a', 'b'] });
    assert.equal(r.body, '# Body\ntext\n');
    assert.equal(r.error, undefined);
  });

  it('treats a file without a leading block as all body', () => {
    const text = '# Title\n---\nname: x\n---\n';
    const r = parseFrontmatter(text);
    assert.equal(r.present, false);
    assert.equal(r.data, undefined);
    assert.equal(r.body, text);
  });

  it('handles CRLF, a BOM and an empty body', () => {
    const r = parseFrontmatter('\uFEFF---\r\nname: x\r\n---\r\n');
    assert.deepEqual(r.data, { name: 'x' });
    assert.equal(r.body, '');
  });

  it('reports malformed YAML with its line in the file, without throwing', () => {
    const r = parseFrontmatter('---\nname: ok\ndescription: [unclosed\ntype: user\n---\nbody\n');
    assert.equal(r.data, undefined);
    assert.ok(r.error);
    assert.match(r.error.message, /^malformed YAML: /);
    assert.doesNotMatch(r.error.message, /\n/);
    assert.equal(r.error.line, 4, r.error.message); // YAML notices the problem on the `type:` line
    assert.equal(r.body, 'body\n');
  });

  it('reports a bad indentation on the line it occurs', () => {
    const r = parseFrontmatter('---\nname: x\n  bad: : y\n---\n');
    assert.ok(r.error);
    assert.equal(r.error.line, 2); // YAML reports it where the compact mapping starts
  });

  it('reports an unclosed block at line 1', () => {
    const r = parseFrontmatter('---\nname: x\nno end\n');
    assert.equal(r.error?.line, 1);
    assert.match(r.error!.message, /not closed/);
  });

  describe('parseTopic', () => {
    it('accepts a valid topic and keeps unknown keys', () => {
      const r = parseTopic('---\nname: Testing\ndescription: How to run the tests\ntype: project\nextra: 1\n---\nRun npm test.\n');
      assert.deepEqual(r.issues, []);
      assert.deepEqual(r.frontmatter, { name: 'Testing', description: 'How to run the tests', type: 'project', extra: 1 });
      assert.equal(r.body, 'Run npm test.\n');
    });

    it('says description is required, on line 1 when the key is absent', () => {
      const r = parseTopic('---\nname: Testing\ntype: project\n---\n');
      assert.equal(r.frontmatter, undefined);
      assert.equal(r.issues.length, 1);
      assert.match(r.issues[0].message, /^description is required/);
      assert.equal(r.issues[0].line, 1);
    });

    it('points an empty description at its line', () => {
      const r = parseTopic('---\nname: Testing\ndescription: ""\ntype: project\n---\n');
      assert.equal(r.issues.length, 1);
      assert.match(r.issues[0].message, /description is required/);
      assert.equal(r.issues[0].line, 3);
    });

    it('names the allowed types for an unknown type, at its line', () => {
      const r = parseTopic('---\nname: Testing\ndescription: d\ntype: fact\n---\n');
      assert.equal(r.issues.length, 1);
      assert.equal(r.issues[0].message, 'type must be one of user, feedback, project, reference');
      assert.equal(r.issues[0].line, 4);
    });

    it('passes a YAML error through as an issue', () => {
      const r = parseTopic('---\nname: [x\n---\n');
      assert.equal(r.issues.length, 1);
      assert.match(r.issues[0].message, /malformed YAML/);
    });

    it('asks for frontmatter when there is none, and for a mapping when it is a list', () => {
      assert.match(parseTopic('just text\n').issues[0].message, /no frontmatter/);
      assert.match(parseTopic('---\n- a\n---\n').issues[0].message, /mapping/);
    });
  });
});
