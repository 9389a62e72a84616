import * as assert from 'node:assert/strict';
import { rangeFor, VirtualList } from '../../../webview-ui/virtualList';
import { FakeGeometry, installDom } from './domEnv';

interface Item { h: number; est?: number }

describe('virtual list (the transcript keeps only what is near the viewport in the DOM)', () => {
  let env: ReturnType<typeof installDom>;
  let root: HTMLElement;
  let geo: FakeGeometry;
  let list: VirtualList<Item>;
  let created = 0;

  const items = (n: number, h = 50, est?: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, item: { h, est } }));
  const mountedKeys = () => [...root.children].map((el) => (el as HTMLElement).dataset.key!);
  const make = () => {
    list = new VirtualList<Item>(root, {
      create: (item) => {
        created++;
        const el = document.createElement('div');
        el.dataset.h = String(item.h);
        el.dataset.key = `k${(item as any).i ?? ''}`;
        return el;
      },
      estimate: (item) => item.est ?? item.h,
      geometry: geo,
      overscan: 200,
      gap: 10,
      padding: 10,
    });
  };
  const reset = (rows: { key: string; item: Item }[]) => {
    rows.forEach((r, i) => ((r.item as any).i = Number(r.key.slice(1)) ?? i));
    list.reset(rows);
  };

  beforeEach(() => {
    env = installDom();
    root = document.getElementById('transcript')!;
    geo = new FakeGeometry(root, 500, 10);
    created = 0;
    make();
  });
  afterEach(() => {
    list.dispose();
    env.restore();
  });

  it('rangeFor finds the items overlapping a window', () => {
    const heights = [10, 10, 10, 10, 10];
    const tops = [0, 10, 20, 30, 40];
    assert.deepEqual(rangeFor(tops, heights, 15, 35), [1, 4]);
    assert.deepEqual(rangeFor(tops, heights, 0, 10), [0, 1]);
    assert.deepEqual(rangeFor(tops, heights, 100, 200), [5, 5]);
  });

  it('a snapshot of 5,000 entries mounts only the last screenful and pads for the rest', () => {
    reset(items(5000));
    const keys = mountedKeys();
    assert.ok(keys.length > 5 && keys.length <= 20, `${keys.length} mounted`);
    assert.equal(keys.at(-1), 'k4999', 'the newest entry is on screen');
    assert.ok(created <= 20, `${created} elements built for 5,000 entries`);
    const [start] = list.mounted;
    assert.equal(parseFloat(root.style.paddingTop), 10 + start * 60, 'the padding stands for the entries above');
    assert.ok(geo.atEnd(), 'scrolled to the end');
    assert.ok(list.sticking);
  });

  it('scrolling to the middle mounts the entries there, in order, and nothing from the ends', () => {
    reset(items(5000));
    geo.scrollTop = 2500 * 60;
    list.onScroll();
    env.frames();
    const keys = mountedKeys().map((k) => Number(k.slice(1)));
    assert.ok(keys.includes(2500) && keys.includes(2505), `mounted ${keys[0]}..${keys.at(-1)}`);
    assert.ok(!keys.includes(0) && !keys.includes(4999));
    assert.deepEqual(keys, [...keys].sort((a, b) => a - b), 'DOM order is list order');
    assert.deepEqual(keys, Array.from({ length: keys.length }, (_, i) => keys[0] + i), 'contiguous');
    assert.ok(keys.length <= 20);
    assert.equal(list.sticking, false);
    // The element of the item at the top of the viewport sits where the model says.
    const el = [...root.children].find((e) => (e as HTMLElement).dataset.key === 'k2500') as HTMLElement;
    assert.equal(geo.topOf(el), 10 + 2500 * 60);
  });

  it('sticks to the end while new entries arrive, unless the user scrolled up', () => {
    reset(items(300));
    list.push('k300', Object.assign({ h: 80 }, { i: 300 }));
    assert.equal(mountedKeys().at(-1), 'k300');
    assert.ok(geo.atEnd(), 'followed the new entry');

    geo.scrollTop = 1000;
    list.onScroll();
    env.frames();
    list.push('k301', Object.assign({ h: 80 }, { i: 301 }));
    env.frames();
    assert.equal(geo.scrollTop, 1000, 'the reader stays where they were');
    assert.equal(list.sticking, false);
    assert.ok(!mountedKeys().includes('k301'), 'the new entry is not built while off screen');

    list.scrollToEnd();
    assert.ok(mountedKeys().includes('k301'));
    assert.ok(geo.atEnd());
  });

  it('keeps the entry at the top of the viewport in place when entries above turn out taller than estimated', () => {
    reset(items(1000, 120, 50)); // measured 120, estimated 50
    geo.scrollTop = 500 * 60; // somewhere in the estimated middle
    list.onScroll();
    env.frames();
    const first = [...root.children].map((e) => e as HTMLElement).find((e) => geo.topOf(e) + 120 > geo.scrollTop)!;
    const offset = geo.topOf(first) - geo.scrollTop;
    // Scroll up by a little: new entries above get measured (taller than estimated).
    geo.scrollTop -= 300;
    list.onScroll();
    env.frames();
    assert.ok(first.isConnected, 'still mounted');
    assert.equal(Math.round(geo.topOf(first) - geo.scrollTop), Math.round(offset - -300), 'the entry moved by exactly the scroll, not by the re-measuring');
  });

  it('remove() takes entries out of the model and the DOM', () => {
    reset(items(10));
    list.remove(['k9', 'k8']);
    assert.equal(list.length, 8);
    assert.ok(!mountedKeys().includes('k9'));
    assert.equal(mountedKeys().at(-1), 'k7');
  });
});
