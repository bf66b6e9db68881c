import t from 'tap'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import { postAhMessage, sealAhPublication } from '../../sim/ah-xml-publisher.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { post, refusedUnparsed } from '../helpers/hostile-post.js'

const secrets = newAhSecrets()
const MiB = 1024 * 1024
const RECEIVE = '/v1/native/AH/ahxy/gateway/receive'

async function start (t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  return await startHarness(t, {
    listen: true,
    platformSecrets: { AH: secrets },
    platformOverrides: (p) => p.id === 'AH' ? { ...p, adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive' } : p
  })
}

/** Hostile `<AHXY>` bodies of about `bytes` bytes: what a general XML parser takes seconds over. */
function hostile (bytes: number): Record<string, string> {
  const head = '<?xml version="1.0" encoding="UTF-8"?><AHXY>'
  const fill = (unit: string, close = ''): string => head + unit.repeat(Math.floor((bytes - head.length - close.length - 7) / unit.length)) + close + '</AHXY>'
  const depth = Math.floor((bytes - head.length - 7) / 7)
  return {
    'many elements': fill('<a>1</a>'),
    'deep nesting': head + '<a>'.repeat(depth) + '</a>'.repeat(depth) + '</AHXY>',
    'one huge field': fill('x', '').replace('<AHXY>x', '<AHXY><BT><XXID>x').replace(/x<\/AHXY>$/, 'x</XXID></BT></AHXY>'),
    'entities in ZT': head + '<BT><XXID>x</XXID></BT><ZT>' + '&amp;'.repeat(Math.floor((bytes - head.length - 60) / 5)) + '</ZT></AHXY>'
  }
}

/**
 * What the bounded reader says of each hostile message under the route's limit (4 MiB): a limit of
 * the envelope's fixed shape, or, for ZT (raw base64, bounded by the body limit), the header it lacks;
 * as the receipt's XX carries it (escaped).
 */
const REFUSALS: Record<string, string> = {
  'many elements': 'more than 16 elements',
  'deep nesting': 'elements nested deeper than 3',
  'one huge field': 'text of &lt;XXID&gt; longer than 256 characters',
  'entities in ZT': 'BT.XXLX is missing'
}

t.test('a hostile body is refused by the bounded reader, never given to the XML parser, /healthz answering', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const send = (body: string) => async () =>
    await post(gw, RECEIVE, { 'content-type': 'application/xml; charset=utf-8' }, Buffer.from(body, 'latin1'))
  const big = hostile(8 * MiB - 64)
  for (const what of ['many elements', 'deep nesting'] as const) {
    const r = await refusedUnparsed(t, gw, `${what} (8 MiB)`, send(big[what] ?? ''))
    // Over the limit the gateway may close the connection before the answer gets through.
    if (r.status !== 0) {
      t.ok([400, 413].includes(r.status), `${what}: HTTP ${r.status}`)
      t.match(r.text, /<DM>E100<\/DM>/, `${what}: E100`)
    }
  }
  // Under the route's limit only the bounded reader stands between the body and a parser.
  for (const [what, body] of Object.entries(hostile(2 * MiB))) {
    const r = await refusedUnparsed(t, gw, `${what} (2 MiB)`, send(body))
    t.equal(r.status, 400, `${what}: HTTP 400`)
    t.match(r.text, /<DM>E100<\/DM>/, `${what}: E100`)
    t.match(r.text, `[ENVELOPE_MALFORMED] ${REFUSALS[what] ?? '?'}</XX>`, `${what}: the bounded reader's refusal`)
  }
  t.equal(await h.count('envelopes'), 0)
})

t.test('an AH message holds at most 1,000 records (E100, PAYLOAD_TOO_LARGE), checked before the payload is parsed', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const items = Array.from({ length: 1001 }, (_, i) => sampleEntry('AH', '340000', i + 1))
  const sealed = sealAhPublication({ secrets, kind: 'list.upsert', items })
  const r = await postAhMessage(gw, 'AH', sealed.body)
  t.equal(r.status, 413)
  t.equal(r.receipt?.DM, 'E100', 'Anhui\'s code for a message it cannot take')
  t.match(r.receipt?.XX, /\[PAYLOAD_TOO_LARGE\] more than 1000 <JL> elements/)
  t.equal(r.receipt?.XXID, sealed.msgId)
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
  const codes = (await h.db.query<{ code: string }>('SELECT code FROM security_log')).rows.map((row) => row.code)
  t.same(codes, ['PAYLOAD_TOO_LARGE'])
})
