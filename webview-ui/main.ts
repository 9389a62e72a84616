import './chat.css';
import DOMPurify from 'dompurify';
import { dispatch, hostToWebview, type HandlerMap, type HostToWebview, type TranscriptEntry } from '../src/shared/protocol';
import type { FixResultEntry } from '../src/shared/approvalProtocol';
import { ApprovalCards, fixResultElement } from './approvalCards';
import { planCardElement, subagentCardElement } from './agentCards';
import type { PlanEntry, SubagentEntry } from '../src/shared/subagentProtocol';
import { showMeter } from './contextMeter';
import { createMarkdownRenderer } from './markdown';
import { loadState, post, saveState } from './vscodeApi';
import { SlashCompletion } from './slashCompletion';
import { setupComposer } from './composerPanel';
import { Transcript } from './transcript';
import { installMessageActions } from './messageActions';

const renderMarkdown = createMarkdownRenderer(DOMPurify);

const app = document.getElementById('app')!;
app.innerHTML = `
  <div id="no-key" class="banner" role="alert" hidden>
    <span>Reverie needs an Anthropic API key to talk to Claude.</span>
    <button type="button" id="set-key">Set API Key</button>
  </div>
  <div id="empty" class="empty">
    <h2>Reverie</h2>
    <p>Ask about your code. Enter sends, Shift+Enter adds a line. Type / for commands and skills.</p>
  </div>
  <main id="transcript" aria-live="polite" aria-label="Conversation"></main>
  <div id="status" class="status-line" aria-live="polite" hidden></div>
  <form id="composer">
    <div class="prompt-wrap">
      <div id="slash-list" class="slash-list"></div>
      <textarea id="prompt" rows="3" aria-label="Message Reverie" placeholder="Ask Reverie..."></textarea>
    </div>
    <div class="composer-row">
      <span id="model" class="model" title="reverie.model"></span>
      <button type="button" id="stop" class="secondary" hidden>Stop</button>
      <button type="submit" id="send">Send</button>
    </div>
    <div id="meter" class="meter" role="note" tabindex="0" hidden></div>
  </form>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const prompt = $<HTMLTextAreaElement>('prompt');
const send = $<HTMLButtonElement>('send');
const stop = $<HTMLButtonElement>('stop');
const transcript = new Transcript($('transcript'), renderMarkdown, (action) => post(action));
installMessageActions($('transcript'), post); // the "⋯" rewind / fork menu on user messages
const completion = new SlashCompletion(prompt, $('slash-list'));
/** The header (sessions, mode, model), `@` mentions and the input history. */
const composer = setupComposer(app, prompt, post);
/** Approvals waiting for an answer: pinned between the conversation and the input. */
const approvals = new ApprovalCards($('composer'), (msg) => post(msg));
transcript.registerRenderer('fixResult', (entry) => fixResultElement(entry as FixResultEntry, (msg) => post(msg)));
transcript.registerRenderer('subagent', (entry) => subagentCardElement(entry as SubagentEntry, (msg) => post(msg)));
transcript.registerRenderer('plan', (entry) => planCardElement(entry as PlanEntry, (msg) => post(msg)));
let busy = false;

function setBusy(value: boolean): void {
  busy = value;
  stop.hidden = !value;
  stop.disabled = false;
  send.disabled = value;
}

function refreshEmpty(): void {
  $('empty').hidden = !transcript.isEmpty;
}

const handlers: HandlerMap<HostToWebview> = {
  snapshot: (m) => {
    $('no-key').hidden = m.hasApiKey;
    $('model').textContent = m.model;
    transcript.reset(m.entries as TranscriptEntry[]);
    showMeter($('meter'), m.meter);
    setBusy(m.busy);
    refreshEmpty();
  },
  auth: (m) => {
    $('no-key').hidden = m.hasApiKey;
  },
  turnStarted: (m) => {
    if (!m.retry) transcript.add({ role: 'user', id: m.userEntryId, text: m.text });
    transcript.startTurn(m.turnId);
    setBusy(true);
    refreshEmpty();
  },
  textDelta: (m) => transcript.appendDelta(m.turnId, m.entryId, m.seq, m.text),
  toolUpdate: (m) => transcript.upsertTool(m.turnId, m.entry),
  entriesRemoved: (m) => transcript.remove(m.ids),
  status: (m) => {
    $('status').textContent = m.text;
    $('status').hidden = m.text === '';
  },
  turnEnded: (m) => {
    transcript.endTurn(m.turnId, m.state);
    $('status').hidden = true;
    setBusy(false);
  },
  error: (m) => {
    if (m.reason === 'no_api_key' || m.reason === 'auth') $('no-key').hidden = false;
    transcript.add({ role: 'error', id: m.entryId, reason: m.reason, message: m.message, action: m.action });
    refreshEmpty();
  },
  notice: (m) => {
    transcript.add({ role: 'notice', id: m.entryId, text: m.text, tone: m.tone });
    refreshEmpty();
  },
  entry: (m) => {
    transcript.add(m.entry as TranscriptEntry);
    refreshEmpty();
  },
  commands: (m) => completion.setCommands(m.commands),
  ...composer.handlers,
  approvalRequest: (m) => approvals.show(m),
  approvalResolved: (m) => approvals.resolve(m.id),
  context: (m) => showMeter($('meter'), m.meter),
  cleared: () => {
    transcript.reset([]);
    showMeter($('meter'), undefined);
    setBusy(false);
    refreshEmpty();
    prompt.focus();
  },
};

window.addEventListener('message', (event: MessageEvent) => {
  const result = dispatch(hostToWebview, handlers, event.data);
  if (!result.ok) console.warn('Reverie: ignored an invalid message from the host', result.error);
});

function submit(): void {
  const text = prompt.value.trim();
  if (!text || busy) return;
  post({ type: 'submit', text });
  composer.sent(text);
  prompt.value = '';
  completion.close();
  saveState({ draft: '' });
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  submit();
});
prompt.addEventListener('keydown', (e) => {
  if (completion.handleKey(e) || composer.handleKey(e)) {
    e.preventDefault();
    e.stopPropagation();
  } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  } else if (e.key === 'Escape' && busy) {
    post({ type: 'stop' });
  }
});
prompt.addEventListener('input', () => saveState({ draft: prompt.value }));
stop.addEventListener('click', () => {
  stop.disabled = true; // the host confirms with turnEnded; no second click needed
  post({ type: 'stop' });
});
$('set-key').addEventListener('click', () => post({ type: 'action', action: 'setApiKey' }));

prompt.value = loadState().draft ?? '';
post({ type: 'ready' });
prompt.focus();
