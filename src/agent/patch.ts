// The WebAssembly entry points as the page sees them: instantiate,
// instantiateStreaming, compile, compileStreaming, new Module, new Instance,
// new Memory and Memory.prototype.grow, patched in place so `instanceof`,
// statics and subclassing keep working. What each does is in install.ts
// (`steps`); here only how a call reaches it, or the original when the
// argument is not something we handle (the original then raises its own error).
// What the page observes is the native's (issue 15 item 6): each stand-in is a
// proxy of its native (name, length, own properties, descriptors, toString:
// native-look.ts), `X.prototype.constructor === X`, instances have no own
// property (the exports getter is a stand-in too), and errors say what the
// native says, with the entry point's name.
import type { HookEnv } from './install';
import { installToString, nativeLike, standIn } from './native-look';
import { fetchedUrl, loadedResponse, notingArrayBuffer } from './fetched-bytes';

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

/** The smallest module: what `mimeAccepted` asks the native to compile. */
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
/** Content-Type -> whether this engine's streaming compile takes it. */
const mimeVerdicts = new Map<string, Promise<boolean>>();

/**
 * Whether the native streaming compile accepts a response of this
 * Content-Type. Engines differ (Chromium takes `Application/WASM` and refuses
 * `application/wasm; charset=binary`, Node refuses both), so the native is
 * asked, once per type, with an empty module: a type it refuses sends the
 * page's response to the native itself, which raises its own error.
 */
function mimeAccepted(type: string, compileStreaming: WA['compileStreaming'], wa: WA): Promise<boolean> {
  let verdict = mimeVerdicts.get(type);
  if (!verdict) {
    try {
      const probe = new Response(EMPTY_MODULE, { headers: { 'content-type': type } });
      verdict = compileStreaming.call(wa, probe).then(
        () => true,
        () => false,
      );
    } catch {
      verdict = Promise.resolve(false);
    }
    if (mimeVerdicts.size < 64) mimeVerdicts.set(type, verdict);
  }
  return verdict;
}

/** Reads a streaming source, or returns null to let the original raise its own error. */
async function readResponse(source: unknown, orig: Originals, wa: WA): Promise<{ bytes: Uint8Array<ArrayBuffer>; url: string } | null> {
  const response = await source;
  if (typeof Response === 'undefined' || !(response instanceof Response)) return null;
  if (!response.ok || response.bodyUsed) return null;
  if (!(await mimeAccepted(response.headers.get('content-type') ?? '', orig.compileStreaming, wa))) return null;
  return { bytes: new Uint8Array(await response.arrayBuffer()), url: response.url || '(response)' };
}

/** An import object the natives refuse before compiling (TypeError "Argument 1 must be an object"). */
function badImports(imports: unknown): boolean {
  return imports !== undefined && (imports === null || (typeof imports !== 'object' && typeof imports !== 'function'));
}

/**
 * The natives name themselves in their errors ("WebAssembly.instantiate(): …");
 * ours come from the natives we call (compile, instantiate), so they are
 * renamed to the entry point the page called. Stacks are formatted when first
 * read, so the stack says the same.
 */
function renamed(error: unknown, entry: string): unknown {
  if (error instanceof Error && typeof error.message === 'string') {
    const m = /^WebAssembly\.(compile|instantiate)\(\): /.exec(error.message);
    if (m && m[1] !== entry) error.message = `WebAssembly.${entry}(): ${error.message.slice(m[0].length)}`;
  }
  return error;
}

/** Instance -> the exports object the page sees (its own exports hidden: visible-exports.ts). */
const shownExports = new WeakMap<object, WebAssembly.Exports>();

/** The page reads `exports` for this instance (through the prototype getter: no own property). */
export function showExports(instance: WebAssembly.Instance, exports: WebAssembly.Exports): void {
  shownExports.set(instance, exports);
}

