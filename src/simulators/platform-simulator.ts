import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { JWK } from 'jose'
import { generatePrivateJwk, publicPart, type PublicJwk, type SigningAlg } from '../keys/signing-keys.js'
import { platformSigner, signEnvelope, type EnvelopeInput, type PlatformSigner } from '../envelopes/sign-envelope.js'
import { digestOf } from '../envelopes/parse-jws.js'

/** What a simulated platform got from the gateway. */
export interface ReceivedDelivery {
  at: string
  contentType: string
  body: string
}

export interface PostResult { status: number, body: unknown, jti: string, jws: string }

/**
 * A simulated provincial platform: a real HTTP server with its own signing key. It serves its JWK
 * Set, answers health checks, keeps every delivery it receives (answering the reference receipt
 * `{ jti, digest }`), and publishes signed envelopes into the gateway.
 */
export interface SimulatedPlatform {
  id: string
  url: string
  signer: PlatformSigner
  privateJwk: JWK
  jwks: { keys: PublicJwk[] }
  received: ReceivedDelivery[]
  publish: (gatewayUrl: string, input: EnvelopeInput, serialisation?: 'compact' | 'flattened') => Promise<PostResult>
  close: () => Promise<void>
}

async function readBody (req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** POSTs a signed envelope to the gateway and returns its answer. */
export async function postEnvelope (gatewayUrl: string, jws: string, serialisation: 'compact' | 'flattened' = 'compact'): Promise<{ status: number, body: unknown }> {
  const res = await fetch(`${gatewayUrl}/v1/envelopes`, {
    method: 'POST',
    headers: { 'content-type': serialisation === 'compact' ? 'application/jose' : 'application/jose+json' },
    body: jws
  })
  const text = await res.text()
  let body: unknown = text
  try { body = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, body }
}

export async function startSimulatedPlatform (opts: { id: string, port?: number, host?: string, alg?: SigningAlg }): Promise<SimulatedPlatform> {
  const privateJwk = await generatePrivateJwk(opts.alg ?? 'ES256', `${opts.id.toLowerCase()}-key-1`)
  const signer = await platformSigner(opts.id, privateJwk)
  const jwks = { keys: [publicPart(privateJwk)] }
  const received: ReceivedDelivery[] = []

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') { send(200, jwks); return }
    if (req.method === 'GET' && req.url === '/health') { send(200, { status: 'ok', platform: opts.id }); return }
    if (req.method === 'POST' && req.url === '/yrd/v1/deliveries') {
      readBody(req).then((body) => {
        const text = body.toString('utf8')
        received.push({ at: new Date().toISOString(), contentType: req.headers['content-type'] ?? '', body: text })
        let jti = ''
        try { jti = String(JSON.parse(Buffer.from(text.split('.')[1] ?? '', 'base64url').toString('utf8')).jti) } catch { /* answered below */ }
        send(200, { jti, digest: digestOf(body) })
      }, () => { send(400, { error: 'unreadable body' }) })
      return
    }
    send(404, { error: 'not found' })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => { resolve() })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    id: opts.id,
    url: `http://127.0.0.1:${port}`,
    signer,
    privateJwk,
    jwks,
    received,
    publish: async (gatewayUrl, input, serialisation = 'compact') => {
      const { jws, jti } = await signEnvelope(signer, input, serialisation)
      return { ...(await postEnvelope(gatewayUrl, jws, serialisation)), jti, jws }
    },
    close: async () => await new Promise<void>((resolve) => { server.close(() => { resolve() }); server.closeAllConnections() })
  }
}
