// Panel actions: each sends one command to the page and folds the replies
// into the store. The page owns the truth; the panel only asks.
import type { Connection } from './connection';
import type { Store } from './store';
import type { SnapshotName } from '../../src/protocol';

export class Controller {
  constructor(
    private readonly store: Store,
    private readonly conn: Connection,
  ) {}

  snapshot(name: SnapshotName): void {
    const { store } = this;
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
    const req = store.request((msg) => {
      if (msg.t === 'fail') return store.notice(`Comparison failed: ${msg.message}`);
      if (msg.t === 'diff') store.setDiff(msg);
    });
    this.conn.send({ t: 'diff', req, from: 'A', to: 'B', final });
  }

  readBytes(moduleKey: string, ptr: number, len: number): void {
    const { store } = this;
    const [frame, module] = moduleKey.split(':').map(Number);
    const req = store.request((msg) => {
      if (msg.t === 'fail') return store.notice(`Could not read memory: ${msg.message}`);
      if (msg.t === 'bytes' && msg.frame === frame) store.setBytes(msg);
    });
    this.conn.send({ t: 'read', req, module, ptr, len });
  }

  clear(): void {
    this.store.clear();
    this.conn.send({ t: 'clear' });
  }

  reloadAndRecord(): void {
    this.store.clear();
    this.conn.reloadTab();
  }
}
