import { useEffect, useState } from 'preact/hooks'
import { codeLabel, type CodeGroup } from './code-labels'

export type Lang = 'zh' | 'en'
export type Labels = Record<string, string>

/** Labels every page shares; a page brings its own in its file (usePageLabels). */
const COMMON: Record<Lang, Labels> = {
  zh: {
    title: '长三角信用网关 · 管理台',
    login: '登录',
    logout: '退出',
    username: '用户名',
    password: '密码',
    loginFailed: '用户名或密码错误，或账户已停用',
    language: 'English',
    forbidden: '无权访问此页面',
    notFound: '页面不存在',
    loading: '加载中…',
    refresh: '刷新',
    error: '出错了',
    roles: '角色',
    'role.admin': '管理员',
    'role.operator': '运维',
    'role.auditor': '审计',
    'role.platform': '平台',
    'status.queued': '排队',
    'status.delivering': '投递中',
    'status.delivered': '已送达',
    'status.retrying': '重试中',
    'status.dead': '失败',
    'status.partial': '部分送达',
    'health.up': '正常',
    'health.down': '故障',
    'health.paused': '已暂停',
    'health.unknown': '未知',
    resend: '重发',
    resent: '已重新排队',
    none: '无',
    search: '查询',
    next: '下一页',
    platform: '平台',
    time: '时间'
  },
  en: {
    title: 'YRD Credit Gateway · Admin',
    login: 'Log in',
    logout: 'Log out',
    username: 'Username',
    password: 'Password',
    loginFailed: 'Username or password wrong, or the account disabled',
    language: '中文',
    forbidden: 'You may not open this page',
    notFound: 'No such page',
    loading: 'Loading…',
    refresh: 'Refresh',
    error: 'Error',
    roles: 'Roles',
    'role.admin': 'admin',
    'role.operator': 'operator',
    'role.auditor': 'auditor',
    'role.platform': 'platform',
    'status.queued': 'queued',
    'status.delivering': 'delivering',
    'status.delivered': 'delivered',
    'status.retrying': 'retrying',
    'status.dead': 'dead',
    'status.partial': 'partial',
    'health.up': 'up',
    'health.down': 'down',
    'health.paused': 'paused',
    'health.unknown': 'unknown',
    resend: 'Resend',
    resent: 'Queued again',
    none: 'none',
    search: 'Search',
    next: 'Next page',
    platform: 'Platform',
    time: 'Time'
  }
}

const KEY = 'yrd-admin-lang'
let current: Lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'zh'
const listeners = new Set<(l: Lang) => void>()

export function setLang (lang: Lang): void {
  current = lang
  localStorage.setItem(KEY, lang)
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  document.title = COMMON[lang].title ?? ''
  for (const l of listeners) l(lang)
}

/** The current language; re-renders the component when it changes. */
export function useLang (): Lang {
  const [lang, set] = useState(current)
  useEffect(() => { listeners.add(set); return () => { listeners.delete(set) } }, [])
  return lang
}

export type T = (key: string, vars?: Record<string, string | number>) => string

/** The label of an API code in the current language (see code-labels.ts). */
export function useCodeLabel (): (group: CodeGroup, code: string) => string {
  const lang = useLang()
  return (group, code) => codeLabel(lang, group, code)
}

/** A translator over the common labels and the page's own (Chinese first, English available). */
export function usePageLabels (own: Record<Lang, Labels> = { zh: {}, en: {} }): T {
  const lang = useLang()
  return (key, vars) => {
    let s = own[lang][key] ?? COMMON[lang][key] ?? key
    for (const [k, v] of Object.entries(vars ?? {})) s = s.replace(`{${k}}`, String(v))
    return s
  }
}

setLang(current)
