import { Type, type Static } from '@sinclair/typebox'

/** One invalid item of an envelope. */
export const ItemErrorV1 = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'Index of the item in `items`' }),
  path: Type.String({ description: 'JSON pointer inside the item' }),
  code: Type.String(),
  detail: Type.String()
}, { title: 'ItemErrorV1' })
export type ItemErrorV1 = Static<typeof ItemErrorV1>

/** Every error the gateway answers: RFC 9457 problem details with a stable `code`. */
export const ProblemV1 = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String({ description: 'Stable machine-readable error code' }),
  instance: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String({
    description: 'The request\'s id (echoed in X-Request-Id, in every log line of the request): quote it when reporting a problem'
  })),
  errors: Type.Optional(Type.Array(ItemErrorV1))
}, { $id: 'ProblemV1' })
export type ProblemV1 = Static<typeof ProblemV1>
