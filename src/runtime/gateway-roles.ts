/** What one gateway process runs (README "Scaling"): the HTTP API, the background work, or both. */
export const GATEWAY_ROLES = ['all', 'api', 'worker'] as const
export type GatewayRole = typeof GATEWAY_ROLES[number]
