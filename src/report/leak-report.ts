// A leak report for machines and CI logs, built from what the page agent sends
// the panel: per module a comparison (DiffMsg, whose groups are whole stacks),
// the interned stacks (SiteMsg) and the misuse errors. Blocks are grouped by
// *site*, the first frame of their stack outside the allocator wrappers
// (siteFrameIndex), the way the panel's Sites table groups them; each site
// keeps its distinct whole stacks. Used by the Node API (src/node) and the
// CLI (src/cli). Pure: no Node or DOM API.
import { siteFrameIndex, siteKey } from '../protocol/site-frame';
import type { DiffMsg, ErrorKind, ErrorMsg, FrameMsg, ModuleMsg, SiteMsg } from '../protocol/messages';
import { suppressedBy, type Suppression } from './suppressions';

/** One comparison of one module, with where to find its stacks. */
export interface ModuleDiff {
  /** Tells apart modules of different frames/documents that share ids (the CLI); '' in Node. */
  scope: string;
  module: ModuleMsg;
  diff: DiffMsg;
}

/** Stacks by id, per scope. */
export type StackLookup = (scope: string, id: number) => SiteMsg | undefined;

export interface LeakStack {
  /** The interned stack id (SiteMsg.id) in its scope; 0 = unknown. */
  id: number;
  /** Innermost first. */
  frames: FrameMsg[];
  /** Index of the site frame in `frames`. */
  siteIndex: number;
  count: number;
  bytes: number;
  /** The suppression that matched this stack (`leak:<template>`, line in its file). */
  suppressedBy?: { template: string; line: number };
}

export interface LeakSite {
  /** Equal for the same code location across comparisons of one run. */
  key: string;
  /** "process_data (leak.c:19)". */
  label: string;
  module: string;
  frame: FrameMsg | null;
  count: number;
  bytes: number;
  /** Whole stacks through this site, largest first. */
  stacks: LeakStack[];
  /** The CLI's repeated action: blocks and bytes added per repeat. */
  perRepeat?: { count: number; bytes: number };
}

/** Allocator misuse seen while tracking. */
export interface MisuseError {
  kind: ErrorKind;
  module: string;
  ptr: number;
  message: string;
  /** The stack of the offending call (free, realloc, dealloc), when known. */
  frames: FrameMsg[];
  /** The earlier free (double free) or the allocation (size mismatch), when known. */
  otherFrames: FrameMsg[];
}

export interface SuppressionUse {
  template: string;
  line: number;
  count: number;
  bytes: number;
}

export interface ModuleSummary {
  name: string;
  instrumented: boolean;
  reason: string;
}

export interface LeakReport {
  /** No failure: leaked bytes within the limit, no misuse, something was instrumented. */
  ok: boolean;
  /** Why not ok, one line each. */
  failures: string[];
  /** Not fatal: hook failures, modules not instrumented while others were. */
  warnings: string[];
  maxLeakBytes: number;
  leakedCount: number;
  leakedBytes: number;
  suppressedCount: number;
  suppressedBytes: number;
  /** Unsuppressed leaks by site, largest first. */
  sites: LeakSite[];
  /** Suppressed leaks by site. */
  suppressedSites: LeakSite[];
  suppressionsUsed: SuppressionUse[];
  errors: MisuseError[];
  modules: ModuleSummary[];
  /** The CLI's repeat count, when the comparison spans a repeated action. */
  repeats?: number;
  /** Blocks alive but not counted as leaks, and why (reachable from the module's data; sites that did not grow with the repeats). */
  notCounted: NotCounted[];
}

export interface NotCounted {
  reason: string;
  count: number;
  bytes: number;
}

/** Misuse that fails a check: the program's bug, not the tool's. */
export const FAILING_ERRORS: readonly ErrorKind[] = ['double-free', 'invalid-free', 'invalid-realloc', 'dealloc-size-mismatch'];

export function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

