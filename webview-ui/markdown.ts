import MarkdownIt from 'markdown-it';
import type { DOMPurify } from 'dompurify';
import { highlight } from './highlight';

/**
 * Renders model output, which is untrusted, to safe HTML. Two layers: markdown-it with raw HTML
 * turned off (tags in the text come out as text, `javascript:` links are refused), then DOMPurify
 * on the result, so a gap in either one alone does not let markup or script through. Code blocks
 * are highlighted inside that pipeline (escaped spans, sanitised like everything else); their
 * toolbars are added afterwards as DOM by the transcript, never as HTML.
 */
export function createMarkdownRenderer(purify: DOMPurify): (source: string) => string {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false, highlight });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('rel', 'noopener noreferrer');
      node.setAttribute('target', '_blank');
    }
  });
  return (source) =>
    purify.sanitize(md.render(source), {
      USE_PROFILES: { html: true },
      FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
      FORBID_ATTR: ['style'],
    });
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Where the next top-level block starts in `text` at or after `from` (which must itself be the
 * start of a block): the first line that begins in column 0 after a blank line, outside any
 * fenced code. Everything before it is a finished block that later text cannot change (lists and
 * paragraphs cannot continue across a blank line and an unindented line). -1 when there is none yet.
 *
 * This is what keeps streaming cheap: finished blocks are rendered once, and each frame only
 * re-renders the block still being written.
 */
export function nextBlockStart(text: string, from: number): number {
  let fence: string | undefined;
  let blank = false;
  let pos = from;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) {
      // The last line is still arriving; its first character is enough to know a block starts there.
      return !fence && blank && pos > from && /^\S/.test(text.slice(pos, pos + 1)) ? pos : -1;
    }
    const line = text.slice(pos, nl);
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length && line.slice(close[0].length).trim() === '') fence = undefined;
    } else if (line.trim() === '') {
      blank = true;
    } else {
      if (blank && pos > from && /^\S/.test(line)) return pos;
      blank = false;
      const open = FENCE.exec(line);
      if (open) fence = open[1];
    }
    pos = nl + 1;
  }
  return -1;
}

/** Splits markdown into top-level blocks as `nextBlockStart` sees them (the last one may be unfinished). */
export function splitBlocks(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let next = nextBlockStart(text, 0); next !== -1; next = nextBlockStart(text, start)) {
    out.push(text.slice(start, next));
    start = next;
  }
  out.push(text.slice(start));
  return out;
}
