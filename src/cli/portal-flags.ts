/** `auditlens serve`'s portal flags, turned into the Ledger's `portal` option. */
import { isOrigin, portalConfig, type PortalOptions } from '../ledger/portal-config.js'
import { UsageError } from './io.js'

/** The parseArgs options for the portal flags, spread into `serve`'s. */
export const PORTAL_FLAGS = {
  'portal-url': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  'issuer-name': { type: 'string' },
  'issuer-logo-url': { type: 'string' },
  'issuer-domain-verified': { type: 'boolean' },
} as const

export interface PortalFlagValues {
  'portal-url'?: string | undefined
  'cors-origin'?: string[] | undefined
  'issuer-name'?: string | undefined
  'issuer-logo-url'?: string | undefined
  'issuer-domain-verified'?: boolean | undefined
}

/**
 * The Ledger's portal option from the flags; flags left out keep the Ledger's defaults. Bad
 * values are usage errors here, before the database is opened or a port bound.
 */
export function portalOptionsFromFlags(values: PortalFlagValues): PortalOptions {
  const origins = values['cors-origin']
  for (const origin of origins ?? []) {
    if (origin !== '*' && !isOrigin(origin))
      throw new UsageError(`--cors-origin must be * or scheme://host[:port] with no path (got '${origin}')`)
  }
  const options: PortalOptions = {
    ...(values['portal-url'] !== undefined ? { url: values['portal-url'] } : {}),
    ...(origins !== undefined ? { corsOrigins: origins } : {}),
    issuer: {
      ...(values['issuer-name'] !== undefined ? { name: values['issuer-name'] } : {}),
      ...(values['issuer-logo-url'] !== undefined ? { logoUrl: values['issuer-logo-url'] } : {}),
      domainVerified: values['issuer-domain-verified'] ?? false,
    },
  }
  try {
    portalConfig(options)
  } catch (error) {
    throw new UsageError((error as TypeError).message)
  }
  return options
}
