import type { HostToWebview, WebviewToHost } from '../src/shared/protocol';

type ComposerState = Extract<HostToWebview, { type: 'composerState' }>;

const HISTORY_MAX = 100;

/**
 * Input history: Up on the first line recalls the previous message, Down on the last line the next
 * one (and finally the draft that was being typed). Kept in the webview's state, so it survives a
 * reload of the panel.
 */
export class InputHistory {
  private entries: string[];
  /** entries.length means "not browsing": the draft. */
  private index: number;
  private draft = '';

  constructor(
    private readonly input: HTMLTextAreaElement,
    saved: readonly string[] | undefined,
    private readonly persist: (entries: string[]) => void,
  ) {
    this.entries = (saved ?? []).filter((e) => typeof e === 'string').slice(-HISTORY_MAX);
    this.index = this.entries.length;
    input.addEventListener('input', () => (this.index = this.entries.length));
  }

  /** After a message is sent: remembered (once in a row), browsing starts again from the end. */
  push(text: string): void {
    if (this.entries.at(-1) !== text) this.entries.push(text);
    this.entries = this.entries.slice(-HISTORY_MAX);
    this.index = this.entries.length;
    this.draft = '';
    this.persist([...this.entries]);
  }

  /** Handles ArrowUp / ArrowDown at the edge lines; returns true when it used the key. */
  handleKey(e: KeyboardEvent): boolean {
    if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || e.shiftKey || e.altKey || e.metaKey || e.ctrlKey || e.isComposing) return false;
    const { value, selectionStart, selectionEnd } = this.input;
    if (selectionStart !== selectionEnd) return false;
    if (e.key === 'ArrowUp') {
      if (value.lastIndexOf('\n', selectionStart - 1) >= 0 || this.index === 0 || this.entries.length === 0) return false;
      if (this.index === this.entries.length) this.draft = value;
      this.show(this.index - 1, 'start');
      return true;
    }
    if (value.indexOf('\n', selectionStart) >= 0 || this.index >= this.entries.length) return false;
    this.show(this.index + 1, 'end');
    return true;
  }

  private show(index: number, caret: 'start' | 'end'): void {
    this.index = index;
    this.input.value = index === this.entries.length ? this.draft : this.entries[index];
    // Up leaves the caret on the first line (so Up again goes further back), Down on the last.
    const at = caret === 'start' ? Math.min(this.input.value.indexOf('\n') >>> 0, this.input.value.length) : this.input.value.length;
    this.input.setSelectionRange(at, at);
  }
}

const MODE_LABELS: Record<ComposerState['mode'], string> = { ask: 'Ask', acceptEdits: 'Accept edits', plan: 'Plan', bypass: 'Bypass' };

/**
 * The panel's header: the sessions toggle and New session, the permission mode switch and the model
 * picker. The selects show what the host says is in force: a change is a request, and the host
 * answers with `composerState` (a declined bypass puts the switch back).
 */
export class ComposerBar {
  readonly element: HTMLElement;
  readonly sessionsButton: HTMLButtonElement;
  private readonly mode: HTMLSelectElement;
  private readonly model: HTMLSelectElement;

  constructor(post: (msg: WebviewToHost) => void, onNewSession: () => void) {
    this.element = document.createElement('header');
    this.element.className = 'composer-bar';
    this.element.setAttribute('role', 'toolbar');
    this.element.setAttribute('aria-label', 'Reverie');
    this.sessionsButton = button('sessions-toggle', 'Sessions', 'Show past sessions');
    this.sessionsButton.setAttribute('aria-pressed', 'false');
    this.sessionsButton.setAttribute('aria-controls', 'sessions');
    const fresh = button('new-session', 'New', 'Start a new session');
    fresh.addEventListener('click', onNewSession);
    this.mode = select('mode-select', 'Permission mode');
    this.mode.append(...Object.entries(MODE_LABELS).map(([value, label]) => option(value, label)));
    this.mode.addEventListener('change', () => post({ type: 'setMode', mode: this.mode.value as ComposerState['mode'] }));
    this.model = select('model-select', 'Model');
    this.model.addEventListener('change', () => post({ type: 'setModel', model: this.model.value }));
    const spacer = document.createElement('span');
    spacer.className = 'bar-spacer';
    this.element.append(this.sessionsButton, fresh, spacer, this.mode, this.model);
  }

  update(state: ComposerState): void {
    this.mode.value = state.mode;
    this.mode.dataset.mode = state.mode;
    const models = state.models.includes(state.model) ? state.models : [state.model, ...state.models];
    this.model.replaceChildren(...models.map((m) => option(m, m)));
    this.model.value = state.model;
  }
}

function button(id: string, text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.className = 'secondary bar-button';
  b.textContent = text;
  b.title = title;
  return b;
}

function select(id: string, label: string): HTMLSelectElement {
  const s = document.createElement('select');
  s.id = id;
  s.setAttribute('aria-label', label);
  s.title = label;
  return s;
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}
