/**
 * Checkpoints in the editor: the store in the extension's storage folder, a FileSystemWatcher
 * around each command, the rewind preview (a quick pick of files, each with a read-only diff, and
 * the multi-file diff), the apply through WorkspaceEdit for open editors, and the Undo Rewind button.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { planRewind, applyRewind, type RewindPlan, type RewindResult, type RewindChange } from '../../core/checkpoints/rewind';
import { CheckpointStore } from '../../core/checkpoints/store';
import { CheckpointTracker } from '../../core/checkpoints/tracker';
import type { ChangeWatcher, FileChange, RestoreTarget } from '../../core/checkpoints/types';
import type { CommandRunner, FileSystem, Logger } from '../../core/ports';
import type { ParsedTranscript } from '../../core/session/transcript';
import { NodeCheckpointStorage } from '../../node/nodeCheckpointStorage';
import type { ChatCheckpoints } from './chatCheckpoints';

const SCHEME = 'reverie-checkpoint';
/** Checkpoints kept per workspace; older ones (and blobs only they used) are pruned at startup. */
const KEEP = 200;

export interface EditorCheckpointDeps {
  /** The extension's storage folder for this workspace. */
  storageDir: string;
  /** The editor's file system (reads unsaved text). */
  fs: FileSystem;
  log: Logger;
  /** The conversation's recorder and transcript reader, for forks. */
  record: NonNullable<ChatCheckpoints['record']>;
  readTranscript(sessionId: string): Promise<ParsedTranscript | undefined>;
}

export class EditorCheckpoints implements vscode.Disposable {
  readonly store: CheckpointStore;
  readonly tracker: CheckpointTracker;
  private readonly watcher = new VsCodeChangeWatcher();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: EditorCheckpointDeps) {
    this.store = new CheckpointStore(new NodeCheckpointStorage(path.join(deps.storageDir, 'checkpoints')));
    this.tracker = new CheckpointTracker({ store: this.store, fs: deps.fs, roots: workspaceRoots, log: deps.log });
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, new BlobContentProvider(this.store)));
    this.store.prune(KEEP).catch((err) => deps.log.warn(`checkpoints: pruning failed: ${message(err)}`));
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }

  /** The tools' file system: writes are captured first. */
  fileSystem(fs: FileSystem): FileSystem {
    return this.tracker.fileSystem(fs);
  }

  /** The tools' commands: the workspace is watched while each runs. */
  commands(runner: CommandRunner): CommandRunner {
    return this.tracker.commandRunner(runner, this.watcher);
  }

  /** What the chat controller calls. */
  readonly chat: ChatCheckpoints = {
    open: async (sessionId, label) => {
      try {
        return await this.tracker.open(sessionId, label);
      } catch (err) {
        this.deps.log.error(`checkpoint: could not open one: ${message(err)}`);
        return undefined;
      }
    },
    rewind: (id, label) => this.rewind(id, label, true),
    readTranscript: (id) => this.deps.readTranscript(id),
    record: (id, messages, event) => this.deps.record(id, messages, event),
  };

  /** Plans, previews (unless undoing), applies, and offers Undo Rewind. */
  async rewind(checkpointId: string, label: string, preview: boolean): Promise<RewindResult | undefined> {
    const read = async (p: string) => ((await this.deps.fs.stat(p))?.kind === 'file' ? this.deps.fs.readFile(p) : undefined);
    const plan = await planRewind(this.store, checkpointId, read);
    if (!plan) {
      void vscode.window.showWarningMessage('Reverie: the checkpoint for that message is no longer stored.');
      return undefined;
    }
    if (!plan.changes.some((c) => c.action === 'restore' || c.action === 'delete')) {
      const unknown = plan.changes.length ? ` ${plan.changes.length} file(s) changed by commands cannot be restored.` : '';
      void vscode.window.showInformationMessage(`Reverie: nothing to rewind: the files are as they were before "${label}".${unknown}`);
      return undefined;
    }
    if (preview && !(await this.preview(plan, label))) return undefined;
    const result = await applyRewind(plan, { store: this.store, tracker: this.tracker, target: editorTarget, sessionId: plan.target.sessionId });
    const files = `${result.restored + result.deleted} ${result.restored + result.deleted === 1 ? 'file' : 'files'}`;
    if (!preview) {
      void vscode.window.showInformationMessage(`Reverie: undid the rewind (${files} back as they were).`);
      return result;
    }
    void vscode.window.showInformationMessage(`Reverie: rewound ${files} to before "${label}".`, 'Undo Rewind').then((choice) => {
      if (choice) void this.rewind(result.undoId, label, false).catch((err) => this.deps.log.error(`undo rewind failed: ${message(err)}`));
    });
    return result;
  }

  /** A quick pick: Rewind, Show all changes, and one row per file (picking it opens its diff). */
  private preview(plan: RewindPlan, label: string): Promise<boolean> {
    type Item = vscode.QuickPickItem & { run?: 'apply' | 'all'; change?: RewindChange };
    const actionable = plan.changes.filter((c) => c.action === 'restore' || c.action === 'delete').length;
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = `Rewind code to before "${label}"`;
    qp.placeholder = 'Pick a file to see its diff, or Rewind to apply';
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.items = [
      { label: `$(discard) Rewind ${actionable} ${actionable === 1 ? 'file' : 'files'}`, run: 'apply', alwaysShow: true },
      { label: '$(diff-multiple) Show all changes', run: 'all', alwaysShow: true },
      { label: 'Files', kind: vscode.QuickPickItemKind.Separator },
      ...plan.changes.map((c): Item => ({ label: vscode.workspace.asRelativePath(c.path), description: describe(c), change: c })),
    ];
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        resolve(ok);
        qp.dispose();
      };
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        if (item?.run === 'apply') finish(true);
        else if (item?.run === 'all') void this.showAll(plan, label).then(() => qp.show());
        else if (item?.change) void this.showDiff(item.change).then(() => qp.show());
      });
      qp.onDidHide(() => finish(false));
      qp.show();
    });
  }

  private async showDiff(c: RewindChange): Promise<void> {
    const [now, after] = diffUris(c);
    await vscode.commands.executeCommand('vscode.diff', now, after, `${path.basename(c.path)}: now ↔ after rewind`, { preview: true, preserveFocus: true });
  }

  private async showAll(plan: RewindPlan, label: string): Promise<void> {
    const resources = plan.changes.filter((c) => c.action === 'restore' || c.action === 'delete').map((c) => [vscode.Uri.file(c.path), ...diffUris(c)]);
    try {
      await vscode.commands.executeCommand('vscode.changes', `Rewind to before "${label}"`, resources);
    } catch (err) {
      this.deps.log.warn(`checkpoints: the multi-file diff is not available: ${message(err)}`);
    }
  }
}

