/**
 * Binary instrumentation of WebAssembly modules: reader, allocator
 * discovery and the rewriter that routes allocator calls to a hook.
 * Pure, synchronous, dependency-free: it runs in the page at document_start.
 */
export { EV } from './ev-kinds';
export { instrument, instrumentWith, roundTrip, HOOK_TABLE } from './rewrite';
export { linkHook, wasmFunction, type EvHook, type HookLink, type HookWA } from './hook';
export { HOOK_FIELD, EVENT } from './wrappers';
export type { InstrumentResult, InstrumentOptions, SiteInfo, SiteRole, ExportSite, EventPath, TableInfo } from './rewrite';
export { supportsMultiMemory } from './table-wrappers';
export { discover as discoverAllocatorsIn } from './discover';
export type { AllocatorInfo, AllocatorRole } from './discover';
export { InstrumentError } from './errors';
export { parseModule, customSection, funcType } from './reader';
export type { ParsedModule, SectionInfo, FuncType, ImportEntry, ExportEntry, MemoryInfo, GlobalInfo, FuncBody } from './reader';
export type { NameSection } from './names';
export { OffsetMap } from './offset-map';

import { parseModule } from './reader';
import { discover, type AllocatorInfo } from './discover';

export function discoverAllocators(bytes: Uint8Array): AllocatorInfo[] {
  return discover(parseModule(bytes));
}
