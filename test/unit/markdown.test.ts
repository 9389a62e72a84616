import * as assert from 'node:assert/strict';
import createDOMPurify from 'dompurify';
import { jsdomRenderer } from './panel/domEnv';

describe('markdown rendering of model output', () => {
  const { window, render, dom } = jsdomRenderer();

  it('renders ordinary markdown: emphasis, lists, code blocks, tables', () => {
    const el = dom(render('**bold** and `code`\n\n- one\n- two\n\n```ts\nconst x = 1 < 2;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |'));
    assert.equal(el.querySelector('strong')?.textContent, 'bold');
    assert.equal(el.querySelectorAll('li').length, 2);
    assert.equal(el.querySelector('pre code')?.textContent, 'const x = 1 < 2;\n');
    assert.equal(el.querySelector('pre code')?.className, 'language-ts');
    assert.equal(el.querySelectorAll('td').length, 2);
  });

  it('shows raw HTML from the model as text, never as elements', () => {
    const el = dom(render('<script>alert(1)</script> <img src=x onerror="alert(2)"> <iframe src="https://evil"></iframe>'));
    assert.equal(el.querySelector('script, img, iframe'), null);
    assert.match(el.textContent ?? '', /<script>alert\(1\)<\/script>/);
  });

  it('drops javascript: and data: links but keeps https links, opened safely', () => {
    const el = dom(render('[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) [c](https://example.com)'));
    const hrefs = [...el.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(hrefs, ['https://example.com']);
    assert.equal(el.querySelector('a')?.getAttribute('rel'), 'noopener noreferrer');
  });

  it('the sanitiser layer alone strips handlers that reach it', () => {
    const purify = createDOMPurify(window as any);
    const clean = purify.sanitize('<p onclick="x()">hi</p><a href="javascript:x()">y</a>');
    const el = dom(clean);
    assert.equal(el.querySelector('p')?.getAttribute('onclick'), null);
    assert.equal(el.querySelector('a')?.getAttribute('href'), null);
  });
});
