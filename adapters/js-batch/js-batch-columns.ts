/**
 * The columns of a Jiangsu batch file, in the order the header row lists them, each with the most
 * GB18030 bytes the platform's store takes for it (its tables are `VARCHAR2(n BYTE)`, so a Chinese
 * character costs 2 bytes and a supplementary-plane character such as 𠮷 costs 4). Every row has
 * every column; a column a row's 数据类型 does not use is left empty.
 */
export const JS_COLUMNS = [
  ['批次号', 128],
  ['记录序号', 4],
  ['数据类型', 2],
  ['数据来源省份', 16],
  ['名单编号', 64],
  ['名单归属平台', 16],
  ['版本号', 10],
  ['名单类型', 20],
  ['名单代码', 64],
  ['所属领域', 64],
  ['严重失信类别', 100],
  ['主体类型', 20],
  ['主体名称', 400],
  ['统一社会信用代码', 18],
  ['身份证号码', 18],
  ['责任人', 4000],
  ['失信事由', 4000],
  ['认定依据', 4000],
  ['认定部门', 400],
  ['认定部门代码', 18],
  ['决定文书类型', 30],
  ['决定文书名称', 400],
  ['决定文书号', 200],
  ['决定日期', 8],
  ['惩戒措施', 4000],
  ['移出条件', 4000],
  ['救济途径', 4000],
  ['有效期起', 8],
  ['有效期止', 8],
  ['可否修复', 2],
  ['告知日期', 8],
  ['告知方式', 20],
  ['移出原因', 20],
  ['移出依据', 4000],
  ['移出日期', 8],
  ['案件编号', 64],
  ['奖惩类型', 10],
  ['发起部门', 400],
  ['发起部门代码', 64],
  ['响应期限', 8],
  ['反馈期限', 8],
  ['备注', 4000],
  ['发起平台', 16],
  ['执行部门', 400],
  ['执行部门代码', 64],
  ['反馈结果', 20],
  ['执行措施', 64],
  ['执行日期', 8],
  ['反馈说明', 4000],
  ['异议编号', 64],
  ['异议提出日期', 8],
  ['异议理由', 4000],
  ['处理结果', 10],
  ['处理日期', 8],
  ['处理说明', 4000],
  ['更正版本号', 10],
  ['通知编号', 64],
  ['通知类型', 20],
  ['核查编号', 64],
  ['核查结论', 64],
  ['办理期限', 8],
  ['通知内容', 4000],
  ['修复编号', 64],
  ['修复申请日期', 8],
  ['修复理由', 4000],
  ['修复结果', 10],
  ['修复决定日期', 8],
  ['修复决定说明', 4000]
] as const

/** A column name of the batch file. */
export type JsColumn = (typeof JS_COLUMNS)[number][0]

/** One row of a batch file: the columns it fills (an absent column is an empty cell). */
export type JsRow = Partial<Record<JsColumn, string>>

/** The header row, in order. */
export const JS_HEADER: readonly JsColumn[] = JS_COLUMNS.map(([name]) => name)

/** Most GB18030 bytes per column. */
export const JS_COLUMN_BYTES: ReadonlyMap<JsColumn, number> = new Map(JS_COLUMNS)

/** Most rows one batch file may carry (the envelope's own limit is 1,000 items). */
export const JS_MAX_ROWS = 1000
