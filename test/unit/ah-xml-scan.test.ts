import t from 'tap'
import { AhXmlSyntaxError } from '../../adapters/ah-xml/ah-xml-codec.js'
import { AhXmlTooLarge, scanXml } from '../../adapters/ah-xml/ah-xml-scan.js'
import { AhRefusal, precheckPayload, readMessage } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { largeParsesDuring } from '../helpers/parser-spy.js'

const limits = { maxElements: 10, maxDepth: 3, maxText: 8 }

t.test('the bounded reader reads data-only XML as the parser does', async (t) => {
  t.same(scanXml('<?xml version="1.0" encoding="UTF-8"?>\n<R><A>1 &amp; 2</A><B/><C><D>x</D><D>y</D></C>\n</R>', 'R', { ...limits, maxText: 16 }),
    { A: '1 & 2', B: '', C: { D: ['x', 'y'] } })
  t.same(scanXml('<R></R>', 'R', limits), {})
})

t.test('the bounded reader refuses what the interface never sends, and stops at its limits', async (t) => {
  const syntax = (xml: string, what: string): void => {
    t.throws(() => scanXml(xml, 'R', limits), AhXmlSyntaxError, what)
    t.throws(() => scanXml(xml, 'R', limits), { code: 'E100' }, `${what}: E100`)
  }
  syntax('<R><A x="1">1</A></R>', 'attributes')
  syntax('<R><!-- c --></R>', 'comments')
  syntax('<!DOCTYPE R><R></R>', 'DOCTYPE')
  syntax('<R><![CDATA[x]]></R>', 'CDATA')
  syntax('<R><A>1</B></R>', 'mismatched tags')
  syntax('<R><A>1</A>', 'not closed')
  syntax('<R></R><R></R>', 'two document elements')
  syntax('<S></S>', 'another document element')
  syntax('<R>x<A>1</A></R>', 'mixed text')
  syntax('<?xml version="1.0" encoding="GB18030"?><R></R>', 'another encoding')
  syntax('<R><A>&foo;</A></R>', 'an undefined entity')
  const large = (xml: string, what: string): void => { t.throws(() => scanXml(xml, 'R', limits), AhXmlTooLarge, what) }
  large('<R>' + '<A>1</A>'.repeat(1_000_000) + '</R>', 'an element bomb, after 10 elements')
  large('<R>' + '<A>'.repeat(100_000), 'a deep nest, after 3 levels')
  large('<R><A>123456789</A></R>', 'a field longer than its limit')
  t.throws(() => scanXml('<R><A>1</A><A>2</A></R>', 'R', { ...limits, maxCountOf: { A: 1 } }), /more than 1 <A> elements/)
})

t.test('a payload holds at most 1,000 records, checked before it is parsed', async (t) => {
  const payload = (n: number): string => '<SJB><XXID>x</XXID>' + '<JL><TMBH>1</TMBH></JL>'.repeat(n) + '</SJB>'
  t.doesNotThrow(() => { precheckPayload(payload(1000)) })
  t.throws(() => { precheckPayload(payload(1001)) }, AhXmlTooLarge)
  t.throws(() => { precheckPayload('<SJB><JL></SJB>') }, AhRefusal, 'malformed: E100')
})

t.test('the envelope reader refuses hostile messages at its limits, without the general XML parser', async (t) => {
  const { largeParses } = await largeParsesDuring(async () => {
    t.throws(() => readMessage('<AHXY>' + '<a>1</a>'.repeat(1_000_000) + '</AHXY>'),
      { code: 'E100', message: 'more than 16 elements' }, 'an 8 MB element bomb, stopped at the 17th element')
    t.throws(() => readMessage('<AHXY><BT><XXID>' + 'x'.repeat(8_000_000) + '</XXID></BT></AHXY>'),
      { code: 'E100', message: 'text of <XXID> longer than 256 characters' }, 'an 8 MB field, stopped at its limit')
  })
  t.same(largeParses, [], 'neither reached fast-xml-parser (nor any other parser)')
})
