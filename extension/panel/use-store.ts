import { useEffect, useState } from 'preact/hooks';
import type { Store } from './store';

/** Re-renders the caller when the store changes (at most once per frame). */
export function useStore(store: Store): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    const off = store.subscribe(() => setVersion(store.version));
    // Messages that arrived between the first render and this effect would
    // otherwise be missed until the next change.
    setVersion(store.version);
    return off;
  }, [store]);
  return version;
}
