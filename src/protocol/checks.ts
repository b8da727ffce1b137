// Checks of untrusted JSON, shared by the page-message validator
// (validate.ts) and the recording import (extension/panel/recording.ts). Each
// returns the value with its type or throws ProtocolError naming the field.
import { LIMITS } from './version';

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export type Obj = Record<string, unknown>;

export function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ProtocolError(`${what}: not an object`);
  return x as Obj;
}
export function num(o: Obj, k: string, min = -Infinity, max = Infinity): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new ProtocolError(`field ${k}: expected a number in [${min}, ${max}]`);
  }
  return v;
}
export function int(o: Obj, k: string, min = -(2 ** 53), max = 2 ** 53): number {
  const v = num(o, k, min, max);
  if (!Number.isInteger(v)) throw new ProtocolError(`field ${k}: expected an integer`);
  return v;
}
export function str(o: Obj, k: string, max: number = LIMITS.maxStringChars): string {
  const v = o[k];
  if (typeof v !== 'string') throw new ProtocolError(`field ${k}: expected a string`);
  if (v.length > max) throw new ProtocolError(`field ${k}: string longer than ${max}`);
  return v;
}
export function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new ProtocolError(`field ${k}: expected a boolean`);
  return v;
}
export function arr<T>(o: Obj, k: string, max: number, each: (x: unknown) => T): T[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new ProtocolError(`field ${k}: expected an array`);
  if (v.length > max) throw new ProtocolError(`field ${k}: more than ${max} items`);
  return v.map(each);
}
export function oneOf<T extends string>(o: Obj, k: string, values: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new ProtocolError(`field ${k}: expected one of ${values.join(', ')}`);
  }
  return v as T;
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function b64(o: Obj, k: string): string {
  const v = str(o, k, LIMITS.maxMessageChars);
  if (v.length % 4 !== 0 || !BASE64.test(v)) throw new ProtocolError(`field ${k}: not base64`);
  return v;
}

/** Largest u32: bound of ids, addresses and offsets. */
export const U32 = 0xffff_ffff;

/** Runs `check`, prefixing the message of a ProtocolError with where it happened (`frames[2]: field …`). */
export function within<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ProtocolError) throw new ProtocolError(`${where}: ${error.message}`);
    throw error;
  }
}
