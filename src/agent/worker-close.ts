// A worker's own `close()`: the worker's agent (extension/page/worker.ts)
// installs this before the page's script runs, so a worker that closes itself
// says goodbye first (its last figures, then that it ended). After close()
// nothing more runs in the worker (no timer, no flush): what it says must go
// before the native call. The stand-in keeps the native's name, length,
// descriptor and toString (native-look.ts).
import { nativeLike } from './native-look';

/** Replaces the scope's `close` (on its global's prototype chain) so `goodbye` runs first; returns the undo. */
export function watchClose(scope: typeof globalThis, goodbye: () => void): () => void {
  let proto: object | null = scope;
  let desc: PropertyDescriptor | undefined;
  for (let depth = 0; proto && depth < 8; depth++) {
    desc = Object.getOwnPropertyDescriptor(proto, 'close');
    if (desc) break;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (!proto || !desc || typeof desc.value !== 'function' || !desc.configurable) return () => {};
  const owner = proto;
  const native = desc.value as Function;
  let said = false;
  const stand = nativeLike(native, (self, args) => {
    if (self === scope && !said) {
      said = true;
      try {
        goodbye();
      } catch {
        /* the page's close() still closes */
      }
    }
    return Reflect.apply(native, self, args);
  });
  Object.defineProperty(owner, 'close', { ...desc, value: stand });
  const original = desc;
  return () => {
    if (Object.getOwnPropertyDescriptor(owner, 'close')?.value === stand) Object.defineProperty(owner, 'close', original);
  };
}
