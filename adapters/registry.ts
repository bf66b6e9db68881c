import type { AdapterFactory } from './types.js'
import { createAhXmlAdapter } from './ah-xml/ah-xml-adapter.js'
import { createJsBatchAdapter } from './js-batch/js-batch-adapter.js'
import { createShRestAdapter } from './sh-rest/sh-rest-adapter.js'
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
