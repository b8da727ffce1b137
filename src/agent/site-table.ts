// Interns allocation sites and stacks for one page: identical stacks cost one
// entry, and each entry is sent to the panel once.
import type { FrameMsg, SiteMsg } from '../protocol/messages';

export class SiteTable {
  private readonly byKey = new Map<string, number>();
  private readonly all: SiteMsg[] = [];
  private pending: SiteMsg[] = [];

  constructor(private readonly maxSites: number) {}

  /** Returns the site id for these frames (in `thread`, for threads on one heap); 0 when the table is full. */
  intern(module: number, frames: FrameMsg[], thread?: string): number {
    let key = thread === undefined ? String(module) : `${module}@${thread}`;
    for (const f of frames) key += `|${f.func}:${f.offset}:${f.name}:${f.file}:${f.line}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    if (this.all.length >= this.maxSites) return 0;
    // Id 0 means "unknown site" on the wire.
    const site: SiteMsg = { id: this.all.length + 1, module, frames };
    if (thread !== undefined) site.thread = thread;
    this.all.push(site);
    this.pending.push(site);
    this.byKey.set(key, site.id);
    return site.id;
  }

  get(id: number): SiteMsg | undefined {
    return this.all[id - 1];
  }

  /** Sites added since the last call. */
  takePending(): SiteMsg[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  /**
   * Replaces the frames of interned site `id` (its module's symbols arrived
   * later: a source map); it is sent again, and the panel replaces it by id.
   */
  update(id: number, frames: FrameMsg[]): void {
    const old = this.all[id - 1];
    if (!old) return;
    const site: SiteMsg = { ...old, frames };
    this.all[id - 1] = site;
    this.pending.push(site);
  }

  /** Every site, for a panel that connects late. */
  snapshot(): SiteMsg[] {
    return this.all.slice();
  }
}
