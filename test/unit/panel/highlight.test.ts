import * as assert from 'node:assert/strict';
import { grammarFor, highlight, HIGHLIGHT_MAX_CHARS } from '../../../webview-ui/highlight';
import { jsdomRenderer } from './domEnv';

describe('syntax highlighting of code blocks', () => {
  const { render, dom } = jsdomRenderer();
  const tokens = (html: string, kind: string) => [...dom(html).querySelectorAll(`.tok-${kind}`)].map((e) => e.textContent);

  it('marks keywords, strings, numbers, comments, types and calls in TypeScript', () => {
    const html = highlight('const n: Foo = parse("a // b", 42); // note\n/* block */ return true;', 'ts');
    assert.deepEqual(tokens(html, 'keyword'), ['const', 'return']);
    assert.deepEqual(tokens(html, 'string'), ['"a // b"']);
    assert.deepEqual(tokens(html, 'number'), ['42']);
    assert.deepEqual(tokens(html, 'comment'), ['// note', '/* block */']);
    assert.deepEqual(tokens(html, 'type'), ['Foo']);
    assert.deepEqual(tokens(html, 'function'), ['parse']);
    assert.deepEqual(tokens(html, 'literal'), ['true']);
  });

  it('knows Python, shell, JSON, CSS, HTML, SQL and diff by their fence names', () => {
    assert.deepEqual(tokens(highlight('def f(x):\n    # hi\n    return None', 'python'), 'keyword'), ['def', 'return']);
    assert.deepEqual(tokens(highlight('echo "$HOME" # c', 'bash'), 'comment'), ['# c']);
    assert.deepEqual(tokens(highlight('{"a": 1, "b": "c"}', 'json'), 'attr'), ['"a"', '"b"']);
    assert.deepEqual(tokens(highlight('a { color: red; }', 'css'), 'attr'), ['color']);
    assert.deepEqual(tokens(highlight('<div class="x">hi</div>', 'html'), 'tag'), ['<div', '>', '</div', '>']);
    assert.deepEqual(tokens(highlight('SELECT a FROM t', 'sql'), 'keyword'), ['SELECT', 'FROM']);
    assert.deepEqual(tokens(highlight('@@ -1 +1 @@\n-old\n+new', 'diff'), 'inserted'), ['+new']);
    assert.equal(grammarFor('TypeScript title="a.ts"'), 'c');
    assert.equal(highlight('x', 'brainfuck'), '', 'unknown languages are left to plain escaping');
  });

  it('keeps the text exactly: the highlighted block reads the same as the source', () => {
    const src = 'if (a<b && c>"d") { s = \'<script>\'; } // </code>\n';
    assert.equal(dom(highlight(src, 'js')).textContent, src);
  });

  it('leaves huge blocks plain', () => {
    assert.equal(highlight('x = 1;\n'.repeat(HIGHLIGHT_MAX_CHARS / 7 + 1), 'js'), '');
  });

  it('highlighted output still goes through the sanitiser: markup inside code stays text', () => {
    const el = dom(render('```html\n<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\n```\n```js\n"<svg onload=alert(1)>"\n```'));
    assert.equal(el.querySelector('img, script, svg'), null);
    assert.ok(el.querySelector('pre code .tok-tag'), 'highlighted');
    assert.match(el.querySelector('pre code')!.textContent!, /<img src=x onerror="window.__xss=1">/);
    for (const node of el.querySelectorAll('*')) {
      for (const attr of node.attributes) assert.ok(['class', 'href', 'rel', 'target'].includes(attr.name), `unexpected attribute ${attr.name}`);
    }
  });
});
