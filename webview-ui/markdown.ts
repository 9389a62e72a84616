import MarkdownIt from 'markdown-it';
import type { DOMPurify } from 'dompurify';

/**
 * Renders model output, which is untrusted, to safe HTML. Two layers: markdown-it with raw HTML
 * turned off (tags in the text come out as text, `javascript:` links are refused), then DOMPurify
 * on the result, so a gap in either one alone does not let markup or script through.
 */
export function createMarkdownRenderer(purify: DOMPurify): (source: string) => string {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
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
