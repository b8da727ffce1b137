// The built worker agent (worker.ts) as script text: vite.config.ts bundles it
// and defines it; main.ts puts it in a blob: URL for the workers to load.
declare const __WASM_LEAKS_WORKER_AGENT__: string;
