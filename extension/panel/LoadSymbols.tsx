// "Load symbols…" in a module's entry: a file the user has for a module that
// shipped without names (the unstripped .wasm, a .debug.wasm, an emscripten
// --emit-symbol-map file, a source map). Read here, matched and applied by
// the store (symbol-overrides.ts); the entry says what matched, or why the
// file was refused.
import { useRef, useState } from 'preact/hooks';
import type { ModuleView, Store } from './store';
import { MAX_SYMBOL_FILE_BYTES } from '../../src/symbols/symbol-file';
import { baseName } from './format';

export function LoadSymbols({ store, m }: { store: Store; m: ModuleView }) {
  const [reading, setReading] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const status = store.symbolStatus(m.key);
  const pick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_SYMBOL_FILE_BYTES) {
      store.setError(`${file.name} is larger than ${MAX_SYMBOL_FILE_BYTES.toLocaleString('en-US')} bytes`);
      return;
    }
    setReading(true);
    try {
      store.loadSymbols(m.key, file.name, new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      store.setError(`${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setReading(false);
    }
  };
  return (
    <div class="load-symbols">
      <button
        type="button"
        class="load-symbols-button"
        disabled={reading}
        title="A file with this module's names or source lines: the unstripped .wasm, a .debug.wasm, an emscripten symbol map (--emit-symbol-map) or a source map. Checked against the module's code before it is applied."
        onClick={() => input.current?.click()}
      >
        {reading ? 'Reading…' : 'Load symbols…'}
      </button>
      <input
        ref={input}
        type="file"
        data-testid="load-symbols"
        aria-label={`Load symbols for ${baseName(m.name)}`}
        accept=".wasm,.symbols,.map,.json,.txt"
        onChange={pick}
        hidden
      />
      {status?.applied && (
        <div class="ok" data-testid="symbols-status" title={status.applied.fileName}>
          Symbols from {status.applied.fileName}
          {status.applied.remembered ? ' (remembered)' : ''}: {status.applied.message}
        </div>
      )}
      {status?.refused && (
        <div class="warn" data-testid="symbols-refused" title={status.refused.fileName}>
          Not applied: {status.refused.message}
        </div>
      )}
    </div>
  );
}
