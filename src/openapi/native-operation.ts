import { STATUS_DESCRIPTIONS } from './finish-document.js'
import type { OperationExtras } from './openapi-options.js'

type Json = Record<string, unknown>

/** A body in a media type: JSON ones are objects, the rest (CSV, XML) text. */
const schemaOf = (type: string): Json => type.includes('json')
  ? { type: 'object', description: 'In the platform\'s own format' }
  : { type: 'string', description: 'In the platform\'s own format' }

/**
 * What the document says of a native route: the media types it reads, and that it answers (and
 * refuses) in its adapter's one format, described in the adapter's README rather than as schemas.
 */
export function nativeOperation (
  adapter: string, consumes: readonly string[] | undefined, answerType: string
): OperationExtras {
  const mediaType = answerType.split(';')[0]?.trim() ?? answerType
  const answer = (description: string): Json => ({
    description, content: { [mediaType]: { schema: schemaOf(mediaType) } }
  })
  return {
    ...(consumes === undefined || consumes.length === 0
      ? {}
      : {
          requestBody: {
            required: true,
            description: `The platform's message (adapters/${adapter}/README.md)`,
            content: Object.fromEntries(consumes.map((t) => [t, { schema: schemaOf(t) }]))
          }
        }),
    responses: {
      200: answer(`The platform's own answer (adapters/${adapter}/README.md)`),
      '4XX': answer(STATUS_DESCRIPTIONS['4XX'] ?? ''),
      '5XX': answer(STATUS_DESCRIPTIONS['5XX'] ?? '')
    }
  }
}
