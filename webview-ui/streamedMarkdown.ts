/**
 * Markdown into the DOM: `fragment` turns the renderer's sanitised HTML into nodes with code-block
 * actions, and `StreamedMarkdown` paints a streamed answer block by block.
 */
import { decorateCodeBlocks } from './codeBlocks';
import { nextBlockStart } from './markdown';

/**
 * A streamed answer rendered block by block: finished top-level blocks are rendered once (their
 * HTML kept, so a remount is cheap); each frame re-renders only the block still being written.
 */
export class StreamedMarkdown {
  text = '';
  private readonly done: string[] = [];
  private doneEnd = 0;
  private painted = 0;
  private tail: Node[] = [];

  constructor(private readonly render: (markdown: string) => string) {}

  /** A new, empty `body` that the next frame's paint() fills. */
  detach(): void {
    this.painted = 0;
    this.tail = [];
  }

  /** Brings `body` up to date with `text`; `fresh` when `body` is new (a mount). */
  paint(body: HTMLElement, fresh: boolean): void {
    for (let next = nextBlockStart(this.text, this.doneEnd); next !== -1; next = nextBlockStart(this.text, this.doneEnd)) {
      this.done.push(this.render(this.text.slice(this.doneEnd, next)));
      this.doneEnd = next;
    }
    if (fresh) {
      body.replaceChildren();
      this.painted = 0;
      this.tail = [];
    }
    for (const node of this.tail) node.parentNode?.removeChild(node);
    for (; this.painted < this.done.length; this.painted++) body.append(fragment(this.done[this.painted]));
    const tail = fragment(this.render(this.text.slice(this.doneEnd)));
    this.tail = [...tail.childNodes];
    body.append(tail);
  }
}

export function fragment(html: string): DocumentFragment {
  const t = document.createElement('template');
  t.innerHTML = html; // sanitised HTML from the markdown renderer
  decorateCodeBlocks(t.content);
  return t.content;
}
