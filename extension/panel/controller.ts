// Panel actions: each sends one command to the page and hands the replies to
// the store, whose methods hold the rules of what changes. The page owns the
// truth; the panel only asks.
import type { Connection } from './connection';
import type { Store, BlockTable } from './store';
import { SNAPSHOT_WAIT_MS } from './snapshot-cuts';
import { PROTOCOL_VERSION, type SnapshotName, type PageToPanel } from '../../src/protocol';
import { toRecording, parseRecording, MAX_RECORDING_BYTES } from './recording';

/** Bytes shown in the dump: 16 rows of 16 keep the pane one screen tall. */
const DUMP_BYTES = 256;
/** The busy state of an import: work in the panel, no page request to cancel. */
const IMPORT_REQ = -1;

export class Controller {
  constructor(
    private readonly store: Store,
    private readonly conn: Pick<Connection, 'send' | 'reloadTab'>,
    /** The wait for every context's answer to a snapshot (tests pass their own timer). */
    private readonly later: (fn: () => void, ms: number) => void = (fn, ms) => void setTimeout(fn, ms),
  ) {}

  /** The request listening to each snapshot's answers (one per context), until the next request of that name. */
  private readonly snapshotReq = new Map<SnapshotName, number>();

  /** Sends a command whose replies may take a while; the store shows `label` with a spinner until the first one. */
  private long(label: string, send: (req: number) => void, onReply: (msg: PageToPanel & { frame: number }) => void): void {
    const { store } = this;
    const req = store.request((msg) => {
      store.endBusy(req);
      try {
        onReply(msg);
      } catch (error) {
        store.setError(`${label.replace('…', '')} failed: ${(error as Error).message}`);
      }
    });
    store.startBusy(label, req);
    send(req);
  }

  /**
   * One snapshot in every context at once: one cut number for all (snapshot-cuts.ts). B and C compare once every
   * context with modules answered, or SNAPSHOT_WAIT_MS after the first answer without those that did not (the
   * comparison names them).
   */
  snapshot(name: SnapshotName): void {
    const { store } = this;
    if (store.readOnly) return;
    const old = this.snapshotReq.get(name);
    if (old !== undefined) store.forget(old);
    const cut = store.beginSnapshot(name);
    // (a negative id: a wait in the panel, nothing to cancel in the page)
    const wait = -1 - cut.cut;
    const settled = () => {
      store.endBusy(wait);
      if (name === 'B' || name === 'C') this.compare();
    };
    // The wait for the other contexts starts at the first answer, not at the request: the page relays the
    // request to its workers, and a page busy with what it just did (wasm-vips drains its threads' events and
    // symbolizes thousands of new stacks after a resize: 3-8 s on 2 loaded cores) is not "another instant".
    let waiting = false;
    const startWait = () => {
      if (waiting) return;
      waiting = true;
      this.later(() => {
        if (store.settleSnapshot(name, cut.cut)) settled();
      }, SNAPSHOT_WAIT_MS);
    };
    const req = store.request((msg) => {
      if (msg.t === 'fail') return store.notice(`Snapshot ${name} failed: ${msg.message}`);
      if (msg.t !== 'snapshot') return;
      if (store.snapshotAnswer(msg.frame, msg)) return settled();
      startWait();
    });
    // (no context to wait for, e.g. its only worker ended and the page has no module: the wait starts now, and a
    // request no context answers is a snapshot of nothing alive)
    if (cut.expected.size === 0) startWait();
    this.snapshotReq.set(name, req);
    if (cut.expected.size > 1) store.startBusy(`Snapshot ${name} in ${cut.expected.size} contexts…`, wait);
    this.conn.send({ t: 'snapshot', req, name, cut: cut.cut });
  }

  /** Each context compared gets its own diff command naming the cuts it must have (a context left out gets none). */
  compare(): void {
    const { store } = this;
    const pair = store.beginComparison();
    if (!pair) return;
    const { sources, ...names } = pair;
    // (no context answered in time: the comparison says which did not)
    if (sources.length === 0) return;
    this.long(
      'Comparing…',
      (req) => {
        for (const { source, cuts } of sources) this.conn.send({ t: 'diff', req, ...names, cuts }, source);
      },
      (msg) => {
        if (!store.compares(msg.frame)) return;
        if (msg.t === 'fail') store.setError(`Comparison failed: ${msg.message}`);
        if (msg.t === 'diff') store.setDiff(msg);
      },
    );
  }

