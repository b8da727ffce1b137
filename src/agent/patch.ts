// The WebAssembly entry points as the page sees them: instantiate,
// instantiateStreaming, compile, compileStreaming, new Module, new Instance,
// new Memory and Memory.prototype.grow, patched in place so `instanceof`,
// statics and subclassing keep working. What each does is in install.ts
// (`steps`); here only how a call reaches it, or the original when the
// argument is not something we handle (the original then raises its own error).
import type { HookEnv } from './install';

type WA = typeof WebAssembly;

/** The entry points as they were before patching. */
export interface Originals {
  instantiate: WA['instantiate'];
  instantiateStreaming: WA['instantiateStreaming'];
  compile: WA['compile'];
  compileStreaming: WA['compileStreaming'];
  Module: WA['Module'];
  Instance: WA['Instance'];
  Memory: WA['Memory'];
  grow: WebAssembly.Memory['grow'];
  LinkErrorCtor: WA['LinkError'];
}

/** The hooked behaviour of each entry point (install.ts). */
export interface Steps<Info> {
  prepare(bytes: Uint8Array<ArrayBuffer>, name: string): Info;
  compileSync(bytes: Uint8Array<ArrayBuffer>, info: Info, newTarget: Function): WebAssembly.Module;
  /** An async entry point's bytes (install.ts decides where they are rewritten). */
  compileBytes(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<WebAssembly.Module>;
  instanceSync(module: WebAssembly.Module, imports: unknown, newTarget: Function): WebAssembly.Instance;
  instanceAsync(module: WebAssembly.Module, imports: unknown): Promise<WebAssembly.Instance>;
  instantiateBytes(bytes: Uint8Array<ArrayBuffer>, imports: unknown, name: string): Promise<unknown>;
}

export function copyBytes(source: unknown): Uint8Array<ArrayBuffer> | null {
  if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  }
  return null;
}

/** Reads a streaming source, or returns null to let the original raise its own error. */
async function readResponse(source: unknown): Promise<{ bytes: Uint8Array<ArrayBuffer>; url: string } | null> {
  const response = await source;
  if (typeof Response === 'undefined' || !(response instanceof Response)) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!response.ok || response.bodyUsed || type !== 'application/wasm') return null;
  return { bytes: new Uint8Array(await response.arrayBuffer()), url: response.url || '(response)' };
}

/** Patches `wa` in place; returns the function that puts the originals back. */
export function patchEntryPoints<Info>(wa: WA, orig: Originals, steps: Steps<Info>, env: Pick<HookEnv, 'onMemory'>): () => void {
  const patched = {
    instantiate(source: unknown, imports?: unknown): Promise<unknown> {
      if (source instanceof orig.Module) return steps.instanceAsync(source, imports);
      const bytes = copyBytes(source);
      if (!bytes) return orig.instantiate.call(wa, source as BufferSource, imports as WebAssembly.Imports);
      return steps.instantiateBytes(bytes, imports, '(bytes)');
    },
    async instantiateStreaming(source: unknown, imports?: unknown): Promise<unknown> {
      const read = await readResponse(source);
      if (!read) return orig.instantiateStreaming.call(wa, source as Response, imports as WebAssembly.Imports);
      return steps.instantiateBytes(read.bytes, imports, read.url);
    },
    compile(source: unknown): Promise<WebAssembly.Module> {
      const bytes = copyBytes(source);
      if (!bytes) return orig.compile.call(wa, source as BufferSource);
      return steps.compileBytes(bytes, '(bytes)');
    },
    async compileStreaming(source: unknown): Promise<WebAssembly.Module> {
      const read = await readResponse(source);
      if (!read) return orig.compileStreaming.call(wa, source as Response);
      return steps.compileBytes(read.bytes, read.url);
    },
  };

  const ModuleProxy: typeof WebAssembly.Module = new Proxy(orig.Module, {
    construct(target, args, newTarget): object {
      const bytes = copyBytes(args[0]);
      if (!bytes) return Reflect.construct(target, args, newTarget === ModuleProxy ? target : newTarget);
      return steps.compileSync(bytes, steps.prepare(bytes, '(bytes)'), newTarget === ModuleProxy ? target : newTarget);
    },
  });
  const InstanceProxy: typeof WebAssembly.Instance = new Proxy(orig.Instance, {
    construct(target, args, newTarget): object {
      const module = args[0];
      if (!(module instanceof orig.Module)) return Reflect.construct(target, args, newTarget === InstanceProxy ? target : newTarget);
      return steps.instanceSync(module, args[1], newTarget === InstanceProxy ? target : newTarget);
    },
  });
  const MemoryProxy: typeof WebAssembly.Memory = new Proxy(orig.Memory, {
    construct(target, args, newTarget): object {
      const memory: WebAssembly.Memory = Reflect.construct(target, args, newTarget === MemoryProxy ? target : newTarget);
      try {
        env.onMemory(memory, 'created');
      } catch {
        /* never let bookkeeping break the page */
      }
      return memory;
    },
  });
  function grow(this: WebAssembly.Memory, delta: number): number {
    const result = orig.grow.call(this, delta);
    try {
      env.onMemory(this, 'js-grow');
    } catch {
      /* never let bookkeeping break the page */
    }
    return result;
  }

  const define = (target: object, key: string, value: unknown) =>
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
  for (const [key, fn] of Object.entries(patched)) {
    Object.defineProperty(fn, 'name', { value: key });
    define(wa, key, fn);
  }
  Object.defineProperty(patched.instantiate, 'length', { value: 1 });
  define(wa, 'Module', ModuleProxy);
  define(wa, 'Instance', InstanceProxy);
  define(wa, 'Memory', MemoryProxy);
  define(orig.Memory.prototype, 'grow', grow);
  Object.defineProperty(grow, 'name', { value: 'grow' });

  return function uninstall(): void {
    define(wa, 'instantiate', orig.instantiate);
    define(wa, 'instantiateStreaming', orig.instantiateStreaming);
    define(wa, 'compile', orig.compile);
    define(wa, 'compileStreaming', orig.compileStreaming);
    define(wa, 'Module', orig.Module);
    define(wa, 'Instance', orig.Instance);
    define(wa, 'Memory', orig.Memory);
    define(orig.Memory.prototype, 'grow', orig.grow);
  };
}
