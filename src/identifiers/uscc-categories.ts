import type { SubjectTypeV1 } from '../../contracts/subject-v1.js'

/** An organisation class of the gateway (every subject type but `person`). */
export type OrganisationType = Exclude<SubjectTypeV1, 'person'>

/** One organisation category (机构类别, position 2) of a registration authority. */
export interface OrganisationCategory {
  readonly name: string
  /** The subject types an entry may give a subject whose code carries this category. */
  readonly subjectTypes: readonly OrganisationType[]
}

/** One registration authority (登记管理部门, position 1) and its categories by position-2 character. */
export interface RegistrationAuthority {
  readonly name: string
  readonly categories: Readonly<Record<string, OrganisationCategory>>
}

const ORGANISATIONS: readonly OrganisationType[] = ['social-organisation', 'public-institution', 'enterprise']
const SOCIAL: readonly OrganisationType[] = ['social-organisation']
const cat = (name: string, subjectTypes: readonly OrganisationType[]): OrganisationCategory => ({ name, subjectTypes })

/**
 * Positions 1–2 of a unified social credit code: the registration authority and, under it, the
 * organisation category.
 *
 * Source: GB 32100-2015《法人和其他组织统一社会信用代码编码规则》, table of 登记管理部门代码 and 机构类别代码
 * as amended (第1号修改单): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
 * 9 工商 (now 市场监管), A 中央军委改革和编制办公室, N 农业 (农村集体经济组织), Y 其他 — not the 2015
 * consultation draft's 1/2/3. The standard's text is not in the seed bundle; the table was checked
 * against two independent published implementations of it. Codes marked "later assignment" are not in
 * that table; published implementations list them as assigned since by the code administration
 * (基层群众性自治组织 54/55, 非法人工会组织 82, 境外非政府组织代表机构 G, 业主大会 J, 侨联 Q, 商事调解组织 36,
 * 市场监管 其他 99). They are accepted: refusing a real code keeps a listed subject off every other
 * platform's list, the costlier mistake; a new assignment is one line here.
 *
 * Subject types (contracts/subject-v1.ts) are the gateway's classes (国发〔2016〕33号; seed 001:
 * 企业、个体工商户、社会组织、事业单位、机关): the unambiguous categories bind one class (91 企业 →
 * enterprise, 92 个体工商户 → individual-business, 11 机关 → government-body, 12 事业单位 →
 * public-institution, 51 社会团体 → social-organisation); the "other" categories of authorities whose
 * organisations the classes do not name (律师事务所, 宗教活动场所, 集体经济组织 …) accept any class but
 * individual business and government body.
 */
export const REGISTRATION_AUTHORITIES: Readonly<Record<string, RegistrationAuthority>> = {
  1: {
    name: '机构编制',
    categories: {
      1: cat('机关', ['government-body']),
      2: cat('事业单位', ['public-institution']),
      3: cat('中央编办直接管理机构编制的群众团体', ['social-organisation', 'government-body']),
      9: cat('其他', ['government-body', 'public-institution', 'social-organisation'])
    }
  },
  2: { name: '外交', categories: { 1: cat('外国常驻新闻机构', SOCIAL), 9: cat('其他', SOCIAL) } },
  3: {
    name: '司法行政',
    categories: {
      1: cat('律师执业机构', ORGANISATIONS),
      2: cat('公证处', ORGANISATIONS),
      3: cat('基层法律服务所', ORGANISATIONS),
      4: cat('司法鉴定机构', ORGANISATIONS),
      5: cat('仲裁委员会', ORGANISATIONS),
      6: cat('商事调解组织 (later assignment)', ORGANISATIONS),
      9: cat('其他', ORGANISATIONS)
    }
  },
  4: { name: '文化', categories: { 1: cat('外国在华文化中心', SOCIAL), 9: cat('其他', SOCIAL) } },
  5: {
    name: '民政',
    categories: {
      1: cat('社会团体', SOCIAL),
      2: cat('民办非企业单位（社会服务机构）', SOCIAL),
      3: cat('基金会', SOCIAL),
      4: cat('村民委员会 (later assignment)', SOCIAL),
      5: cat('居民委员会 (later assignment)', SOCIAL),
      9: cat('其他', SOCIAL)
    }
  },
  6: {
    name: '旅游',
    categories: {
      1: cat('外国旅游部门常驻代表机构', SOCIAL),
      2: cat('港澳台地区旅游部门常驻内地（大陆）代表机构', SOCIAL),
      9: cat('其他', SOCIAL)
    }
  },
  7: { name: '宗教', categories: { 1: cat('宗教活动场所', SOCIAL), 2: cat('宗教院校', SOCIAL), 9: cat('其他', SOCIAL) } },
  8: { name: '工会', categories: { 1: cat('基层工会', SOCIAL), 2: cat('非法人工会组织 (later assignment)', SOCIAL), 9: cat('其他', SOCIAL) } },
  9: {
    name: '工商（市场监管）',
    categories: {
      1: cat('企业', ['enterprise']),
      2: cat('个体工商户', ['individual-business']),
      3: cat('农民专业合作社', ['enterprise']),
      9: cat('其他 (later assignment)', ['enterprise'])
    }
  },
  A: { name: '中央军委改革和编制办公室', categories: { 1: cat('军队事业单位', ['public-institution']), 9: cat('其他', ['public-institution', 'government-body']) } },
  G: { name: '公安 (later assignment)', categories: { 1: cat('境外非政府组织代表机构', SOCIAL), 9: cat('其他', SOCIAL) } },
  J: { name: '住房城乡建设 (later assignment)', categories: { 1: cat('业主大会', SOCIAL), 9: cat('其他', SOCIAL) } },
  N: {
    name: '农业（农业农村）',
    categories: {
      1: cat('组级集体经济组织', ORGANISATIONS),
      2: cat('村级集体经济组织', ORGANISATIONS),
      3: cat('乡镇级集体经济组织', ORGANISATIONS),
      9: cat('其他', ORGANISATIONS)
    }
  },
  Q: {
    name: '侨联 (later assignment)',
    categories: { 1: cat('区县级侨联组织', SOCIAL), 2: cat('乡镇级侨联组织', SOCIAL), 3: cat('村级侨联组织', SOCIAL), 9: cat('其他', SOCIAL) }
  },
  Y: { name: '其他', categories: { 1: cat('其他', ['enterprise', 'social-organisation', 'public-institution', 'government-body']) } }
}

/** The organisation category of a code (positions 1–2), or undefined when GB 32100-2015 has none. */
export function organisationCategory (code: string): OrganisationCategory | undefined {
  return REGISTRATION_AUTHORITIES[code.charAt(0)]?.categories[code.charAt(1)]
}

/**
 * Whether a code's organisation category fits the subject type an entry gives it (GB 32100-2015
 * positions 1–2): a 个体工商户 code (92…) names an individual business, a 机关 code (11…) a
 * government body. False too when the category is unknown.
 */
export function usccFitsSubjectType (code: string, type: SubjectTypeV1): boolean {
  if (type === 'person') return false
  return organisationCategory(code)?.subjectTypes.includes(type) ?? false
}
