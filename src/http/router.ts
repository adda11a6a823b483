/**
 * The one method + path router for fetch-style handlers, used by the ledger, the proxy and the
 * demo host. Unknown paths are a JSON 404 and a known path with the wrong method is a JSON 405
 * with `Allow` (RFC 9110 15.5.6), never an HTML page.
 */
import { HttpError } from '../protocol/errors.js'
import { errorResponse } from './http-error.js'

export type RouteHandler = (request: Request, params: string[], url: URL) => Response | Promise<Response>

export interface RouterOptions {
  /** Where unexpected errors are logged before the 500 (default `console.error`). */
  log?: (error: unknown) => void
}

interface Route {
  /** null: any method (a mounted handler answers its own 404s and 405s). */
  method: string | null
  pattern: RegExp
  handler: RouteHandler
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export class Router {
  private readonly routes: Route[] = []

  constructor(private readonly options: RouterOptions = {}) {}

  /**
   * `path` uses `:name` for one path segment (`/v1/audit/events/:id`) and may end in `/*` for
   * the rest of the path, given as the last param; everything else matches literally.
   */
  on(method: string, path: string, handler: RouteHandler): this {
    this.routes.push({ method, pattern: compile(path), handler })
    return this
  }

  /** Send every request under `prefix` (any method) to another fetch handler, such as another router. */
  mount(prefix: string, handler: (request: Request) => Response | Promise<Response>): this {
    this.routes.push({
      method: null,
      pattern: new RegExp('^' + escape(prefix)),
      handler: (request) => handler(request),
    })
    return this
  }

  /** The fetch handler for these routes. */
  handle = async (request: Request): Promise<Response> => {
    try {
      const url = new URL(request.url)
      const allowed: string[] = []
      for (const route of this.routes) {
        const match = route.pattern.exec(url.pathname)
        if (!match) continue
        if (route.method !== null && route.method !== request.method) {
          if (!allowed.includes(route.method)) allowed.push(route.method)
          continue
        }
        const params = match.slice(1).map((segment) => {
          try {
            return decodeURIComponent(segment)
          } catch {
            throw new HttpError(400, 'invalid_request', 'The URL path is not validly percent-encoded.')
          }
        })
        return await route.handler(request, params, url)
      }
      if (allowed.length > 0) {
        throw new HttpError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} for ${url.pathname}.`, {
          allow: allowed.join(', '),
        })
      }
      throw new HttpError(404, 'not_found', `There is no route ${request.method} ${url.pathname}.`)
    } catch (error) {
      return errorResponse(error, this.options.log)
    }
  }
}

function compile(path: string): RegExp {
  const rest = path.endsWith('/*')
  const fixed = rest ? path.slice(0, -1) : path
  const source = fixed
    .split(/(:[a-z_]+)/)
    .map((part) => (part.startsWith(':') ? '([^/]+)' : escape(part)))
    .join('')
  return new RegExp('^' + source + (rest ? '(.*)' : '') + '$')
}