/** "process_data (leak.c:19)"; a wasm frame without a line: "func (wasm func 12 +0x3a)"; JS frames: "f (app.js:44)". */
export function frameLabel(f: FrameMsg | null | undefined): string {
  if (!f) return '(unknown site)';
  if (f.line > 0 && f.file) return `${f.name} (${basename(f.file)}:${f.line})`;
  if (f.func >= 0) return `${f.name} (wasm func ${f.func}${f.offset >= 0 ? ` +0x${f.offset.toString(16)}` : ''})`;
  return f.name || '(anonymous)';
}

/** One stack line: "#0 process_data /src/leak.c:19". */
export function frameLine(f: FrameMsg, index: number): string {
  let where: string;
  if (f.line > 0 && f.file) where = `${f.file}:${f.line}`;
  else if (f.func >= 0)
    where = `${f.file ? `${f.file} ` : ''}(wasm func ${f.func}${f.offset >= 0 ? `, offset 0x${f.offset.toString(16)}` : ''})`;
  else where = f.file;
  return `#${index} ${f.name}${where ? ` ${where}` : ''}${f.alloc ? '  [allocator wrapper]' : ''}`;
}

export function moduleLabel(m: ModuleMsg): string {
  return m.name === '(bytes)' ? `module #${m.id} (from bytes)` : m.name;
}

interface Grouped {
  sites: LeakSite[];
  suppressedSites: LeakSite[];
  used: SuppressionUse[];
}

/**
 * Groups the new blocks of some comparisons (alive at `to`, allocated after
 * `from`) by site, stacks kept per site; stacks a suppression matches go to
 * `suppressedSites`.
 */
export function groupLeaks(diffs: readonly ModuleDiff[], stacks: StackLookup, suppressions: readonly Suppression[] = []): Grouped {
  const sites = new Map<string, LeakSite>();
  const suppressed = new Map<string, LeakSite>();
  for (const { scope, module, diff } of diffs) {
    const name = moduleLabel(module);
    for (const g of diff.groups) {
      if (g.newCount === 0) continue;
      const msg = g.site ? stacks(scope, g.site) : undefined;
      const frames = msg?.frames ?? [];
      const siteIndex = siteFrameIndex(frames);
      const frame = frames[siteIndex] ?? null;
      const key = `${scope}|${siteKey(module.id, frame ?? undefined)}`;
      const rule = suppressedBy(suppressions, frames, module.name);
      const into = rule ? suppressed : sites;
      let site = into.get(key);
      if (!site) into.set(key, (site = { key, label: frameLabel(frame), module: name, frame, count: 0, bytes: 0, stacks: [] }));
      site.count += g.newCount;
      site.bytes += g.newBytes;
      const stack: LeakStack = { id: g.site, frames, siteIndex, count: g.newCount, bytes: g.newBytes };
      if (rule) stack.suppressedBy = { template: rule.template, line: rule.line };
      site.stacks.push(stack);
    }
  }
  const order = (list: Iterable<LeakSite>) => {
    const out = [...list];
    for (const s of out) s.stacks.sort((a, b) => b.bytes - a.bytes || b.count - a.count);
    return out.sort((a, b) => b.bytes - a.bytes || b.count - a.count || a.label.localeCompare(b.label));
  };
  const suppressedSites = order(suppressed.values());
  return { sites: order(sites.values()), suppressedSites, used: suppressionUse(suppressedSites) };
}

/** Blocks and bytes per suppression over some suppressed sites, in the order the suppressions were first used. */
export function suppressionUse(suppressedSites: readonly LeakSite[]): SuppressionUse[] {
  const used = new Map<string, SuppressionUse>();
  for (const site of suppressedSites) {
    for (const st of site.stacks) {
      if (!st.suppressedBy) continue;
      const key = `${st.suppressedBy.line}:${st.suppressedBy.template}`;
      let u = used.get(key);
      if (!u) used.set(key, (u = { ...st.suppressedBy, count: 0, bytes: 0 }));
      u.count += st.count;
      u.bytes += st.bytes;
    }
  }
  return [...used.values()];
}

