// A small deterministic PRNG (xorshift32) for randomized tests and benchmarks:
// the same seed gives the same sequence, so a failure replays.

/** Uniform u32 values (never 0) from `seed`. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Uniform floats in [0, 1) from `seed`: rng(seed) / 2^32. */
export function rngFloat(seed: number): () => number {
  const next = rng(seed);
  return () => next() / 2 ** 32;
}
