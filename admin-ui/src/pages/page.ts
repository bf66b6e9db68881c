import type { ComponentType } from 'preact'
import type { Role, Session } from '../api'
import type { Labels, Lang } from '../i18n'

export interface PageProps {
  /** The route's parameters, e.g. { jti } for `messages/:jti`. */
  params: Record<string, string>
  session: Session
}

/**
 * One page of the dashboard: where it lives (`#/<path>`, `:name` for a parameter), who may open it
 * (the nav hides it from others and the page refuses them; the APIs it calls check the same roles
 * on the server), its nav label in each language (none: reached by links only) and its component.
 */
export interface PageDef {
  path: string
  roles: Role[]
  nav?: Record<Lang, string>
  labels?: Record<Lang, Labels>
  component: ComponentType<PageProps>
}

export const OPS: Role[] = ['admin', 'operator', 'auditor']

export const can = (session: Session, roles: Role[]): boolean => session.roles.some((r) => roles.includes(r))