/** Misuse errors with their stacks. */
export function misuseErrors(
  errors: readonly { scope: string; error: ErrorMsg }[],
  modules: (scope: string, id: number) => ModuleMsg | undefined,
  stacks: StackLookup,
): MisuseError[] {
  return errors.map(({ scope, error: e }) => {
    const m = modules(scope, e.module);
    return {
      kind: e.kind,
      module: m ? moduleLabel(m) : `module #${e.module}`,
      ptr: e.ptr,
      message: e.message,
      frames: (e.site && stacks(scope, e.site)?.frames) || [],
      otherFrames: (e.otherSite && stacks(scope, e.otherSite)?.frames) || [],
    };
  });
}

export interface ReportInput {
  sites: LeakSite[];
  suppressedSites: LeakSite[];
  suppressionsUsed: SuppressionUse[];
  errors: MisuseError[];
  modules: ModuleSummary[];
  maxLeakBytes: number;
  repeats?: number;
  /** Fail when no module was instrumented (default true). */
  requireInstrumented?: boolean;
  /** Appended to the failure when no module was instantiated at all (where to look). */
  noModuleHint?: string;
  /** Blocks alive but left out, and why. */
  notCounted?: NotCounted[];
}

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const count = (n: number): string => fmt.format(n);
export const bytes = (n: number): string => `${fmt.format(n)} B`;
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** Totals, failures and warnings. */
export function makeReport(input: ReportInput): LeakReport {
  const sum = (list: LeakSite[], f: (s: LeakSite) => number) => list.reduce((a, s) => a + f(s), 0);
  const leakedCount = sum(input.sites, (s) => s.count);
  const leakedBytes = sum(input.sites, (s) => s.bytes);
  const failures: string[] = [];
  const warnings: string[] = [];
  const instrumented = input.modules.filter((m) => m.instrumented);
  if (instrumented.length === 0 && input.requireInstrumented !== false) {
    if (input.modules.length === 0) {
      failures.push(
        `no WebAssembly module was instantiated while tracking, so nothing was checked${input.noModuleHint ? ` (${input.noModuleHint})` : ''}`,
      );
    } else {
      failures.push(
        `no WebAssembly module was instrumented, so nothing was checked: ${input.modules.map((m) => `${m.name}: ${m.reason || 'not instrumented'}`).join('; ')}`,
      );
    }
  } else {
    for (const m of input.modules) if (!m.instrumented) warnings.push(`not instrumented: ${m.name}${m.reason ? ` (${m.reason})` : ''}`);
  }
  if (leakedBytes > input.maxLeakBytes) {
    failures.push(
      `${bytes(leakedBytes)} leaked in ${plural(leakedCount, 'block')} at ${plural(input.sites.length, 'site')} (more than the ${bytes(input.maxLeakBytes)} allowed)`,
    );
  }
  const failing = input.errors.filter((e) => FAILING_ERRORS.includes(e.kind));
  if (failing.length > 0) {
    const kinds = new Map<string, number>();
    for (const e of failing) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    failures.push(`allocator misuse: ${[...kinds].map(([k, n]) => `${count(n)} × ${k}`).join(', ')}`);
  }
  for (const e of input.errors) if (!FAILING_ERRORS.includes(e.kind)) warnings.push(`${e.kind} in ${e.module}: ${e.message}`);
  return {
    ok: failures.length === 0,
    failures,
    warnings,
    maxLeakBytes: input.maxLeakBytes,
    leakedCount,
    leakedBytes,
    suppressedCount: sum(input.suppressedSites, (s) => s.count),
    suppressedBytes: sum(input.suppressedSites, (s) => s.bytes),
    sites: input.sites,
    suppressedSites: input.suppressedSites,
    suppressionsUsed: input.suppressionsUsed,
    errors: input.errors,
    modules: input.modules,
    ...(input.repeats !== undefined ? { repeats: input.repeats } : {}),
    notCounted: input.notCounted ?? [],
  };
}

export interface FormatOptions {
  /** Stacks printed per site (default 3). */
  stacks?: number;
  /** Frames printed per stack (default 20). */
  frames?: number;
  /** Sites printed (default 50). */
  sites?: number;
}

