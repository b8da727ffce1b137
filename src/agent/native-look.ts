// Our stand-ins for native functions look native. A Proxy of the native
// function already keeps its name, length, prototype, own properties and
// [[Prototype]]; what it cannot keep is `Function.prototype.toString`, which
// V8 prints as `function () { [native code] }` for any proxy, where the
// native prints `function instantiate() { [native code] }`. So, while hooks
// are installed, `Function.prototype.toString` is itself a proxy of the
// native that prints each stand-in as its native (and itself as the native
// toString). Everything else it is called on goes to the native unchanged,
// errors included. What remains visible: another realm's toString (an
// iframe's `Function.prototype.toString.call(WebAssembly.instantiate)`)
// prints the proxy form.

/** Stand-in -> the native function it stands for (per realm: the module is loaded once per realm). */
const natives = new WeakMap<object, Function>();
let installed: { restore(): void; users: number } | null = null;

/** `proxy` prints as `native` for as long as some hooks are installed. */
export function standIn<T extends object>(proxy: T, native: Function): T {
  natives.set(proxy, native);
  return proxy;
}

/** A proxy of `native` whose calls go to `apply` (the receiver and the arguments as given). */
export function nativeLike<F extends Function>(native: F, apply: (self: unknown, args: unknown[]) => unknown): F {
  return standIn(new Proxy(native, { apply: (_target, self, args) => apply(self, args) }), native);
}

/**
 * Replaces method `key` of `owner` (an own, configurable function property) by
 * a stand-in of it whose calls go to `apply(native, receiver, args)`, the
 * descriptor otherwise kept; returns the undo, which puts the native back
 * unless something replaced the stand-in since. No such method: nothing is
 * replaced and the undo does nothing.
 */
export function replaceMethod(
  owner: object,
  key: string,
  apply: (native: Function, self: unknown, args: unknown[]) => unknown,
): () => void {
  const desc = Object.getOwnPropertyDescriptor(owner, key);
  if (!desc || typeof desc.value !== 'function' || !desc.configurable) return () => {};
  const native = desc.value as Function;
  const stand = nativeLike(native, (self, args) => apply(native, self, args));
  Object.defineProperty(owner, key, { ...desc, value: stand });
  return () => {
    if (Object.getOwnPropertyDescriptor(owner, key)?.value === stand) Object.defineProperty(owner, key, desc);
  };
}

/** Patches this realm's Function.prototype.toString (once, however many hooks); returns its undo. */
export function installToString(): () => void {
  if (!installed) {
    const FP = Function.prototype;
    const desc = Object.getOwnPropertyDescriptor(FP, 'toString');
    if (!desc || typeof desc.value !== 'function' || !desc.configurable) return () => {};
    const native = desc.value as Function;
    const proxy = standIn(
      new Proxy(native, { apply: (target, self, args) => Reflect.apply(target, natives.get(self as object) ?? self, args) }),
      native,
    );
    Object.defineProperty(FP, 'toString', { ...desc, value: proxy });
    installed = {
      users: 0,
      restore() {
        // (only if nothing replaced it since: a page's own patch stays)
        if (Object.getOwnPropertyDescriptor(FP, 'toString')?.value === proxy) Object.defineProperty(FP, 'toString', desc);
      },
    };
  }
  const mine = installed;
  mine.users++;
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (--mine.users === 0 && installed === mine) {
      mine.restore();
      installed = null;
    }
  };
}
