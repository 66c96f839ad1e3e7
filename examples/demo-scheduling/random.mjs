// Seeded random numbers: xorshift32 (Marsaglia, "Xorshift RNGs", Journal of Statistical Software,
// 2003). A few lines, and the same sequence for the same seed in every JavaScript engine, so the
// job set is the same on every run. Plain JavaScript because the worker threads use it too.

/**
 * A generator of numbers in [0, 1), the same sequence for the same seed.
 * @param {number} seed
 * @returns {() => number}
 */
export function xorshift32(seed) {
  let x = seed >>> 0 || 0x9e3779b9 // xorshift must not start at 0
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 0x1_0000_0000
  }
}