/** Patches `wa` in place; returns the function that puts the originals back. */
export function patchEntryPoints<Info>(wa: WA, orig: Originals, steps: Steps<Info>, env: Pick<HookEnv, 'onMemory'>): () => void {
  const patched = {
    instantiate(source: unknown, imports?: unknown): Promise<unknown> {
      const bytes = badImports(imports) ? null : source instanceof orig.Module ? source : copyBytes(source);
      if (!bytes) return orig.instantiate.call(wa, source as BufferSource, imports as WebAssembly.Imports);
      if (bytes instanceof orig.Module) return steps.instanceAsync(bytes, imports);
      return steps.instantiateBytes(bytes, imports, fetchedUrl(source) ?? '(bytes)');
    },
    async instantiateStreaming(source: unknown, imports?: unknown): Promise<unknown> {
      const read = badImports(imports) ? null : await readResponse(source, orig, wa);
      if (!read) return orig.instantiateStreaming.call(wa, source as Response, imports as WebAssembly.Imports);
      return steps.instantiateBytes(read.bytes, imports, read.url);
    },
    compile(source: unknown): Promise<WebAssembly.Module> {
      const bytes = copyBytes(source);
      if (!bytes) return orig.compile.call(wa, source as BufferSource);
      return steps.compileBytes(bytes, fetchedUrl(source) ?? '(bytes)');
    },
    async compileStreaming(source: unknown): Promise<WebAssembly.Module> {
      const read = await readResponse(source, orig, wa);
      if (!read) return orig.compileStreaming.call(wa, source as Response);
      return steps.compileBytes(read.bytes, read.url);
    },
  };

  const ModuleProxy: typeof WebAssembly.Module = standIn(
    new Proxy(orig.Module, {
      construct(target, args, newTarget): object {
        const bytes = copyBytes(args[0]);
        if (!bytes) return Reflect.construct(target, args, newTarget === ModuleProxy ? target : newTarget);
        return steps.compileSync(
          bytes,
          steps.prepare(bytes, fetchedUrl(args[0]) ?? '(bytes)'),
          newTarget === ModuleProxy ? target : newTarget,
        );
      },
    }),
    orig.Module,
  );
  const InstanceProxy: typeof WebAssembly.Instance = standIn(
    new Proxy(orig.Instance, {
      construct(target, args, newTarget): object {
        const module = args[0];
        if (!(module instanceof orig.Module)) return Reflect.construct(target, args, newTarget === InstanceProxy ? target : newTarget);
        return steps.instanceSync(module, args[1], newTarget === InstanceProxy ? target : newTarget);
      },
    }),
    orig.Instance,
  );
  const MemoryProxy: typeof WebAssembly.Memory = standIn(
    new Proxy(orig.Memory, {
      construct(target, args, newTarget): object {
        const memory: WebAssembly.Memory = Reflect.construct(target, args, newTarget === MemoryProxy ? target : newTarget);
        try {
          env.onMemory(memory, 'created');
        } catch {
          /* never let bookkeeping break the page */
        }
        return memory;
      },
    }),
    orig.Memory,
  );
  const grow = nativeLike(orig.grow, (self, args) => {
    const result = Reflect.apply(orig.grow, self, args) as number;
    try {
      env.onMemory(self as WebAssembly.Memory, 'js-grow');
    } catch {
      /* never let bookkeeping break the page */
    }
    return result;
  });

  // Each property keeps its native attributes (the namespace's functions are
  // enumerable, its constructors are not); undo puts back what was there.
  const undo: (() => void)[] = [installToString()];
  const replace = (target: object, key: string, value: unknown) => {
    const was = Object.getOwnPropertyDescriptor(target, key);
    if (!was || !was.configurable) return;
    Object.defineProperty(target, key, 'value' in was ? { ...was, value } : { ...was, get: value as () => unknown });
    undo.push(() => Object.defineProperty(target, key, was));
  };
  for (const [key, impl] of Object.entries(patched) as [keyof typeof patched, (...a: unknown[]) => Promise<unknown>][]) {
    const native = orig[key] as Function;
    if (typeof native !== 'function') continue;
    replace(
      wa,
      key,
      nativeLike(native, (_self, args) => impl(...args).catch((e: unknown) => Promise.reject(renamed(e, key)))),
    );
  }
  for (const [key, proxy] of [
    ['Module', ModuleProxy],
    ['Instance', InstanceProxy],
    ['Memory', MemoryProxy],
  ] as const) {
    replace(wa, key, proxy);
    replace(orig[key].prototype, 'constructor', proxy);
  }
  replace(orig.Memory.prototype, 'grow', grow);
  // (bytes the page fetched itself are named by their URL: fetched-bytes.ts)
  const ResponseCtor = loadedResponse();
  if (ResponseCtor) replace(ResponseCtor.prototype, 'arrayBuffer', notingArrayBuffer(ResponseCtor.prototype.arrayBuffer));
  const exportsGetter = Object.getOwnPropertyDescriptor(orig.Instance.prototype, 'exports')?.get;
  if (exportsGetter)
    replace(
      orig.Instance.prototype,
      'exports',
      nativeLike(exportsGetter, (self, args) => shownExports.get(self as object) ?? Reflect.apply(exportsGetter, self, args)),
    );

  return function uninstall(): void {
    for (const u of undo.reverse()) u();
  };
}
