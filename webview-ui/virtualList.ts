/**
 * A virtualised vertical list: only the items near the viewport are in the DOM; the rest are
 * padding above and below whose height is the sum of their measured (or, never seen yet,
 * estimated) heights. Work per scroll or update is proportional to what is on screen, plus one
 * O(n) prefix sum of numbers.
 *
 * The list sticks to its end while new content arrives unless the user scrolled away, keeps the
 * first visible item in place when heights above it change, and keeps the item holding keyboard
 * focus mounted while it is near.
 */

/** How the list reads and moves the scroll position; the default is the document's. Tests pass a fake. */
export interface ListGeometry {
  /** The visible part of the list in its own coordinates (0 = the list's top edge). */
  viewport(): { top: number; height: number };
  scrollBy(dy: number): void;
  scrollToEnd(): void;
  /** Whether the scroll position is at (or within a few pixels of) the end. */
  atEnd(): boolean;
  measure(el: HTMLElement): number;
}

export interface VirtualListOptions<T> {
  create(item: T): HTMLElement;
  estimate(item: T): number;
  geometry?: ListGeometry;
  /** Pixels rendered beyond each edge of the viewport. */
  overscan?: number;
  /** Space between items (the list's CSS row gap) and the padding at its two ends. */
  gap?: number;
  padding?: number;
  /** Called after the mounted range changes (an item mounted or unmounted). */
  onRangeChange?(start: number, end: number): void;
}

interface Slot<T> {
  key: string;
  item: T;
  height: number;
  measured: boolean;
  el?: HTMLElement;
}

/** How far apart focus may be from the viewport, in items, and still stay mounted. */
const FOCUS_KEEP = 30;

/** The first and one-past-last index of items that overlap [top, bottom), given their tops. */
export function rangeFor(tops: ArrayLike<number>, heights: ArrayLike<number>, top: number, bottom: number): [number, number] {
  const n = heights.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid] + heights[mid] <= top) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < n && tops[end] < bottom) end++;
  return [lo, Math.max(end, lo)];
}

export function documentGeometry(root: HTMLElement): ListGeometry {
  const scroller = () => document.scrollingElement ?? document.documentElement;
  return {
    viewport: () => ({ top: -root.getBoundingClientRect().top, height: window.innerHeight }),
    scrollBy: (dy) => void (scroller().scrollTop += dy),
    scrollToEnd: () => void (scroller().scrollTop = scroller().scrollHeight),
    atEnd: () => {
      const s = scroller();
      return s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    },
    measure: (el) => el.offsetHeight,
  };
}

export class VirtualList<T> {
  private slots: Slot<T>[] = [];
  private readonly index = new Map<string, number>();
  private start = 0;
  private end = 0;
  private frame = 0;
  private stick = true;
  private readonly geometry: ListGeometry;
  private readonly overscan: number;
  private readonly gap: number;
  private readonly padding: number;
  private readonly resizeObserver: ResizeObserver | undefined;

