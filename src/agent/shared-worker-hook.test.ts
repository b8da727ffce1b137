import { describe, expect, it } from 'vitest';
import { type FirstRunError, MAX_SHARED, SharedWorkerTable, sharedWorkerIsModule, sharedWorkerName } from './shared-worker-hook';

describe('the name and type a SharedWorker constructor reads', () => {
  it('takes a string, an options object, or nothing', () => {
    expect(sharedWorkerName('counter')).toBe('counter');
    expect(sharedWorkerName({ name: 'counter', type: 'module' })).toBe('counter');
    expect(sharedWorkerName(undefined)).toBe('');
    expect(sharedWorkerName(null)).toBe('');
    expect(sharedWorkerName({})).toBe('');
    expect(sharedWorkerName(5)).toBe('5');
    expect(sharedWorkerName({ name: 7 })).toBe('7');
    expect(sharedWorkerIsModule({ type: 'module' })).toBe(true);
    expect(sharedWorkerIsModule({ type: 'classic' })).toBe(false);
    expect(sharedWorkerIsModule('module')).toBe(false);
  });

  it('is null where reading the options throws (the native constructor throws then too)', () => {
    const hostile = {
      get name(): string {
        throw new Error('no');
      },
    };
    expect(sharedWorkerName(hostile)).toBeNull();
    expect(sharedWorkerName(Symbol('s'))).toBeNull();
    expect(
      sharedWorkerIsModule({
        get type(): string {
          throw new Error('no');
        },
      }),
    ).toBe(false);
  });
});

describe('SharedWorkerTable', () => {
  const make = () => {
    const errors: object[] = [];
    const threw: unknown[] = [];
    const revoked: string[] = [];
    const table = new SharedWorkerTable((b) => revoked.push(b));
    // Each object's error is fired by its own frame's hook: here, recorded.
    const fire = (w: object, t: FirstRunError | null) => {
      errors.push(w);
      threw.push(t);
    };
    const constructed = (url: string, name: string, w: object) => table.constructed(url, name, w, fire);
    return { errors, threw, revoked, table, constructed };
  };

  it('gives the same blob for the same (URL, name), another for another name', () => {
    const { table } = make();
    table.add('https://a.test/s.js', 'one', 'blob:1', 't1');
    expect(table.get('https://a.test/s.js', 'one')).toMatchObject({ blob: 'blob:1', token: 't1' });
    expect(table.get('https://a.test/s.js', 'two')).toBeUndefined();
    expect(table.get('https://a.test/t.js', 'one')).toBeUndefined();
  });

  it('a load failure fires error on each object of that worker, forgets it and revokes its blob', () => {
    const { table, errors, revoked, threw, constructed } = make();
    const a = {};
    const b = {};
    const other = {};
    table.add('https://a.test/s.js', '', 'blob:1', 't1');
    table.add('https://a.test/u.js', '', 'blob:2', 't2');
    constructed('https://a.test/s.js', '', a);
    constructed('https://a.test/s.js', '', b);
    constructed('https://a.test/u.js', '', other);
    table.receive({ from: 't1', failed: 'not loaded' });
    expect(errors).toEqual([a, b]);
    expect(threw).toEqual([null, null]);
    expect(revoked).toEqual(['blob:1']);
    expect(table.get('https://a.test/s.js', '')).toBeUndefined();
    expect(table.get('https://a.test/u.js', '')?.blob).toBe('blob:2');
    // Channel messages are untrusted: unknown tokens and other shapes do nothing.
    table.receive({ from: 't1', failed: 'not loaded' });
    table.receive({ from: 't2', failed: true });
    table.receive({ from: 't2', failed: 1 });
    table.receive({ from: 'nobody', failed: 'threw' });
    table.receive(null);
    table.receive('t2');
    expect(errors).toEqual([a, b]);
  });

  it('a script that threw fires error on the objects connected by then, and the worker stays (it runs on, natively too)', () => {
    const { table, errors, revoked, threw, constructed } = make();
    const a = {};
    const later = {};
    table.add('https://a.test/s.js', 'n', 'blob:1', 't1');
    constructed('https://a.test/s.js', 'n', a);
    table.receive({ from: 't1', failed: 'threw', message: 'Uncaught Error: boom', filename: 'https://a.test/s.js', lineno: 2, colno: 3 });
    constructed('https://a.test/s.js', 'n', later);
    expect(errors).toEqual([a]);
    expect(threw).toEqual([{ message: 'Uncaught Error: boom', filename: 'https://a.test/s.js', lineno: 2, colno: 3 }]);
    expect(revoked).toEqual([]);
    expect(table.get('https://a.test/s.js', 'n')?.blob).toBe('blob:1');
  });

  it('bounds what an untrusted message says', () => {
    const { table, threw, constructed } = make();
    table.add('https://a.test/s.js', '', 'blob:1', 't1');
    constructed('https://a.test/s.js', '', {});
    table.receive({ from: 't1', failed: 'threw', message: 'x'.repeat(20_000), filename: 5, lineno: -1, colno: 1.5 });
    expect(threw).toEqual([{ message: 'x'.repeat(10_000), filename: '', lineno: 0, colno: 0 }]);
  });

  it('is full at MAX_SHARED pairs', () => {
    const { table } = make();
    for (let i = 0; i < MAX_SHARED - 1; i++) table.add(`https://a.test/${i}.js`, '', `blob:${i}`, `t${i}`);
    expect(table.full).toBe(false);
    table.add('https://a.test/last.js', '', 'blob:last', 'tl');
    expect(table.full).toBe(true);
  });
});
