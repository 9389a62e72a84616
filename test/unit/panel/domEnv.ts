import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { createMarkdownRenderer } from '../../../webview-ui/markdown';
import type { ListGeometry } from '../../../webview-ui/virtualList';

/**
 * A jsdom window installed as the globals the webview code uses (document, requestAnimationFrame,
 * navigator...), with animation frames run by hand: `frames()` runs what is queued.
 */
export function installDom(): { window: Window & typeof globalThis; frames(): void; restore(): void } {
  const dom = new JSDOM('<!doctype html><html><body><main id="transcript"></main></body></html>', { pretendToBeVisual: false });
  const win = dom.window as unknown as Window & typeof globalThis;
  let queue: FrameRequestCallback[] = [];
  const globals: Record<string, unknown> = {
    window: win, document: win.document, HTMLElement: win.HTMLElement, Node: win.Node, DocumentFragment: win.DocumentFragment,
    CSS: { escape: (s: string) => s.replace(/["\\]/g, '\\$&') },
    navigator: { clipboard: { writeText: () => Promise.reject(new Error('no clipboard in tests')) } },
    requestAnimationFrame: (cb: FrameRequestCallback) => queue.push(cb),
    cancelAnimationFrame: () => undefined,
  };
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const [k, v] of Object.entries(globals)) {
    saved.set(k, Object.getOwnPropertyDescriptor(globalThis, k));
    Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  }
  return {
    window: win,
    frames: () => {
      const run = queue;
      queue = [];
      run.forEach((cb) => cb(0));
    },
    restore: () => {
      for (const [k, d] of saved) {
        if (d) Object.defineProperty(globalThis, k, d);
        else delete (globalThis as any)[k];
      }
      win.close();
    },
  };
}

/**
 * A scroll viewport over the list without a layout engine: items are as tall as `heightOf` says
 * (their `data-h`, else a default), the list starts at the top of the document.
 */
export class FakeGeometry implements ListGeometry {
  scrollTop = 0;
  constructor(private readonly root: HTMLElement, public viewportHeight = 500, private readonly gap = 10, private readonly fallback = 50) {}

  measure = (el: HTMLElement): number => Number(el.dataset.h ?? this.fallback);

  get total(): number {
    const kids = [...this.root.children] as HTMLElement[];
    const items = kids.reduce((sum, el) => sum + this.measure(el), 0) + Math.max(0, kids.length - 1) * this.gap;
    return parseFloat(this.root.style.paddingTop || '0') + parseFloat(this.root.style.paddingBottom || '0') + items;
  }

  viewport() {
    return { top: this.scrollTop, height: this.viewportHeight };
  }

  scrollBy(dy: number): void {
    this.scrollTop = Math.max(0, Math.min(this.scrollTop + dy, this.total - this.viewportHeight));
  }

  scrollToEnd(): void {
    this.scrollTop = Math.max(0, this.total - this.viewportHeight);
  }

  atEnd(): boolean {
    return this.total - this.scrollTop - this.viewportHeight < 40;
  }

  /** Where an item's element is, in list coordinates (from the padding and the mounted items before it). */
  topOf(el: HTMLElement): number {
    let y = parseFloat(this.root.style.paddingTop || '0');
    for (const kid of this.root.children as unknown as HTMLElement[]) {
      if (kid === el) return y;
      y += this.measure(kid) + this.gap;
    }
    throw new Error('not mounted');
  }
}

/** The panel's markdown renderer (markdown-it + DOMPurify) on a jsdom window, and `dom(html)` to query what it made. */
export function jsdomRenderer(): { window: Window & typeof globalThis; render: (markdown: string) => string; dom(html: string): HTMLDivElement } {
  const window = new JSDOM('').window as unknown as Window & typeof globalThis;
  const render = createMarkdownRenderer(createDOMPurify(window as any));
  const dom = (html: string) => {
    const div = window.document.createElement('div');
    div.innerHTML = html;
    return div;
  };
  return { window, render, dom };
}
