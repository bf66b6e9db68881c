import t from 'tap'
import { ExportRunGuard } from '../../src/reconcile/export-run-guard.js'

t.test('an export run takes each entry and each cursor once', async (t) => {
  const guard = new ExportRunGuard()
  t.doesNotThrow(() => { guard.entry('SH-black-1'); guard.entry('SH-black-2'); guard.next('k1.a'); guard.next('k1.b') })
  t.throws(() => { guard.entry('SH-black-1') }, { code: 'REPLICA_EXPORT_INCONSISTENT', message: /returned entry SH-black-1 twice/ })
  t.throws(() => { guard.next('k1.a') }, { code: 'REPLICA_EXPORT_INCONSISTENT', message: /the same cursor twice/ }, 'a cursor loop')
  t.throws(() => { new ExportRunGuard().next('') }, { code: 'REPLICA_EXPORT_INCONSISTENT' }, 'an empty next would start the export again')
})
