import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DreamFileChange, DreamProposal } from '../../core/dream/types';
import { Disposable } from '../disposable';
import { KIND_ICON, changeDescription, changeTooltipLines, type DreamReview } from './dreamReview';

/** The scheme of the read-only documents that show a dream's proposed text (or an empty side). */
export const DREAM_SCHEME = 'reverie-dream';

/**
 * "Reverie Dream Review" in the Explorer: one item per file still waiting for a decision, with
 * its kind as icon and description and the agent's reason; clicking opens the diff. Shown only
 * while a proposal is pending (`reverie.dream.pending`).
 */
export class DreamReviewView extends Disposable implements vscode.TreeDataProvider<DreamFileChange>, vscode.TextDocumentContentProvider {
  static readonly viewId = 'reverie.dreamReview';
  private review: DreamReview | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<DreamFileChange | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly docsChanged = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.docsChanged.event;
  readonly view: vscode.TreeView<DreamFileChange>;

  constructor() {
    super();
    this.view = this._register(vscode.window.createTreeView(DreamReviewView.viewId, { treeDataProvider: this }));
    this._register(vscode.workspace.registerTextDocumentContentProvider(DREAM_SCHEME, this));
  }

  /** Shows `review` (or nothing) and sets the context key that makes the view visible. */
  show(review: DreamReview | undefined): void {
    this.review = review && !review.done ? review : undefined;
    void vscode.commands.executeCommand('setContext', 'reverie.dream.pending', this.review !== undefined);
    // The summary is the agent's text: the message is rendered as plain text.
    this.view.message = this.review ? `${this.review.proposal.summary}`.trim() || undefined : undefined;
    this.view.description = this.review ? `${this.review.pending.length} to review` : undefined;
    this.changed.fire(undefined);
  }

  get current(): DreamReview | undefined {
    return this.review;
  }

  getChildren(element?: DreamFileChange): DreamFileChange[] {
    return element || !this.review ? [] : this.review.pending;
  }

  getTreeItem(change: DreamFileChange): vscode.TreeItem {
    const item = new vscode.TreeItem(change.file, vscode.TreeItemCollapsibleState.None);
    item.id = `${this.review?.proposal.id ?? ''}/${change.file}`;
    item.description = changeDescription(change);
    const icon = KIND_ICON[change.kind];
    item.iconPath = new vscode.ThemeIcon(icon.icon, new vscode.ThemeColor(icon.color));
    const tooltip = new vscode.MarkdownString();
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    changeTooltipLines(change).forEach((line, i) => {
      if (i) tooltip.appendMarkdown('\n\n');
      tooltip.appendText(line);
    });
    item.tooltip = tooltip;
    item.contextValue = `reverie.dreamFile.${change.kind}`;
    item.command = { command: 'reverie.dream.openDiff', title: 'Open Diff', arguments: [change] };
    item.accessibilityInformation = { label: `${change.file}: ${item.description}` };
    return item;
  }

  /** The diff of one change: the memory file as it is now, against the dream's text. */
  async openDiff(change: DreamFileChange): Promise<void> {
    const proposal = this.review?.proposal;
    if (!proposal) return;
    const real = vscode.Uri.file(path.join(proposal.memoryDir, ...change.file.split('/')));
    const left = change.kind === 'added' ? proposedUri(proposal, change, 'empty') : real;
    const right = change.kind === 'deleted' ? proposedUri(proposal, change, 'empty') : proposedUri(proposal, change, 'after');
    const title = `${change.file} (${change.kind === 'deleted' ? 'deleted by the dream' : 'as the dream proposes'})`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const proposal = this.review?.proposal;
    if (q.get('side') !== 'after' || !proposal || proposal.id !== q.get('proposal')) return '';
    return proposal.changes.find((c) => c.file === q.get('file'))?.after ?? '';
  }
}

function proposedUri(proposal: DreamProposal, change: DreamFileChange, side: 'after' | 'empty'): vscode.Uri {
  const query = new URLSearchParams({ proposal: proposal.id, file: change.file, side }).toString();
  return vscode.Uri.from({ scheme: DREAM_SCHEME, path: `/${change.file}`, query });
}
