// wasm-leaks/cli: the page checker as functions (`wasm-leaks run` is main()).
export { runScenario, findChrome, findExtension, RunError, EXIT, type RunOptions, type RunResult } from './run';
export { loadScenario, toScenario, ScenarioError, type Scenario } from './scenario';
export { main, parseArgs, USAGE, UsageError, type CliArgs, type Io } from './main';
export { leakProfile, type PprofOptions } from '../report/pprof';
export { formatReport, type LeakReport } from '../report/leak-report';
export { renderHtmlReport, type HtmlReportInput } from '../report/html-report';
export type { Timeline } from '../report/timeline';
export { parseSuppressions, type Suppression } from '../report/suppressions';
