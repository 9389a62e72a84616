import type { SessionSummary, WebviewToHost } from '../src/shared/protocol';

/** "2.4 KB", "1.1 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The sessions view: past sessions of this workspace, newest first, searched on the host (the fast
 * history search over the transcripts). Click or Enter resumes one; Rename edits its title in
 * place; Delete asks the host, which confirms in a dialog. Titles and snippets come from
 * transcripts: they are only ever set as text.
 */
export class SessionsView {
  readonly element: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private requestId = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly post: (msg: WebviewToHost) => void,
    private readonly toggle: HTMLButtonElement,
    private readonly onClose: () => void,
  ) {
    this.element = document.createElement('section');
    this.element.id = 'sessions';
    this.element.className = 'sessions';
    this.element.setAttribute('aria-label', 'Sessions');
    this.element.hidden = true;
    this.search = document.createElement('input');
    this.search.type = 'search';
    this.search.id = 'sessions-search';
    this.search.placeholder = 'Search sessions…';
    this.search.setAttribute('aria-label', 'Search sessions');
    this.list = document.createElement('ul');
    this.list.className = 'sessions-list';
    this.list.setAttribute('aria-label', 'Past sessions');
    this.empty = document.createElement('p');
    this.empty.className = 'sessions-empty';
    this.empty.hidden = true;
    this.element.append(this.search, this.list, this.empty);
    toggle.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    this.search.addEventListener('input', () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.request(), 200);
    });
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    this.list.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  open(): void {
    this.element.hidden = false;
    this.toggle.setAttribute('aria-pressed', 'true');
    this.request();
    this.search.focus();
  }

  close(): void {
    if (!this.isOpen) return;
    this.element.hidden = true;
    this.toggle.setAttribute('aria-pressed', 'false');
    this.onClose();
  }

  /** The host's list; an answer to an older request is dropped. */
  show(requestId: number, sessions: SessionSummary[]): void {
    if (requestId !== this.requestId) return;
    this.list.replaceChildren(...sessions.map((s) => this.item(s)));
    this.empty.hidden = sessions.length > 0;
    this.empty.textContent = this.search.value.trim() ? 'No session matches.' : 'No saved sessions yet.';
  }

  private request(): void {
    this.post({ type: 'listSessions', requestId: ++this.requestId, query: this.search.value.trim() });
  }

  private item(s: SessionSummary): HTMLElement {
    const li = document.createElement('li');
    li.className = 'session';
    li.dataset.id = s.id;
    if (s.current) li.classList.add('current');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'session-open';
    open.title = 'Resume this session';
    const title = document.createElement('span');
    title.className = 'session-title';
    title.textContent = s.title;
    const meta = document.createElement('span');
    meta.className = 'session-meta';
    meta.textContent = `${new Date(s.startedAt).toLocaleString()} · ${formatSize(s.sizeBytes)}${s.current ? ' · current' : ''}`;
    open.append(title, meta);
    if (s.snippet) {
      const snippet = document.createElement('span');
      snippet.className = 'session-snippet';
      snippet.textContent = s.snippet;
      open.append(snippet);
    }
    open.addEventListener('click', () => {
      this.post({ type: 'resumeSession', id: s.id });
      this.close();
    });
    const rename = small('Rename', `Rename "${s.title}"`, () => this.rename(li, s));
    const remove = small('Delete', `Delete "${s.title}"`, () => this.post({ type: 'deleteSession', id: s.id }));
    li.append(open, rename, remove);
    return li;
  }

  /** Swaps the title for an input: Enter saves, Escape cancels. */
  private rename(li: HTMLElement, s: SessionSummary): void {
    const input = document.createElement('input');
    input.className = 'session-rename';
    input.value = s.title;
    input.maxLength = 120;
    input.setAttribute('aria-label', 'New title');
    const done = (save: boolean) => {
      if (!input.isConnected) return;
      if (save && input.value.trim() !== s.title) this.post({ type: 'renameSession', id: s.id, title: input.value.trim() });
      else li.replaceWith(this.item(s));
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') done(true);
      else if (e.key === 'Escape') {
        e.stopPropagation();
        done(false);
      }
    });
    input.addEventListener('blur', () => done(false));
    li.replaceChildren(input);
    input.focus();
    input.select();
  }
}

function small(text: string, label: string, run: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary session-action';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', run);
  return b;
}
