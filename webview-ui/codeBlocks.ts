/**
 * The toolbar on every code block of rendered markdown: Copy, Insert at cursor, Apply. Built as
 * DOM after sanitising (the sanitiser forbids buttons in model output, and keeps doing so); the
 * transcript handles clicks on `button[data-code-action]` by delegation and reads the code from
 * the block's text, so nothing the model wrote ever becomes an attribute or a handler.
 */

const BUTTONS = [
  { action: 'copy', label: 'Copy', aria: 'Copy code' },
  { action: 'insert', label: 'Insert', aria: 'Insert code at the cursor' },
  { action: 'apply', label: 'Apply', aria: 'Apply code to the active editor (shows a diff first)' },
] as const;

export function decorateCodeBlocks(root: ParentNode): void {
  for (const pre of root.querySelectorAll('pre')) {
    const code = pre.querySelector(':scope > code');
    if (!code || pre.querySelector(':scope > .code-toolbar')) continue;
    pre.classList.add('code-block');
    const bar = document.createElement('div');
    bar.className = 'code-toolbar';
    bar.setAttribute('role', 'toolbar');
    const language = /(?:^|\s)language-(\S+)/.exec(code.className)?.[1];
    bar.setAttribute('aria-label', language ? `${language} code` : 'Code');
    if (language) {
      const tag = document.createElement('span');
      tag.className = 'code-lang';
      tag.textContent = language;
      bar.append(tag);
    }
    for (const b of BUTTONS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'code-button';
      button.dataset.codeAction = b.action;
      button.textContent = b.label;
      button.title = b.aria;
      button.setAttribute('aria-label', b.aria);
      bar.append(button);
    }
    pre.prepend(bar);
  }
}
