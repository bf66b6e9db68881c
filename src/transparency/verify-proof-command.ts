import { readFileSync } from 'node:fs'
import type { ConsistencyProofV1, InclusionProofV1 } from '../../contracts/transparency-v1.js'
import { verifyProof, type VerifyProofResult } from './verify-proof.js'

/** The options of `credit-gw verify-proof`, as given on the command line. */
export interface VerifyProofOptions {
  jwks: string
  checkpoint?: string
  inclusion?: string
  item?: string
  consistency?: string
  oldCheckpoint?: string
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

function readJson (file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err })
  }
}

/** A checkpoint given as a compact JWS, a file holding one, or a file holding an API answer with `checkpoint`. */
function checkpointArg (arg: string, what: string): string {
  if (COMPACT_JWS.test(arg.trim())) return arg.trim()
  let text: string
  try {
    text = readFileSync(arg, 'utf8').trim()
  } catch (err) {
    throw new Error(`cannot read ${what} ${arg}: ${(err as Error).message}`, { cause: err })
  }
  if (COMPACT_JWS.test(text)) return text
  try {
    const answer = JSON.parse(text) as { checkpoint?: unknown }
    if (typeof answer.checkpoint === 'string') return answer.checkpoint
  } catch {}
  throw new Error(`${what} ${arg} holds neither a compact JWS nor an answer with "checkpoint"`)
}

/**
 * `credit-gw verify-proof`: reads the files, then checks the checkpoint's signature and the
 * proofs offline. The (newer) checkpoint defaults to the one an inclusion or consistency answer carries.
 */
export async function runVerifyProof (opts: VerifyProofOptions): Promise<VerifyProofResult> {
  try {
    const inclusion = opts.inclusion === undefined ? undefined : readJson(opts.inclusion, 'inclusion proof') as InclusionProofV1
    const consistency = opts.consistency === undefined ? undefined : readJson(opts.consistency, 'consistency proof') as ConsistencyProofV1
    const item = opts.item === undefined ? undefined : readJson(opts.item, 'item')
    const embedded = inclusion?.checkpoint ?? consistency?.secondCheckpoint ?? undefined
    const checkpoint = opts.checkpoint === undefined ? embedded : checkpointArg(opts.checkpoint, 'checkpoint')
    if (checkpoint === undefined || checkpoint === null) throw new Error('no checkpoint: give --checkpoint (or a proof that carries one)')
    if (inclusion === undefined && consistency === undefined && opts.item !== undefined) throw new Error('--item needs --inclusion')
    // The older checkpoint must be the one the platform kept: one served with the proof proves nothing.
    if (consistency !== undefined && opts.oldCheckpoint === undefined) throw new Error('--consistency needs --old-checkpoint (the checkpoint you stored)')
    const oldCheckpoint = opts.oldCheckpoint === undefined ? undefined : checkpointArg(opts.oldCheckpoint, 'old checkpoint')
    return await verifyProof({ jwks: opts.jwks, checkpoint, inclusion, item, consistency, oldCheckpoint })
  } catch (err) {
    return { ok: false, message: (err as Error).message }
  }
}
