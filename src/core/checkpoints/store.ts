import { createHash } from 'node:crypto';
import { CHECKPOINT_VERSION, type CheckpointManifest, type CheckpointStorage } from './types';

const MANIFESTS = 'manifests';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Checkpoint ids name files: letters, digits, dashes and dots only. */
export const isCheckpointId = (id: string) => /^[\w.-]{1,100}$/.test(id) && !id.startsWith('.');

/** Manifests and content-addressed blobs on a CheckpointStorage. */
export class CheckpointStore {
  constructor(private readonly storage: CheckpointStorage) {}

  /** Stores content once per distinct bytes; returns its sha256. */
  async putBlob(bytes: Uint8Array): Promise<string> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const name = blobName(hash);
    if (!(await this.storage.read(name))) await this.storage.write(name, bytes);
    return hash;
  }

  getBlob(hash: string): Promise<Uint8Array | undefined> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return Promise.resolve(undefined);
    return this.storage.read(blobName(hash));
  }

  save(manifest: CheckpointManifest): Promise<void> {
    if (!isCheckpointId(manifest.id)) throw new Error(`invalid checkpoint id ${manifest.id}`);
    return this.storage.write(`${MANIFESTS}/${manifest.id}.json`, encoder.encode(JSON.stringify(manifest)));
  }

  async load(id: string): Promise<CheckpointManifest | undefined> {
    if (!isCheckpointId(id)) return undefined;
    const bytes = await this.storage.read(`${MANIFESTS}/${id}.json`);
    return bytes && parseManifest(bytes);
  }

  /** Every readable checkpoint, oldest first. */
  async list(): Promise<CheckpointManifest[]> {
    const names = (await this.storage.list(MANIFESTS)).filter((n) => n.endsWith('.json'));
    const all = await Promise.all(names.map((n) => this.load(n.slice(0, -'.json'.length))));
    return all.filter((m): m is CheckpointManifest => m !== undefined).sort((a, b) => a.seq - b.seq);
  }

  /** Keeps the newest `keep` checkpoints and the blobs they use; returns how many were removed. */
  async prune(keep: number): Promise<number> {
    const all = await this.list();
    const old = all.slice(0, Math.max(0, all.length - keep));
    if (!old.length) return 0;
    for (const m of old) await this.storage.remove(`${MANIFESTS}/${m.id}.json`);
    const used = new Set(all.slice(old.length).flatMap((m) => m.files.flatMap((f) => (f.state === 'existed' ? [f.blob] : []))));
    for (const dir of await this.storage.list('blobs')) {
      for (const hash of await this.storage.list(`blobs/${dir}`)) if (!used.has(hash)) await this.storage.remove(`blobs/${dir}/${hash}`);
    }
    return old.length;
  }
}

function blobName(hash: string): string {
  return `blobs/${hash.slice(0, 2)}/${hash}`;
}

/** A manifest from storage, or undefined when it is unreadable or from a newer version. */
function parseManifest(bytes: Uint8Array): CheckpointManifest | undefined {
  try {
    const m = JSON.parse(decoder.decode(bytes));
    if (m?.version !== CHECKPOINT_VERSION || typeof m.id !== 'string' || typeof m.seq !== 'number' || !Array.isArray(m.files)) return undefined;
    return m as CheckpointManifest;
  } catch {
    return undefined;
  }
}
