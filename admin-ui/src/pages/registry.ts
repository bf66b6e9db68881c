import type { PageDef } from './page'
import { overviewPage } from './overview'
import { messagesPage } from './messages'
import { messageDetailPage } from './message-detail'
import { queryLogPage } from './query-log'
import { casesPage } from './cases'
import { caseDetailPage } from './case-detail'
import { reconciliationPage } from './reconciliation'
import { reconciliationRunPage } from './reconciliation-run'
import { adminActionsPage } from './admin-actions'
import { qualityPage } from './quality'

/**
 * Every page, in nav order. A new page is one file in this folder exporting a PageDef, plus its
 * line here.
 */
export const PAGES: PageDef[] = [
  overviewPage,
  messagesPage,
  messageDetailPage,
  casesPage,
  caseDetailPage,
  reconciliationPage,
  reconciliationRunPage,
  queryLogPage,
  adminActionsPage,
  qualityPage
]
