// What a page can observe of the WebAssembly API (issue 15 item 6), as one
// record compared property by property with and without the hooks: in Node
// (src/agent/never-break-observe.test.ts, a hooked copy of the namespace
// against Node's own) and in Chromium (e2e/never-break-observe.spec.ts, the
// built extension against a browser without it). Self-contained: Playwright
// sends its source to the page, so it uses nothing from outside its body.

export interface ProbeInput {
  /** A module's bytes that compile and instantiate with no imports, and have an allocator (so they are rewritten). */
  bytes: ArrayBuffer;
}

export async function observeWebAssembly(W: typeof WebAssembly, input: ProbeInput): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const desc = (d: PropertyDescriptor | undefined): string =>
    d === undefined
      ? 'absent'
      : [
          'value' in d ? `value:${typeof d.value}` : `get:${typeof d.get},set:${typeof d.set}`,
          d.writable === undefined ? '' : d.writable ? 'w' : '-',
          d.enumerable ? 'e' : '-',
          d.configurable ? 'c' : '-',
        ].join('');
  const props = (o: object): string[] => Reflect.ownKeys(o).map((k) => `${String(k)}=${desc(Object.getOwnPropertyDescriptor(o, k))}`);
  const fn = (f: unknown) => {
    if (typeof f !== 'function') return typeof f;
    return {
      toString: Function.prototype.toString.call(f),
      name: f.name,
      length: f.length,
      own: props(f),
      proto: Object.getPrototypeOf(f) === Function.prototype,
    };
  };
  const error = (e: unknown): string => (e instanceof Error ? `${e.constructor.name}: ${e.message}` : `thrown ${typeof e}`);
  const attempt = async (f: () => unknown): Promise<string> => {
    try {
      const r = await f();
      return `ok ${Object.prototype.toString.call(r)}`;
    } catch (e) {
      return error(e);
    }
  };

  // --- the namespace and its functions
  out.namespace = props(W);
  const fns: Record<string, unknown> = {
    instantiate: W.instantiate,
    instantiateStreaming: W.instantiateStreaming,
    compile: W.compile,
    compileStreaming: W.compileStreaming,
    validate: W.validate,
    Module: W.Module,
    Instance: W.Instance,
    Memory: W.Memory,
    Table: W.Table,
    'Module.imports': W.Module.imports,
    'Module.exports': W.Module.exports,
    'Module.customSections': W.Module.customSections,
    'Memory.prototype.grow': W.Memory.prototype.grow,
    'Instance.prototype.exports getter': Object.getOwnPropertyDescriptor(W.Instance.prototype, 'exports')?.get,
  };
  for (const [k, f] of Object.entries(fns)) out[`fn ${k}`] = fn(f);
  for (const ctor of ['Module', 'Instance', 'Memory', 'Table'] as const) {
    const C = W[ctor] as unknown as { prototype: object };
    out[`${ctor}.prototype`] = props(C.prototype);
    out[`${ctor}.prototype.constructor is ${ctor}`] = (C.prototype as { constructor: unknown }).constructor === C;
  }
  // (each read separately: a getter could return a new function every time)
  const twice = (read: () => unknown): boolean => {
    const first = read();
    return read() === first;
  };
  out['Module.imports read twice is the same function'] = twice(() => W.Module.imports);
  out['instantiate read twice is the same function'] = twice(() => W.instantiate);

  // --- a module and an instance
  const module = new W.Module(input.bytes);
  out['module instanceof Module'] = module instanceof W.Module;
  out['module own keys'] = Reflect.ownKeys(module).map(String);
  out['Module.imports(module)'] = W.Module.imports(module);
  out['Module.exports(module)'] = W.Module.exports(module);
  const instance = new W.Instance(module, {});
  out['instance instanceof Instance'] = instance instanceof W.Instance;
  out['instance own keys'] = Reflect.ownKeys(instance).map(String);
  out['instance.exports is the getter value'] =
    instance.exports === Object.getOwnPropertyDescriptor(W.Instance.prototype, 'exports')?.get?.call(instance);
  out['instance.exports read twice'] = twice(() => instance.exports);
  out['exports frozen'] = Object.isFrozen(instance.exports);
  out['exports prototype'] = Object.getPrototypeOf(instance.exports) === null ? 'null' : 'object';
  out['exports keys'] = props(instance.exports);
  const source = await W.instantiate(input.bytes, {});
  out['instantiate(bytes) keys'] = Object.keys(source);
  out['instantiate(bytes) instance own keys'] = Reflect.ownKeys(source.instance).map(String);
  out['instantiate(module) instance own keys'] = Reflect.ownKeys(await W.instantiate(module, {})).map(String);
  class Sub extends W.Module {}
  out['subclass'] = Object.getPrototypeOf(new Sub(input.bytes)) === Sub.prototype;
  const memory = new W.Memory({ initial: 1 });
  out['memory own keys'] = Reflect.ownKeys(memory).map(String);
  out['memory.grow(1)'] = memory.grow(1);

  // --- errors, with their messages
  const bad = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5]);
  out['instantiate(bad bytes)'] = await attempt(() => W.instantiate(bad, {}));
  out['instantiate(bad bytes, 5)'] = await attempt(() => W.instantiate(bad, 5 as unknown as WebAssembly.Imports));
  out['instantiate(bytes, 5)'] = await attempt(() => W.instantiate(input.bytes, 5 as unknown as WebAssembly.Imports));
  out['instantiate(module, 5)'] = await attempt(() => W.instantiate(module, 5 as unknown as WebAssembly.Imports));
  out['instantiate(42)'] = await attempt(() => W.instantiate(42 as unknown as BufferSource));
  out['compile(bad bytes)'] = await attempt(() => W.compile(bad));
  out['new Module(bad bytes)'] = await attempt(() => new W.Module(bad));
  out['new Instance(module, 5)'] = await attempt(() => new W.Instance(module, 5 as unknown as WebAssembly.Imports));
  out['Module() without new'] = await attempt(() => (W.Module as unknown as (b: BufferSource) => unknown)(input.bytes));
  out['grow on a non-memory'] = await attempt(() => W.Memory.prototype.grow.call({}, 1));
  if (typeof Response === 'function' && typeof W.instantiateStreaming === 'function') {
    const response = (type: string, body: BufferSource = input.bytes, status = 200) =>
      new Response(body, { status, headers: { 'content-type': type } });
    out['instantiateStreaming(application/wasm)'] = await attempt(() => W.instantiateStreaming(response('application/wasm'), {}));
    out['instantiateStreaming(Application/WASM)'] = await attempt(() => W.instantiateStreaming(response('Application/WASM'), {}));
    out['instantiateStreaming(application/wasm; charset=binary)'] = await attempt(() =>
      W.instantiateStreaming(response('application/wasm; charset=binary'), {}),
    );
    out['compileStreaming(application/wasm; charset=binary)'] = await attempt(() =>
      W.compileStreaming(response('application/wasm; charset=binary')),
    );
    out['instantiateStreaming(text/html)'] = await attempt(() => W.instantiateStreaming(response('text/html'), {}));
    out['instantiateStreaming(404)'] = await attempt(() => W.instantiateStreaming(response('application/wasm', input.bytes, 404), {}));
    out['instantiateStreaming(bad bytes)'] = await attempt(() => W.instantiateStreaming(response('application/wasm', bad), {}));
    out['compileStreaming(bad bytes)'] = await attempt(() => W.compileStreaming(response('application/wasm', bad)));
    out['instantiateStreaming(response, 5)'] = await attempt(() =>
      W.instantiateStreaming(response('application/wasm'), 5 as unknown as WebAssembly.Imports),
    );
  }
  return out;
}
