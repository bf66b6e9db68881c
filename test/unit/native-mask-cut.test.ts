import t from 'tap'
import { sampleIdNumber } from '../../sim/sample-entries.js'
import { scrubPlatformText } from '../../adapters/js-batch/js-batch-result.js'
import { platformReason, readShAnswer } from '../../adapters/sh-rest/sh-rest-answer.js'
import { buildReceipt, judgeAnswer } from '../../adapters/ah-xml/ah-xml-receipt.js'
import { decodeBatchFile } from '../../adapters/js-batch/js-batch-file.js'
import { gb18030 } from '../../adapters/js-batch/gb18030-text.js'
import { parseXml } from '../../adapters/ah-xml/ah-xml-codec.js'

const ID = sampleIdNumber('330100', 17)
/** Whether any 5 consecutive characters of the number are readable in `text` (the mask shows 4 and 4). */
const shows = (text: string, id: string): boolean => Array.from(
  { length: 14 }, (_, i) => id.slice(i, i + 5)
).some((part) => text.includes(part))

// Regression: the native copies of the mask cut the platform's text first, so a number straddling
// the cut was no longer 18 characters and up to 17 of its digits were kept in clear.
t.test('the native adapters mask before they cut: no cut leaves the head of a number readable', async (t) => {
  const sent = { XXID: 'jti-1', ZY: 'ab' }
  const sh = { platform: 'SH', msgId: 'm', records: 1, bodyDigest: 'd' }
  for (let pad = 150; pad < 520; pad++) {
    const text = `${'说'.repeat(pad)}${ID}${'。'.repeat(30)}`
    const outs: Array<[string, string]> = [
      ['js-batch scrubPlatformText', scrubPlatformText(text)],
      ['js-batch scrubPlatformText 500', scrubPlatformText(text, 500)],
      ['sh-rest platformReason', platformReason(text)]
    ]
    try { readShAnswer(400, text, sh) } catch (err) { outs.push(['sh-rest refusal', (err as Error).message]) }
    try { judgeAnswer(400, buildReceipt({ DM: 'E201', XX: text }), sent) } catch (err) { outs.push(['ah-xml refusal', (err as Error).message]) }
    for (const [what, out] of outs) if (shows(out, ID)) t.fail(`${what}: cut at ${pad} shows part of the number`, { out: out.slice(-40) })
  }
  t.pass('every cut position tried')
})

// Regression (outside probe of issue 12): parser messages quote the offending text and were cut
// before masking — a Jiangsu batch whose first field was 'a'×32 + a number + '"x"' showed 16 digits.
t.test('parser errors quoting a number are masked before they are cut', async (t) => {
  for (let pad = 20; pad < 120; pad++) {
    const outs: Array<[string, string]> = []
    try { decodeBatchFile(gb18030(`${'a'.repeat(pad)}${ID}"x"\r\n`)) } catch (err) { outs.push(['js-batch CSV error', (err as Error).message]) }
    try { parseXml(`<AHXY><A>${'a'.repeat(pad)}${ID}</B></AHXY>`, 'AHXY', new Set()) } catch (err) { outs.push(['ah-xml XML error', (err as Error).message]) }
    t.ok(outs.length === 2, `both parsers refuse (pad ${pad})`)
    for (const [what, out] of outs) if (shows(out, ID)) t.fail(`${what}: pad ${pad} shows part of the number`, { out })
  }
})
