/**
 * Thrown for any input the reader/rewriter does not fully understand. The
 * caller (page hooks) then instantiates the original bytes unchanged: a wrong
 * module must never be produced, so every unknown byte is an error, not a guess.
 */
export class InstrumentError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InstrumentError';
  }
}

export function fail(reason: string): never {
  throw new InstrumentError(reason);
}
