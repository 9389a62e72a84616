import './composer.css';
import type { HandlerMap, HostToWebview, WebviewToHost } from '../src/shared/protocol';
import { ComposerBar, InputHistory } from './composer';
import { MentionCompletion } from './mentions';
import { SessionsView } from './sessions';
import { loadState, saveState } from './vscodeApi';

type ComposerHandlers = Pick<HandlerMap<HostToWebview>, 'mentionItems' | 'composerState' | 'sessions'>;

/**
 * Wires the composer's parts into the panel: the header (sessions, new session, mode, model), the
 * sessions view, `@` mentions with chips, and the input history. main.ts routes keys and the
 * host's messages here.
 */
export function setupComposer(app: HTMLElement, prompt: HTMLTextAreaElement, post: (msg: WebviewToHost) => void): {
  handleKey(e: KeyboardEvent): boolean;
  sent(text: string): void;
  handlers: ComposerHandlers;
} {
  const bar = new ComposerBar(post, () => {
    sessions.close();
    post({ type: 'newConversation' });
  });
  const sessions = new SessionsView(post, bar.sessionsButton, () => {
    app.classList.remove('sessions-open');
    prompt.focus();
  });
  bar.sessionsButton.addEventListener('click', () => app.classList.toggle('sessions-open', sessions.isOpen));
  app.prepend(bar.element, sessions.element);

  const list = document.createElement('div');
  list.id = 'mention-list';
  list.className = 'slash-list mention-list';
  const chips = document.createElement('div');
  chips.id = 'mention-chips';
  chips.className = 'mention-chips';
  chips.setAttribute('aria-label', 'Mentioned');
  prompt.before(list);
  prompt.after(chips);
  const mentions = new MentionCompletion(prompt, list, chips, post);
  mentions.renderChips();
  const history = new InputHistory(prompt, loadState().history, (entries) => saveState({ history: entries }));

  return {
    handleKey: (e) => mentions.handleKey(e) || history.handleKey(e),
    sent: (text) => {
      history.push(text);
      mentions.close();
      queueMicrotask(() => mentions.renderChips()); // after main.ts empties the input
    },
    handlers: {
      mentionItems: (m) => mentions.show(m.requestId, m.items),
      composerState: (m) => bar.update(m),
      sessions: (m) => sessions.show(m.requestId, m.sessions),
    },
  };
}