/** The report as text, LeakSanitizer-like: a summary line, then each site with its stacks. */
export function formatReport(r: LeakReport, options: FormatOptions = {}): string {
  const maxStacks = options.stacks ?? 3;
  const maxFrames = options.frames ?? 20;
  const maxSites = options.sites ?? 50;
  const out: string[] = [];
  const perRepeat = r.repeats !== undefined;
  const stackLines = (frames: FrameMsg[], indent: string) => {
    const shown = frames.slice(0, maxFrames).map((f, i) => `${indent}${frameLine(f, i)}`);
    if (frames.length > maxFrames) shown.push(`${indent}... ${frames.length - maxFrames} more frames`);
    if (frames.length === 0) shown.push(`${indent}(no stack)`);
    return shown;
  };
  const siteBlock = (s: LeakSite, what: string) => {
    const rep = s.perRepeat ? ` (${plural(s.perRepeat.count, 'block')} / ${bytes(s.perRepeat.bytes)} per repeat)` : '';
    out.push(`${what} of ${bytes(s.bytes)} in ${plural(s.count, 'block')}${rep} at ${s.label} in ${s.module}`);
    s.stacks.slice(0, maxStacks).forEach((st, i) => {
      if (s.stacks.length > 1) out.push(`  stack ${i + 1} of ${s.stacks.length}: ${bytes(st.bytes)} in ${plural(st.count, 'block')}`);
      out.push(...stackLines(st.frames, '    '));
    });
    if (s.stacks.length > maxStacks) {
      const rest = s.stacks.slice(maxStacks);
      out.push(
        `  ... ${rest.length} more stacks: ${bytes(rest.reduce((a, x) => a + x.bytes, 0))} in ${plural(
          rest.reduce((a, x) => a + x.count, 0),
          'block',
        )}`,
      );
    }
    out.push('');
  };
  for (const s of r.sites.slice(0, maxSites)) siteBlock(s, 'Leak');
  if (r.sites.length > maxSites) out.push(`... ${r.sites.length - maxSites} more sites`, '');
  for (const e of r.errors) {
    out.push(
      `${FAILING_ERRORS.includes(e.kind) ? 'ERROR' : 'warning'}: ${e.kind} of 0x${(e.ptr >>> 0).toString(16)} in ${e.module}: ${e.message}`,
    );
    out.push(...stackLines(e.frames, '    '));
    if (e.otherFrames.length > 0) {
      out.push(`  ${e.kind === 'double-free' ? 'first freed at' : 'allocated at'}:`);
      out.push(...stackLines(e.otherFrames, '    '));
    }
    out.push('');
  }
  if (r.suppressionsUsed.length > 0) {
    out.push('Suppressions used:');
    for (const u of r.suppressionsUsed) out.push(`  leak:${u.template}  ${plural(u.count, 'block')}, ${bytes(u.bytes)}`);
    for (const s of r.suppressedSites.slice(0, maxSites)) {
      out.push(
        `    ${s.label} in ${s.module}: ${plural(s.count, 'block')}, ${bytes(s.bytes)}${s.perRepeat ? ` (${bytes(s.perRepeat.bytes)} per repeat)` : ''}`,
      );
    }
    out.push('');
  }
  for (const n of r.notCounted) out.push(`not counted: ${bytes(n.bytes)} in ${plural(n.count, 'block')} ${n.reason}`);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  const modules = r.modules.filter((m) => m.instrumented).length;
  const over = perRepeat ? ` over ${plural(r.repeats!, 'repeat')}` : '';
  out.push(
    `SUMMARY: ${bytes(r.leakedBytes)} leaked in ${plural(r.leakedCount, 'block')} at ${plural(r.sites.length, 'site')}${over}` +
      `; suppressed: ${bytes(r.suppressedBytes)} in ${plural(r.suppressedCount, 'block')}` +
      `; ${plural(modules, 'module')} instrumented; limit ${bytes(r.maxLeakBytes)}`,
  );
  out.push(r.ok ? 'PASS' : `FAIL: ${r.failures.join('; ')}`);
  return out.join('\n');
}
