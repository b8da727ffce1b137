// Panel actions: each sends one command to the page and folds the replies
// into the store. The page owns the truth; the panel only asks.
import type { Connection } from './connection';
import type { Store } from './store';
import { PROTOCOL_VERSION, type SnapshotName, type PageToPanel } from '../../src/protocol';
import { toRecording, parseRecording, MAX_RECORDING_BYTES } from './recording';

export class Controller {
  constructor(
    private readonly store: Store,
    private readonly conn: Connection,
  ) {}

  /** Sends a command whose replies may take a while; the store shows `label` with a spinner until the first one. */
  private long(label: string, send: (req: number) => void, onReply: (msg: PageToPanel & { frame: number }) => void): void {
    const { store } = this;
    const req = store.request((msg) => {
      if (store.busy?.req === req) store.busy = null;
      try {
        onReply(msg);
      } catch (error) {
        store.error = `${label.replace('…', '')} failed: ${(error as Error).message}`;
      }
      store.changed();
    });
    store.busy = { label, req };
    store.changed();
    send(req);
  }

  snapshot(name: SnapshotName): void {
    const { store } = this;
    if (store.readOnly) return;
    const req = store.request((msg) => {
      if (msg.t === 'fail') return store.notice(`Snapshot ${name} failed: ${msg.message}`);
      if (msg.t !== 'snapshot') return;
      let liveCount = 0;
      let liveBytes = 0;
      for (const m of msg.modules) {
        liveCount += m.liveCount;
        liveBytes += m.liveBytes;
      }
      store.snapshots = { ...store.snapshots, [name]: { time: msg.time, liveCount, liveBytes } };
      if (name === 'A') {
        // A new baseline invalidates the later snapshots and the comparison.
        store.snapshots = { A: store.snapshots.A };
        store.diffs = [];
        store.selected = null;
      }
      store.changed();
      if (name === 'B' || name === 'C') this.compare();
    });
    this.conn.send({ t: 'snapshot', req, name });
  }

  compare(): void {
    const { store } = this;
    if (!store.snapshots.A || !store.snapshots.B) return;
    const final = store.snapshots.C ? 'C' : null;
    store.diffs = [];
    store.selected = null;
    store.range = null;
    this.long('Comparing…', (req) => this.conn.send({ t: 'diff', req, from: 'A', to: 'B', final }), (msg) => {
      if (msg.t === 'fail') store.error = `Comparison failed: ${msg.message}`;
      if (msg.t === 'diff') store.setDiff(msg);
    });
  }

  /** valgrind-style leak kinds of the comparison's new blocks (a scan of linear memory in the page). */
  leakKinds(): void {
    const { store } = this;
    if (store.readOnly || store.diffs.length === 0) return;
    this.long('Classifying leaks…', (req) => this.conn.send({ t: 'leaks', req }), (msg) => {
      if (msg.t === 'fail') store.error = `Leak kinds failed: ${msg.message}`;
      if (msg.t === 'leaks') store.setLeaks(msg);
    });
  }

  /** Retained allocations: blocks alive now that were allocated between two epoch-ms times. */
  selectRange(from: number, to: number): void {
    const { store } = this;
    if (store.readOnly) {
      store.notice('A time-range selection asks the live page: not available in an imported recording.');
      return;
    }
    store.range = { from, to, tables: [] };
    store.selected = null;
    this.long('Finding retained allocations…', (req) => this.conn.send({ t: 'range', req, from, to }), (msg) => {
      if (msg.t === 'fail') store.error = `Selection failed: ${msg.message}`;
      if (msg.t === 'range' && store.range) store.setRange(msg);
    });
  }

  closeRange(): void {
    this.store.range = null;
    this.store.selected = null;
    this.store.changed();
  }

  cancel(): void {
    if (this.store.busy) this.store.forget(this.store.busy.req);
  }

  readBytes(moduleKey: string, ptr: number, len: number): void {
    const { store } = this;
    if (store.readOnly) return;
    const [frame, module] = moduleKey.split(':').map(Number);
    const req = store.request((msg) => {
      if (msg.t === 'fail') return store.notice(`Could not read memory: ${msg.message}`);
      if (msg.t === 'bytes' && msg.frame === frame) store.setBytes(msg);
    });
    this.conn.send({ t: 'read', req, module, ptr, len });
  }

  toggleFullStacks(): void {
    this.store.fullStacks = !this.store.fullStacks;
    this.conn.send({ t: 'stacks', full: this.store.fullStacks });
    this.store.changed();
  }

  toggleRecording(): void {
    this.store.recording = !this.store.recording;
    this.store.changed();
  }

  clear(): void {
    const wasImported = this.store.readOnly !== null;
    this.store.clear();
    // The page forgets its history and snapshots (not after an import: those
    // are still the live page's); then a hello makes it list its modules again,
    // which are still alive.
    if (!wasImported) this.conn.send({ t: 'clear' });
    this.conn.send({ t: 'hello', v: PROTOCOL_VERSION });
  }

  reloadAndRecord(): void {
    this.store.clear();
    this.store.recording = true;
    this.conn.reloadTab();
  }

  exportRecording(): void {
    const text = JSON.stringify(toRecording(this.store));
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `wasm-leaks-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Replaces what is shown only when the whole file is valid. */
  async importFile(file: File): Promise<void> {
    const { store } = this;
    if (file.size > MAX_RECORDING_BYTES) {
      store.error = `Import failed: ${file.name} is ${file.size.toLocaleString('en-US')} B, more than the ${MAX_RECORDING_BYTES.toLocaleString('en-US')} B a recording may have.`;
      store.changed();
      return;
    }
    store.busy = { label: 'Importing…', req: -1 };
    store.changed();
    try {
      const imported = parseRecording(await file.text());
      store.adopt(imported, file.name);
    } catch (error) {
      store.busy = null;
      store.error = `Import failed: ${file.name} is not a WASM Leaks recording (${(error as Error).message}). What was shown is unchanged.`;
      store.changed();
    }
  }
}
