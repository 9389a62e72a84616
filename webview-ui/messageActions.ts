/**
 * The "⋯" menu on each user message: Rewind code to here, Fork conversation from here, or both.
 * It decorates `.msg.user` elements however the transcript draws them (a MutationObserver adds the
 * button when a message appears or is redrawn), and uses one shared menu outside the messages, so
 * a message's text stays exactly what the user typed. Keyboard: Enter/Space/ArrowDown open the
 * menu, arrows move, Enter picks, Escape or Tab closes and returns focus to the button.
 */
import type { WebviewToHost } from '../src/shared/protocol';
import './messageActions.css';

type Mode = Extract<WebviewToHost, { type: 'rewind' }>['mode'];

export const MESSAGE_ACTIONS: ReadonlyArray<{ mode: Mode; label: string }> = [
  { mode: 'code', label: 'Rewind code to here' },
  { mode: 'fork', label: 'Fork conversation from here' },
  { mode: 'both', label: 'Rewind code and fork' },
];

export function installMessageActions(root: HTMLElement, post: (msg: WebviewToHost) => void): { dispose(): void } {
  const menu = document.createElement('div');
  menu.className = 'msg-actions-menu';
  menu.setAttribute('role', 'menu');
  menu.hidden = true;
  let owner: { button: HTMLButtonElement; entryId: string } | undefined;

  const items = MESSAGE_ACTIONS.map(({ mode, label }) => {
    const item = document.createElement('button');
    item.type = 'button';
    item.setAttribute('role', 'menuitem');
    item.tabIndex = -1;
    item.dataset.mode = mode;
    item.textContent = label;
    item.addEventListener('click', () => {
      const target = owner;
      close(false);
      if (target) post({ type: 'rewind', entryId: target.entryId, mode });
    });
    return item;
  });
  menu.append(...items);
  document.body.append(menu);

  function open(button: HTMLButtonElement, entryId: string): void {
    owner = { button, entryId };
    menu.hidden = false;
    menu.setAttribute('aria-label', `Actions for message ${entryId}`);
    button.setAttribute('aria-expanded', 'true');
    const r = button.getBoundingClientRect();
    menu.style.top = `${Math.round(r.bottom + 2)}px`;
    menu.style.right = `${Math.max(4, Math.round(document.documentElement.clientWidth - r.right))}px`;
    items[0].focus();
  }

  function close(refocus: boolean): void {
    if (!owner) return;
    owner.button.setAttribute('aria-expanded', 'false');
    if (refocus) owner.button.focus();
    owner = undefined;
    menu.hidden = true;
  }

  menu.addEventListener('keydown', (e) => {
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      items[e.key === 'Home' ? 0 : items.length - 1].focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      close(true);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  });
  const outside = (e: MouseEvent) => {
    if (owner && !menu.contains(e.target as Node) && e.target !== owner.button) close(false);
  };
  document.addEventListener('mousedown', outside);

  function decorate(el: Element): void {
    if (!(el instanceof HTMLElement) || !el.matches('.msg.user[data-id]')) return;
    if ([...el.children].some((c) => c.classList.contains('msg-actions'))) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'msg-actions';
    button.title = 'Rewind or fork from this message';
    button.setAttribute('aria-label', 'Message actions: rewind code or fork the conversation from here');
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-expanded', 'false');
    const toggle = () => (owner?.button === button ? close(true) : open(button, el.dataset.id!));
    button.addEventListener('click', (e) => {
      e.stopPropagation();
      toggle();
    });
    button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' && owner?.button !== button) {
        e.preventDefault();
        toggle();
      }
    });
    el.append(button);
  }

  const scan = (node: Node) => {
    if (!(node instanceof Element)) return;
    decorate(node);
    node.querySelectorAll('.msg.user[data-id]').forEach(decorate);
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      decorate(r.target as Element);
      r.addedNodes.forEach(scan);
      if (owner && !owner.button.isConnected) close(false);
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  scan(root);
  return {
    dispose: () => {
      observer.disconnect();
      document.removeEventListener('mousedown', outside);
      menu.remove();
    },
  };
}