const describe = (c: RewindChange) =>
  c.action === 'restore' ? 'restored to its earlier content'
    : c.action === 'delete' ? 'deleted: it did not exist then'
      : c.action === 'unknown' ? 'unknown: changed by a command, previous content unknown (left as is)'
        : `skipped: over 1 MB, not snapshotted (left as is)`;

/** Left: the file now (empty if gone); right: what the rewind leaves (empty for a delete). */
function diffUris(c: RewindChange): [vscode.Uri, vscode.Uri] {
  const now = vscode.Uri.file(c.path);
  const after = vscode.Uri.from({ scheme: SCHEME, path: c.path, query: c.action === 'restore' ? `blob=${c.blob}` : 'empty' });
  return [now, after];
}

function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** Read-only documents of stored content, for the preview's diffs. */
class BlobContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly store: CheckpointStore) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const blob = /^blob=([0-9a-f]{64})$/.exec(uri.query)?.[1];
    const bytes = blob ? await this.store.getBlob(blob) : undefined;
    return bytes ? new TextDecoder().decode(bytes) : '';
  }
}

/**
 * Open documents change through one WorkspaceEdit (their editors update and Undo works there) and
 * are saved; files not open are written or deleted directly.
 */
const editorTarget: RestoreTarget = {
  apply: async (changes) => {
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d]));
    const edit = new vscode.WorkspaceEdit();
    const toSave: vscode.TextDocument[] = [];
    for (const c of changes) {
      const uri = vscode.Uri.file(c.path);
      const doc = open.get(c.path);
      if ('delete' in c) {
        if (doc) edit.deleteFile(uri, { ignoreIfNotExists: true });
        else await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
      } else if (doc) {
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), new TextDecoder().decode(c.content));
        toSave.push(doc);
      } else {
        await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(c.path)));
        await vscode.workspace.fs.writeFile(uri, c.content);
      }
    }
    if (edit.size && !(await vscode.workspace.applyEdit(edit))) throw new Error('the editor refused the rewind edit');
    for (const doc of toSave) if (doc.isDirty) await doc.save();
  },
};

/** A FileSystemWatcher over the workspace while a command runs; stops once events go quiet. */
class VsCodeChangeWatcher implements ChangeWatcher {
  start(): { stop(): Promise<FileChange[]> } {
    const changes: FileChange[] = [];
    let last = Date.now();
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const on = (kind: FileChange['kind']) => (uri: vscode.Uri) => {
      if (uri.scheme !== 'file') return;
      changes.push({ path: uri.fsPath, kind });
      last = Date.now();
    };
    const subs = [watcher.onDidCreate(on('created')), watcher.onDidChange(on('changed')), watcher.onDidDelete(on('deleted')), watcher];
    return {
      stop: async () => {
        // File events arrive a little after the command ends: wait for 300 ms of quiet, at most 1.5 s.
        const started = Date.now();
        last = Math.max(last, started);
        do await new Promise((r) => setTimeout(r, 100));
        while (Date.now() - last < 300 && Date.now() - started < 1500);
        subs.forEach((s) => s.dispose());
        return changes;
      },
    };
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
