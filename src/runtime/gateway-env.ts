import { Type, type Static, type TSchema } from '@sinclair/typebox'
import envSchema from 'env-schema'
import { secretFromEnv } from './secret-file.js'
import { GATEWAY_ROLES, type GatewayRole } from './gateway-roles.js'

/**
 * The variables that carry a secret. Each may also be given as `<NAME>_FILE` naming a file that holds
 * it (secretFromEnv); the README's table lists both forms.
 */
const secretVariables = {
  DATABASE_URL: Type.String({ minLength: 1, default: 'postgres://postgres@127.0.0.1:5432/postgres', description: 'PostgreSQL connection string (it may carry a password)' }),
  REDIS_URL: Type.String({ minLength: 1, default: 'redis://127.0.0.1:6379', description: 'Redis connection string (it may carry a password)' }),
  GW_SIGNING_KEY: Type.Optional(Type.String({ minLength: 1, description: 'The gateway\'s private signing key: a JWK or a JWK Set (JSON), active key first; required in production' })),
  GW_SESSION_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'Key of the admin session cookie\'s signature, at least 32 characters; required in production' })),
  GW_ID_HASH_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Keys fingerprinting subject identifiers: <kid>:<secret>, current first, comma-separated; required in production' })),
  GW_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 1, description: 'Bearer token a Prometheus scrape sends when gateway.json metricsAccess is token' })),
  DATABASE_LISTEN_URL: Type.Optional(Type.String({ minLength: 1, description: 'Where the outbox relay LISTENs (a session: not through PgBouncer in transaction mode); default DATABASE_URL' })),
  REDIS_SENTINEL_PASSWORD: Type.Optional(Type.String({ minLength: 1, description: 'Password of the Redis Sentinels' }))
}

const ON_OFF = ['on', 'off', 'true', 'false', '1', '0'] as const
type OnOff = typeof ON_OFF[number]

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
type LogLevel = typeof LOG_LEVELS[number]

const plainVariables = {
  NODE_ENV: Type.Optional(Type.String({ description: 'production turns on the production checks (every secret required, https key sets, secure cookies)' })),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'Port to listen on (0: any free port)' }),
  LOG_LEVEL: Type.Unsafe<LogLevel>({ type: 'string', enum: [...LOG_LEVELS], default: 'info', description: 'pino log level' }),
  GW_CONFIG_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Config folder (platforms/, gateway.json, admins.json, registries/, calendars/); default: the committed config/' })),
  GW_ID: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', default: 'YRD', description: 'The gateway\'s own id (iss of what it signs, aud of what it accepts): YRD, or another deployment\'s, such as a peer national gateway (CN)' }),
  GW_DB_SCHEMA: Type.String({ minLength: 1, default: 'yrd_gateway', description: 'PostgreSQL schema of the ledger' }),
  GW_REDIS_PREFIX: Type.String({ minLength: 1, default: 'yrd', description: 'Prefix of every Redis key and queue' }),
  GW_DB_POOL_SIZE: Type.Integer({ minimum: 1, default: 20, description: 'Connections in the ledger\'s pool' }),
  GW_ROLE: Type.Unsafe<GatewayRole>({ type: 'string', enum: [...GATEWAY_ROLES], default: 'all', description: 'What this process runs: api, worker or all (serve --role overrides it)' }),
  GW_OUTBOX_LISTEN: Type.Optional(Type.Unsafe<OnOff>({ type: 'string', enum: [...ON_OFF], description: 'off: the outbox relay only polls, every relayIntervalMs (default on: it also LISTENs)' })),
  GW_QUEUE_HASH_TAG: Type.Optional(Type.Unsafe<OnOff>({ type: 'string', enum: [...ON_OFF], description: 'on: queue keys under {<GW_REDIS_PREFIX>}:bull, one hash slot (Redis Cluster); default off' })),
  REDIS_SENTINELS: Type.Optional(Type.String({ minLength: 1, description: 'Reach Redis through Sentinel: host:port of each sentinel, comma-separated' })),
  REDIS_SENTINEL_NAME: Type.String({ minLength: 1, default: 'mymaster', description: 'Name of the master the sentinels watch' }),
  REDIS_CLUSTER_NODES: Type.Optional(Type.String({ minLength: 1, description: 'Reach a Redis Cluster: host:port of seed nodes, comma-separated (queue keys then hash-tagged)' }))
}

/** Every environment variable the gateway reads (platform adapter secrets aside: platformSecrets). */
export const GatewayEnv = Type.Object({ ...plainVariables, ...secretVariables })
export type GatewayEnvValues = Static<typeof GatewayEnv>

/** The names that may also come as `<NAME>_FILE`. */
export const SECRET_VARIABLES: ReadonlyArray<keyof typeof secretVariables> =
  Object.keys(secretVariables) as Array<keyof typeof secretVariables>

/** The schema of one variable, for the README's table and its test. */
export const variableSchema = (name: string): TSchema | undefined =>
  (GatewayEnv.properties as Record<string, TSchema>)[name]

interface AjvError { instancePath: string, message?: string, params: Record<string, unknown> }

/** One line per problem, each naming its variable (never showing a secret's value). */
function describe (errors: AjvError[], raw: Readonly<Record<string, string | undefined>>): string {
  const lines = errors.filter((e) => e.instancePath !== '').map((e) => {
    const name = e.instancePath.slice(1).split('/')[0] as string
    const shown = (SECRET_VARIABLES as readonly string[]).includes(name) ? '' : ` (got ${JSON.stringify(raw[name])})`
    const allowed = Array.isArray(e.params.allowedValues) ? `: ${e.params.allowedValues.join(', ')}` : ''
    return `${name} ${e.message ?? 'is invalid'}${allowed}${shown}`
  })
  return [...new Set(lines)].join('; ')
}

/**
 * Reads the environment through {@link GatewayEnv}: secrets resolved from `<NAME>` or `<NAME>_FILE`,
 * an empty variable counted as not set (so `PORT=` takes the default rather than port 0), numbers
 * checked, defaults filled in. Throws one error naming every variable that does not hold.
 */
export function readGatewayEnv (env: Readonly<Record<string, string | undefined>> = process.env): GatewayEnvValues {
  const data: Record<string, string> = {}
  for (const name of Object.keys(GatewayEnv.properties)) {
    const value = (SECRET_VARIABLES as readonly string[]).includes(name) ? secretFromEnv(env, name) : env[name]
    if (value !== undefined && value !== '') data[name] = value
  }
  try {
    return envSchema<GatewayEnvValues>({ schema: structuredClone(GatewayEnv), data, env: false, dotenv: false })
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors
    if (errors === undefined) throw err
    throw new Error(`environment: ${describe(errors, env)}`, { cause: err })
  }
}
