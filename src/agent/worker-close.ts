// A worker's own `close()`: the worker's agent (extension/page/worker.ts)
// installs this before the page's script runs, so a worker that closes itself
// says goodbye first (its last figures, then that it ended). After close()
// nothing more runs in the worker (no timer, no flush): what it says must go
// before the native call. The stand-in keeps the native's name, length,
// descriptor and toString (native-look.ts).
import { replaceMethod } from './native-look';

/** Replaces the scope's `close` (on its global's prototype chain) so `goodbye` runs first; returns the undo. */
export function watchClose(scope: typeof globalThis, goodbye: () => void): () => void {
  let owner: object | null = scope;
  for (let depth = 0; owner && depth < 8 && !Object.hasOwn(owner, 'close'); depth++) owner = Object.getPrototypeOf(owner) as object | null;
  if (!owner) return () => {};
  let said = false;
  return replaceMethod(owner, 'close', (native, self, args) => {
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
}
