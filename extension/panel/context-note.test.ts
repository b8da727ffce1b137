import { describe, expect, it } from 'vitest';
import { contextLabel } from './store';
import { SHARED_WORKER_NOTE, contextNote } from './context-note';

describe('contextNote', () => {
  const label = (kind: string, name = '') => contextLabel({ url: 'https://example.test/w/shared.js?v=1', context: { kind, name } });

  it('notes shared workers, classic and module, named or not', () => {
    expect(label('shared worker', 'counter')).toBe('shared worker shared.js “counter”');
    expect(contextNote(label('shared worker', 'counter'))).toBe(SHARED_WORKER_NOTE);
    expect(contextNote(label('module shared worker'))).toBe(SHARED_WORKER_NOTE);
  });

  it('says nothing of dedicated workers, the page, or a worker merely named like one', () => {
    expect(contextNote(label('worker', 'shared worker x'))).toBe('');
    expect(contextNote(label('module worker'))).toBe('');
    expect(contextNote('')).toBe('');
  });
});
