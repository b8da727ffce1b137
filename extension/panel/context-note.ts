// What the panel says of a hooked context beyond its label (store.ts
// contextLabel: "<kind> <file> “<name>”"). A SharedWorker is hooked for the
// recorded tab alone (src/agent/shared-worker-hook.ts): a fact of that
// context, said beside its modules rather than listed as an error.
import type { EndedHow } from '../../src/protocol';

export const SHARED_WORKER_NOTE = 'hooked for this tab — other tabs that open it get their own copy while this site is recorded';

/** The note for a context label, '' when it has none. */
export function contextNote(label: string): string {
  return label.startsWith('shared worker ') || label.startsWith('module shared worker ') ? SHARED_WORKER_NOTE : '';
}

/** What the panel says of a worker context that ended (EndedMsg.how), beside its modules and in a comparison. */
export function endedText(how: EndedHow): string {
  if (how === 'unloaded') return 'ended (its document went away)';
  if (how === 'terminated-by-worker') return 'ended (terminated by the worker that started it)';
  return how === 'terminated' ? 'ended (terminated by the page)' : 'ended (closed itself)';
}
