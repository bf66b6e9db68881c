/**
 * Exponential backoff with full jitter (the delay of attempt n is drawn from [d/2, d] where
 * d = min(cap, base · 2^(n−1))), so that many deliveries failing together do not retry together.
 */
export function jitteredBackoff (
  attemptsMade: number, baseMs: number, capMs: number, random: () => number = Math.random
): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attemptsMade - 1))
  return Math.round(exp / 2 + random() * (exp / 2))
}
