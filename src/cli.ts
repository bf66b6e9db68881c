#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import type { JSONWebKeySet, JWK } from 'jose'
import { runtimeFromEnv } from './runtime/runtime-options.js'
import { GATEWAY_ROLES, type GatewayRole } from './runtime/gateway-roles.js'
import { migrate } from './ledger/migrate.js'
import { serveGateway } from './server.js'
import { generatePrivateJwk, signingKeyOf, type SigningAlg } from './keys/signing-keys.js'
import { SM2_ALG, verifyCompact } from './keys/jws.js'
import { localKeySet, remoteKeySet } from './keys/key-sets.js'
import { platformSigner, signEnvelope } from './envelopes/sign-envelope.js'
import { mintToken } from './auth/mint-token.js'
import { createPool } from './ledger/pool.js'
import { resendDelivery } from './delivery/delivery-admin.js'
import { reconcileFromCli } from './reconcile/reconcile-cli.js'
import { ENVELOPE_ALGS, type EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import { runVerifyProof } from './transparency/verify-proof-command.js'
import { hashOf, statedHash, type ProofHash } from './canonical/proof-hash.js'
import { adminUserCommand } from './auth/admin-user-command.js'
import { verifyAuditCommand } from './audit/verify-audit-command.js'

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'))

/** Exit codes (README, "Command line"): 0 fine, 1 a finding or a proof that does not hold, 2 usage, 3 runtime. */
const EXIT = { ok: 0, finding: 1, usage: 2, runtime: 3 } as const
const exitWith = (code: number, msg: string): never => { process.stderr.write(`credit-gw: ${msg}\n`); process.exit(code) }
/** The command was called wrongly (a missing or malformed argument): 2. */
const usage = (msg: string): never => exitWith(EXIT.usage, msg)
/** The command could not do its work (database, Redis, a file, the network): 3. */
const fail = (msg: string): never => exitWith(EXIT.runtime, msg)
const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** What `demo/run-demo.ts` exports; named here so production code holds no reference to demo/. */
interface DemoModule { runDemo: (opts: { once: boolean }) => Promise<number> }

/**
 * The demo ships in a checkout only (demo/ is built but never copied into the production image), so
 * it is loaded on demand and the image answers without it.
 */
async function loadDemo (): Promise<DemoModule> {
  const demo = new URL('../demo/run-demo.js', import.meta.url)
  if (!existsSync(demo)) {
    return usage('the demo is not part of this installation (the production image ships the gateway only); ' +
      'run `npm run demo` from a checkout')
  }
  return await import(demo.href) as DemoModule
}

const program = new Command('credit-gw')
  .description('Yangtze River Delta credit gateway: signed envelope exchange between provincial credit platforms')
  .version(packageVersion(), '-V, --version', 'print the version (package.json) and exit')

program.command('serve').description('start the gateway (HTTP API, delivery workers, scheduled jobs)')
  .addOption(new Option('--role <role>', 'what this process runs: api (HTTP API), worker (relay, delivery, schedulers; ' +
    'health and metrics only on PORT) or all').choices(GATEWAY_ROLES).env('GW_ROLE').default('all'))
  .action(async (opts: { role: GatewayRole }) => { await serveGateway(opts.role) })

program.command('demo').description('start the gateway with four simulated provincial platforms and run the scenario')
  .option('--once', 'run the scenario once, print its steps and exit (non-zero if a step did not hold)')
  .action(async (opts: { once?: boolean }) => {
    const code = await (await loadDemo()).runDemo({ once: opts.once === true })
    process.exit(code)
  })

program.command('migrate').description('bring the ledger schema up to date (also done at start)')
  .action(async () => {
    const rt = runtimeFromEnv()
    const { from, to } = await migrate(rt.databaseUrl, rt.dbSchema)
    process.stdout.write(`ledger schema ${rt.dbSchema}: version ${from} -> ${to}\n`)
  })

program.command('resend').description('resend a dead, partial (its refused items alone) or delivered delivery: back to its queue, attempts reset, action recorded')
  .argument('<deliveryId>', 'the delivery id (GET /v1/deliveries or GET /v1/messages/{jti})')
  .option('--by <who>', 'who resends, for the record', `cli:${process.env.USER ?? 'unknown'}`)
  .action(async (id: string, opts: { by: string }) => {
    const rt = runtimeFromEnv()
    const pool = createPool(rt.databaseUrl, rt.dbSchema, 1)
    try {
      const r = await resendDelivery(pool, id, opts.by)
      process.stdout.write(`delivery ${r.id}: ${r.status} (a running gateway picks it up)\n`)
    } catch (err) {
      fail((err as Error).message)
    } finally {
      await pool.end()
    }
  })

program.command('reconcile').description('reconcile lists with their replica platforms now; stored like the API\'s runs (heal them with POST /v1/reconciliation/runs/{id}/heal)')
  .option('--owner <id>', 'the owner platform (default: every owner)')
  .option('--list <code>', 'the list code (default: every list)')
  .option('--platform <id>', 'one replica platform (default: every enabled platform but the owner)')
  .addOption(new Option('--method <method>', 'force a method').choices(['range', 'export']))
  .option('--findings', 'print every finding')
  .option('--by <who>', 'who runs it, for the record', `cli:${process.env.USER ?? 'unknown'}`)
  .action(async (opts: { owner?: string, list?: string, platform?: string, method?: 'range' | 'export', findings?: boolean, by: string }) => {
    try {
      process.exitCode = await reconcileFromCli(opts, (line) => { process.stdout.write(`${line}\n`) })
    } catch (err) {
      fail((err as Error).message)
    }
  })
program.command('keygen').description('print a new private JWK (for GW_SIGNING_KEY_FILE or a platform)')
  .addOption(new Option('--alg <alg>', 'signature algorithm').choices(['ES256', 'EdDSA', 'SM2-SM3', 'SM2']).default('ES256'))
  .option('--kid <kid>', 'key id')
  .action(async (opts: { alg: SigningAlg | 'SM2', kid?: string }) => {
    const alg = opts.alg === 'SM2' ? SM2_ALG : opts.alg
    process.stdout.write(JSON.stringify(await generatePrivateJwk(alg, opts.kid), null, 2) + '\n')
  })

program.command('sign').description('sign an envelope as a platform (prints the JWS)')
  .requiredOption('--key <file>', 'the platform\'s private JWK')
  .requiredOption('--iss <platform>', 'issuing platform id')
  .requiredOption('--kind <kind>', 'envelope kind, e.g. list.upsert')
  .requiredOption('--items <file>', 'JSON file holding the items array')
  .option('--jti <jti>', 'message id (default: random)')
  .option('--flattened', 'flattened JSON serialisation instead of compact')
  .action(async (
    opts: { key: string, iss: string, kind: EnvelopeKindV1, items: string, jti?: string, flattened?: boolean }
  ) => {
    const items = readJson(opts.items)
    if (!Array.isArray(items)) usage('--items must hold a JSON array')
    const signer = await platformSigner(opts.iss, readJson(opts.key) as JWK)
    const { jws } = await signEnvelope(signer, { kind: opts.kind, items: items as unknown[], jti: opts.jti }, opts.flattened === true ? 'flattened' : 'compact')
    process.stdout.write(jws + '\n')
  })

program.command('token').description('mint a short-lived bearer token for the read API (typ JWT; the gateway accepts JWT or at+jwt, never an envelope)')
  .requiredOption('--key <file>', 'private JWK of a platform or admin issuer')
  .requiredOption('--iss <id>', 'platform id or admin issuer id')
  .option('--sub <user>', 'the user (admin tokens)')
  .option('--lifetime <seconds>', 'lifetime in seconds', '300')
  .action(async (opts: { key: string, iss: string, sub?: string, lifetime: string }) => {
    const jwk = readJson(opts.key) as JWK
    const token = await mintToken(
      { kid: String(jwk.kid), ...(await signingKeyOf(jwk)) },
      opts.iss,
      { sub: opts.sub, lifetimeSeconds: Number(opts.lifetime) }
    )
    process.stdout.write(token + '\n')
  })

program.command('verify-receipt').description('verify a receipt offline against the gateway\'s JWK Set')
  .argument('<receipt>', 'the compact JWS receipt')
  .requiredOption('--jwks <fileOrUrl>', 'JWK Set file, or URL of /.well-known/jwks.json')
  .option('--envelope <file>', 'the envelope as sent, its exact bytes (a trailing newline counts): the receipt\'s digest must be theirs')
  .action(async (receipt: string, opts: { jwks: string, envelope?: string }) => {
    const keys = /^https?:/.test(opts.jwks)
      ? remoteKeySet(new URL(opts.jwks))
      : localKeySet(readJson(opts.jwks) as JSONWebKeySet)
    let verified: { kid: string | undefined, claims: { digest?: unknown, digestAlg?: ProofHash } }
    try {
      const { payload, protectedHeader } = await verifyCompact(receipt, keys, ENVELOPE_ALGS)
      const claims = JSON.parse(new TextDecoder().decode(payload)) as typeof verified.claims
      verified = { kid: protectedHeader.kid, claims }
    } catch (err) {
      return exitWith(EXIT.finding, `receipt does not verify: ${(err as Error).message}`)
    }
    let envelope: { digest: 'matches', digestAlg: ProofHash } | undefined
    if (opts.envelope !== undefined) {
      const alg = statedHash(verified.claims.digestAlg)
      if (hashOf(alg, readFileSync(opts.envelope)).toString('base64url') !== verified.claims.digest) {
        exitWith(EXIT.finding, `the receipt's digest is not the ${alg} of ${opts.envelope}: not the envelope it was given for`)
      }
      envelope = { digest: 'matches', digestAlg: alg }
    }
    process.stdout.write(JSON.stringify({ valid: true, ...verified, ...(envelope === undefined ? {} : { envelope }) }, null, 2) + '\n')
  })

program.command('verify-proof').description('verify a signed checkpoint and an inclusion or consistency proof offline (exit 0 if it holds, 1 if not)')
  .requiredOption('--jwks <fileOrUrl>', 'JWK Set file, or URL of /.well-known/jwks.json')
  .option('--checkpoint <jwsOrFile>', 'the checkpoint (compact JWS, or a file with it or a checkpoint answer); default: the one the proof carries')
  .option('--inclusion <file>', 'an inclusion proof answer (GET /v1/transparency/logs/{owner}/{listCode}/inclusion)')
  .option('--item <file>', 'the entry\'s item as published or received: its content must be what the leaf commits to (a v2 leaf needs the proof\'s salt)')
  .option('--consistency <file>', 'a consistency proof answer (GET /v1/transparency/logs/{owner}/{listCode}/consistency)')
  .option('--old-checkpoint <jwsOrFile>', 'the older checkpoint you stored (with --consistency)')
  .action(async (
    opts: {
      jwks: string, checkpoint?: string, inclusion?: string, item?: string, consistency?: string, oldCheckpoint?: string
    }
  ) => {
    const result = await runVerifyProof(opts)
    if (result.ok) process.stdout.write(`valid: ${result.message}\n`)
    else process.stderr.write(`credit-gw: proof does not hold: ${result.message}\n`)
    process.exit(result.ok ? EXIT.ok : EXIT.finding)
  })
program.addCommand(adminUserCommand())
program.addCommand(verifyAuditCommand())

// Commander exits 1 on a usage error by default; every command here exits 2 instead (0 for --help, --version).
const throwOnUsage = (cmd: Command): void => { cmd.exitOverride(); cmd.commands.forEach(throwOnUsage) }
throwOnUsage(program)
program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage)
  fail((err as Error).message)
})
