/**
 * The variables that move a test's clock (scripts/faked-clock.sh: libfaketime), for a child process a
 * test starts with an environment of its own: without them the child runs on the real clock while the
 * test signs on the faked one, and their clocks disagree (tokens and envelopes out of the clock skew).
 */
export function clockEnv (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const names = ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC']
  return Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]]))
}