  /** valgrind-style leak kinds of the comparison's new blocks (a scan of linear memory in the page). */
  leakKinds(): void {
    const { store } = this;
    if (store.readOnly || store.diffs.length === 0) return;
    this.long(
      'Classifying leaks…',
      (req) => this.conn.send({ t: 'leaks', req }),
      (msg) => {
        if (msg.t === 'fail') store.setError(`Leak kinds failed: ${msg.message}`);
        if (msg.t === 'leaks') store.setLeaks(msg);
      },
    );
  }

  /** Retained allocations: blocks alive now that were allocated between two epoch-ms times. */
  selectRange(from: number, to: number): void {
    const { store } = this;
    if (store.readOnly) {
      store.notice('A time-range selection asks the live page: not available in an imported recording.');
      return;
    }
    store.openRange(from, to);
    this.long(
      'Finding retained allocations…',
      (req) => this.conn.send({ t: 'range', req, from, to }),
      (msg) => {
        if (msg.t === 'fail') store.setError(`Selection failed: ${msg.message}`);
        if (msg.t === 'range') store.setRange(msg);
      },
    );
  }

  /** The timeline's live bytes by site (stacked) and the growth ranking, on or off. */
  toggleBySite(): void {
    this.store.toggleBySite();
  }

  /** The blocks live at each module's highest live heap (DHAT's t-gmax), freed since or not. */
  peak(): void {
    const { store } = this;
    if (store.readOnly) {
      store.notice('Peak asks the live page: not available in an imported recording.');
      return;
    }
    store.openRange(0, 0, true);
    this.long(
      'Finding the blocks live at the peak…',
      (req) => this.conn.send({ t: 'peak', req }),
      (msg) => {
        if (msg.t === 'fail') store.setError(`Peak failed: ${msg.message}`);
        if (msg.t === 'range') store.setRange(msg);
      },
    );
  }

  /** heaptrack's "consumed at": the blocks live at an instant (epoch ms; the page's last tick at or before it). */
  liveAt(time: number): void {
    const { store } = this;
    if (store.readOnly) {
      store.notice('What was live at an instant asks the live page: not available in an imported recording.');
      return;
    }
    store.openRange(time, time, false);
    this.long(
      'Finding the blocks live then…',
      (req) => this.conn.send({ t: 'at', req, time }),
      (msg) => {
        if (msg.t === 'fail') store.setError(`Live at an instant failed: ${msg.message}`);
        if (msg.t === 'range') store.setRange(msg);
      },
    );
  }

  closeRange(): void {
    this.store.closeRange();
  }

  /** Shows a block in the detail pane and reads its first bytes from the page. */
  selectBlock(table: BlockTable, row: number): void {
    const b = this.store.selectBlock(table, row);
    this.readBytes(b.moduleKey, b.ptr, Math.min(b.size, DUMP_BYTES));
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

  /** The toolbar's "JS stack per allocation" (the page's `stacks` command). */
  toggleFullStacks(): void {
    const full = !this.store.fullStacks;
    this.store.setFullStacks(full);
    this.conn.send({ t: 'stacks', full });
  }

  toggleRecording(): void {
    this.store.setRecording(!this.store.recording);
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
    this.store.setRecording(true);
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
      store.setError(
        `Import failed: ${file.name} is ${file.size.toLocaleString('en-US')} B, more than the ${MAX_RECORDING_BYTES.toLocaleString('en-US')} B a recording may have.`,
      );
      return;
    }
    store.startBusy('Importing…', IMPORT_REQ);
    try {
      store.importRecording(parseRecording(await file.text()), file.name);
    } catch (error) {
      store.endBusy(IMPORT_REQ);
      store.setError(
        `Import failed: ${file.name} is not a WASM Leaks recording (${(error as Error).message}). What was shown is unchanged.`,
      );
    }
  }
}