  constructor(private readonly root: HTMLElement, private readonly options: VirtualListOptions<T>) {
    this.geometry = options.geometry ?? documentGeometry(root);
    this.overscan = options.overscan ?? 600;
    this.gap = options.gap ?? 0;
    this.padding = options.padding ?? 0;
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => this.schedule());
    }
    this.applyPadding();
  }

  get length(): number {
    return this.slots.length;
  }

  /** The indexes of the mounted items: [start, end). */
  get mounted(): [number, number] {
    return [this.start, this.end];
  }

  /** Whether the list follows new content (the user has not scrolled away from the end). */
  get sticking(): boolean {
    return this.stick;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.slots[i].item;
  }

  /** The item's element, when it is mounted. */
  element(key: string): HTMLElement | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.slots[i].el;
  }

  keys(): string[] {
    return this.slots.map((s) => s.key);
  }

  /** Replaces everything and shows the end (a snapshot: the latest messages are what matter). */
  reset(items: { key: string; item: T }[]): void {
    for (const s of this.slots) this.unmount(s);
    this.slots = items.map(({ key, item }) => ({ key, item, height: this.options.estimate(item), measured: false }));
    this.reindex();
    this.start = this.end = 0;
    this.stick = true;
    this.layout();
  }

  push(key: string, item: T): void {
    this.stick ||= this.geometry.atEnd();
    this.index.set(key, this.slots.length);
    this.slots.push({ key, item, height: this.options.estimate(item), measured: false });
    this.layout();
  }

  /** Replaces an item's data; a mounted item is rebuilt unless `update` refreshes its element in place. */
  update(key: string, item: T, update?: (el: HTMLElement) => void): void {
    const i = this.index.get(key);
    if (i === undefined) return;
    const slot = this.slots[i];
    slot.item = item;
    if (slot.el) {
      if (update) update(slot.el);
      else {
        const el = this.options.create(item);
        this.resizeObserver?.unobserve(slot.el);
        slot.el.replaceWith(el);
        slot.el = el;
        this.resizeObserver?.observe(el);
      }
      this.remeasure(key);
    } else if (!slot.measured) slot.height = this.options.estimate(item);
  }

  /** Measures a mounted item again now (its content changed) and keeps the view steady or at the end. */
  remeasure(key: string): void {
    const i = this.index.get(key);
    const slot = i === undefined ? undefined : this.slots[i];
    if (!slot?.el) return;
    const stick = this.stick;
    const height = this.geometry.measure(slot.el);
    if (height !== slot.height || !slot.measured) {
      slot.height = height;
      slot.measured = true;
      this.applyPadding();
      if (stick) this.geometry.scrollToEnd();
    } else if (stick) this.geometry.scrollToEnd();
  }

  remove(keys: string[]): void {
    const drop = new Set(keys.filter((k) => this.index.has(k)));
    if (!drop.size) return;
    for (const s of this.slots) if (drop.has(s.key)) this.unmount(s);
    this.slots = this.slots.filter((s) => !drop.has(s.key));
    this.reindex();
    // Mounted items are the ones with elements; find their range again.
    const mounted = this.slots.map((s, i) => (s.el ? i : -1)).filter((i) => i >= 0);
    this.start = mounted.length ? mounted[0] : 0;
    this.end = mounted.length ? mounted[mounted.length - 1] + 1 : 0;
    this.layout();
  }

  /** The user scrolled (or the viewport changed size): decide whether to follow the end, then re-layout on the next frame. */
  onScroll(): void {
    this.stick = this.geometry.atEnd();
    this.schedule();
  }

  scrollToEnd(): void {
    this.stick = true;
    this.layout();
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.layout();
    });
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.resizeObserver?.disconnect();
  }

  /**
   * Mounts the items that overlap the viewport (plus overscan), unmounts the rest, measures what
   * is new, and repeats until the range is stable (at most a few passes: estimates converge).
   */
  layout(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const stick = this.stick;
    const anchor = stick ? undefined : this.anchor(this.tops());
    const settle = () => {
      if (stick) this.geometry.scrollToEnd();
      else if (anchor) this.keepAnchor(anchor, this.tops());
    };
    for (let pass = 0; pass < 4; pass++) {
      this.measureMounted(); // the resize observer, or new content, may have changed sizes
      settle();
      const [start, end] = this.wanted(this.tops());
      if (start === this.start && end === this.end) break;
      this.mountRange(start, end);
      this.applyPadding();
      settle();
    }
  }

  private wanted(tops: Float64Array): [number, number] {
    const view = this.geometry.viewport();
    const heights = this.slots.map((s) => s.height);
    let [start, end] = rangeFor(tops, heights, view.top - this.overscan, view.top + view.height + this.overscan);
    if (this.stick && this.slots.length) {
      // At the end: the last items are what is seen, whatever the estimates above say.
      let h = 0;
      start = this.slots.length;
      while (start > 0 && h < view.height + this.overscan) h += this.slots[--start].height + this.gap;
      end = this.slots.length;
    }
    const focus = this.focusedIndex();
    if (focus !== undefined && focus >= start - FOCUS_KEEP && focus < end + FOCUS_KEEP) {
      start = Math.min(start, focus);
      end = Math.max(end, focus + 1);
    }
    return [start, end];
  }

  private focusedIndex(): number | undefined {
    const active = typeof document === 'undefined' ? null : document.activeElement;
    if (!active || !this.root.contains(active)) return undefined;
    for (let i = this.start; i < this.end; i++) if (this.slots[i]?.el?.contains(active)) return i;
    return undefined;
  }

  /** Makes exactly [start, end) mounted, in order; returns whether anything new was mounted. */
  private mountRange(start: number, end: number): boolean {
    const disjoint = end <= this.start || start >= this.end;
    for (let i = this.start; i < this.end; i++) if (disjoint || i < start || i >= end) this.unmount(this.slots[i]);
    const fresh: Slot<T>[] = [];
    const build = (i: number) => {
      const slot = this.slots[i];
      slot.el ??= this.options.create(slot.item);
      fresh.push(slot);
      return slot.el;
    };
    if (disjoint) {
      const els: HTMLElement[] = [];
      for (let i = start; i < end; i++) els.push(build(i));
      this.root.append(...els);
    } else {
      const before: HTMLElement[] = [];
      for (let i = start; i < this.start; i++) before.push(build(i));
      if (before.length) this.root.prepend(...before);
      const after: HTMLElement[] = [];
      for (let i = Math.max(this.end, start); i < end; i++) after.push(build(i));
      if (after.length) this.root.append(...after);
    }
    const changedRange = start !== this.start || end !== this.end;
    this.start = start;
    this.end = end;
    for (const slot of fresh) {
      this.resizeObserver?.observe(slot.el!);
      slot.height = this.geometry.measure(slot.el!);
      slot.measured = true;
    }
    if (changedRange) this.options.onRangeChange?.(start, end);
    return fresh.length > 0;
  }

  private measureMounted(): boolean {
    let changed = false;
    for (let i = this.start; i < this.end; i++) {
      const slot = this.slots[i];
      if (!slot?.el) continue;
      const h = this.geometry.measure(slot.el);
      if (h !== slot.height) {
        slot.height = h;
        changed = true;
      }
    }
    if (changed) this.applyPadding();
    return changed;
  }

  private unmount(slot: Slot<T> | undefined): void {
    if (!slot?.el) return;
    this.resizeObserver?.unobserve(slot.el);
    slot.el.remove();
    slot.el = undefined;
  }

  /** The first mounted item that reaches into the viewport, and how far its top is from the viewport's. */
  private anchor(tops: Float64Array): { index: number; offset: number } | undefined {
    const top = this.geometry.viewport().top;
    for (let i = this.start; i < this.end; i++) {
      if (tops[i] + this.slots[i].height > top) return { index: i, offset: tops[i] - top };
    }
    return undefined;
  }

  private keepAnchor(anchor: { index: number; offset: number }, tops: Float64Array): void {
    const dy = tops[anchor.index] - this.geometry.viewport().top - anchor.offset;
    if (Math.abs(dy) >= 1) this.geometry.scrollBy(dy);
  }

  private tops(): Float64Array {
    const tops = new Float64Array(this.slots.length);
    let y = this.padding;
    for (let i = 0; i < this.slots.length; i++) {
      tops[i] = y;
      y += this.slots[i].height + this.gap;
    }
    return tops;
  }

  private applyPadding(): void {
    let above = 0;
    let below = 0;
    for (let i = 0; i < this.start; i++) above += this.slots[i].height + this.gap;
    for (let i = this.end; i < this.slots.length; i++) below += this.slots[i].height + this.gap;
    this.root.style.paddingTop = `${this.padding + above}px`;
    this.root.style.paddingBottom = `${this.padding + below}px`;
  }

  private reindex(): void {
    this.index.clear();
    this.slots.forEach((s, i) => this.index.set(s.key, i));
  }
}
