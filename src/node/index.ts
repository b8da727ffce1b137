// wasm-leaks for Node: leak checks of wasm modules in unit tests.
//   import { trackWasm, withLeakCheck } from 'wasm-leaks';
// `wasm-leaks/register` (node --import) checks a whole script at exit;
// `wasm-leaks/vitest` adds expect(fn).not.toLeakWasm().
export { trackWasm, withLeakCheck, activeTracker, WasmLeakError } from './track';
export type { WasmLeakTracker, TrackOptions, CheckOptions, LeakCheckOptions, EventPath } from './track';
export { formatReport, frameLabel, frameLine, FAILING_ERRORS } from '../report/leak-report';
export type { LeakReport, LeakSite, LeakStack, MisuseError, SuppressionUse, ModuleSummary, FormatOptions } from '../report/leak-report';
export { parseSuppressions, templateMatcher, type Suppression } from '../report/suppressions';
