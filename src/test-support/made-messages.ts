// Page messages made by hand, for the code that reads them outside the panel
// (the leak report's tests, the codec bench): a module and the DiffMsg the
// page sends for Snapshot A → B, with only the figures a caller names.
import type { DiffMsg, FrameMsg, ModuleMsg, SiteGroupMsg } from '../protocol';

/** Module 1, instrumented, 1000 bytes, named `name`, with no allocator details. */
export function moduleMsg(name: string): ModuleMsg {
  return { t: 'module', id: 1, name, size: 1000, instrumented: true, reason: '', allocators: [], wrappedExports: [], time: 0 };
}

/** A site whose `count` blocks of `bytes` in all are new since A and still live. */
export function newSiteGroup(site: number, count: number, bytes: number): SiteGroupMsg {
  return { site, newCount: count, newBytes: bytes, freedCount: 0, freedBytes: 0, liveCount: count, liveBytes: bytes };
}

/** Reply 1 for module 1, A → B (not final, not truncated): zero counts, no groups and no block rows unless `fields` gives them. */
export function diffMsg(fields: Partial<Omit<DiffMsg, 't'>> = {}): DiffMsg {
  return {
    t: 'diff',
    req: 1,
    module: 1,
    from: 'A',
    to: 'B',
    final: null,
    newCount: 0,
    newBytes: 0,
    freedCount: 0,
    freedBytes: 0,
    groups: [],
    blocks: '',
    truncated: false,
    ...fields,
  };
}

/** A stack frame of a wasm module without DWARF (line 0) unless `line` and `file` say otherwise. */
export function frameMsg(name: string, func: number, offset: number, line = 0, file = 'wasm://wasm/01b9201a'): FrameMsg {
  return { name, func, offset, file, line };
}
