import { useEffect, useState } from 'preact/hooks';
import type { Store } from './store';

/** Re-renders the caller when the store changes (at most once per frame). */
export function useStore(store: Store): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), [store]);
  return version;
}
