import type * as vscode from 'vscode';
import type { ContextFigures, HostToWebview } from '../shared/protocol';
import { Disposable } from './disposable';

/** The parts of the `vscode` API this item uses, passed in so the unit tests can run it in Node. */
export type StatusBarApi = {
  window: Pick<typeof vscode.window, 'createStatusBarItem'>;
  StatusBarAlignment: typeof vscode.StatusBarAlignment;
  MarkdownString: typeof vscode.MarkdownString;
};

/** "$(pulse) 34% · $0.12": context used and the session's cost, the same figures as the panel's footer. */
export function contextStatusText(m: ContextFigures): string {
  const percent = m.percent < 1 ? m.percent.toFixed(1) : String(Math.round(m.percent));
  return `$(pulse) ${percent}%${m.costUsd === undefined ? '' : ` · $${m.costUsd.toFixed(2)}`}`;
}

/**
 * The context meter in the status bar, next to the permission mode: hidden until the first
 * response, updated from what the chat controller posts to the panel, hidden again on a new
 * conversation. Clicking it opens the chat.
 */
export class ContextStatus extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly api: StatusBarApi) {
    super();
    // Just left of the permission mode item (priority 100): higher priority sits further left.
    this.item = this._register(api.window.createStatusBarItem('reverie.context', api.StatusBarAlignment.Right, 101));
    this.item.name = 'Reverie Context';
    this.item.command = 'reverie.focusChat';
  }

  /** Follows the controller's posts: the meter after each response, the snapshot, a cleared panel. */
  observe(msg: HostToWebview): void {
    if (msg.type === 'context') this.update(msg.meter);
    else if (msg.type === 'snapshot') this.update(msg.meter);
    else if (msg.type === 'cleared') this.update(undefined);
  }

  update(meter: ContextFigures | undefined): void {
    if (!meter) {
      this.item.hide();
      return;
    }
    this.item.text = contextStatusText(meter);
    const tooltip = new this.api.MarkdownString();
    tooltip.isTrusted = false;
    tooltip.appendMarkdown('**Reverie context**\n\n');
    // Plain text, one fact a line; each line becomes its own paragraph.
    meter.hoverText.split('\n').forEach((line, i) => {
      if (i) tooltip.appendMarkdown('\n\n');
      tooltip.appendText(line);
    });
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Reverie context: ${meter.hoverText}` };
    this.item.show();
  }
}
