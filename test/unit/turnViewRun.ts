import * as assert from 'node:assert/strict';
import { TurnView } from '../../src/host/turnView';
import { hostToWebview, type HostToWebview, type TranscriptEntry } from '../../src/shared/protocol';

/**
 * Feeds `events` to a TurnView for turn 't1' and collects what it posts (each message checked
 * against the protocol) and the entries it keeps; `finish` ends the turn as completed.
 */
export function runTurnView(events: Parameters<TurnView['handle']>[0][], finish = true): { entries: TranscriptEntry[]; out: HostToWebview[] } {
  const entries: TranscriptEntry[] = [];
  const out: HostToWebview[] = [];
  let n = 0;
  const view = new TurnView('t1', entries, (msg) => {
    assert.ok(hostToWebview.safeParse(msg).success, JSON.stringify(msg).slice(0, 300));
    out.push(msg);
  }, () => `e${++n}`);
  events.forEach((e) => view.handle(e));
  if (finish) view.finish({ state: 'completed' });
  return { entries, out };
}
