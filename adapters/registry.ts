import type { AdapterFactory, InboundFactory } from './types.js'
import { createAhXmlAdapter } from './ah-xml/ah-xml-adapter.js'
import { ahXmlInbound } from './ah-xml/ah-xml-inbound.js'
import { createJsBatchAdapter } from './js-batch/js-batch-adapter.js'
import { jsBatchInbound } from './js-batch/js-batch-inbound.js'
import { createShRestAdapter } from './sh-rest/sh-rest-adapter.js'
import { shRestInbound } from './sh-rest/sh-rest-inbound.js'
import { createYrdPushAdapter } from './yrd-push/yrd-push-adapter.js'
import { createZjPullAdapter } from './zj-pull/zj-pull-adapter.js'

/** Every adapter the gateway knows, by the name platform config files use in `adapter`. */
export const ADAPTERS: Readonly<Record<string, AdapterFactory>> = {
  'yrd-push': createYrdPushAdapter,
  'sh-rest': createShRestAdapter,
  'js-batch': createJsBatchAdapter,
  'ah-xml': createAhXmlAdapter,
  'zj-pull': createZjPullAdapter
}

export function adapterFactory (name: string): AdapterFactory {
  const factory = ADAPTERS[name]
  if (factory === undefined) throw new Error(`unknown adapter "${name}" (known: ${Object.keys(ADAPTERS).join(', ')})`)
  return factory
}

/** The inbound side of the adapters that have one (native publication into the gateway), by adapter name. */
export const INBOUND: Readonly<Record<string, InboundFactory>> = {
  'sh-rest': shRestInbound,
  'js-batch': jsBatchInbound,
  'ah-xml': ahXmlInbound
}

/** The inbound factory of an adapter, or undefined when its platform cannot publish natively. */
export function inboundFactory (name: string): InboundFactory | undefined {
  return INBOUND[name]
}
