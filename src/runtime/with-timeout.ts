/**
 * `p`, or a rejection (`<what> did not answer within <ms> ms`) if it has not settled by then. `p`
 * itself is not cancelled: use it where giving up waiting is enough (a queue that buffers commands
 * while Redis is away, a readiness probe), and an AbortSignal where the work itself must stop.
 */
export async function withTimeout<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what} did not answer within ${ms} ms`)) }, ms)
    // Never the reason the process stays up.
    timer.unref()
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}
