/**
 * A small method + path router for fetch-style handlers. Unknown paths are a JSON 404 and a
 * known path with the wrong method is a JSON 405 with `Allow`, never an HTML page.
 */
import { HttpError } from '../protocol/errors.js'
import { errorResponse } from './http-error.js'

export type RouteHandler = (request: Request, params: string[], url: URL) => Response | Promise<Response>

interface Route {
  method: string
  pattern: RegExp
  handler: RouteHandler
}

export class Router {
  private readonly routes: Route[] = []

  /** `path` uses `:name` for one path segment, e.g. `/v1/audit/events/:id`. */
  on(method: string, path: string, handler: RouteHandler): this {
    const pattern = new RegExp('^' + path.replace(/:[a-z_]+/g, '([^/]+)') + '$')
    this.routes.push({ method, pattern, handler })
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
        if (route.method !== request.method) {
          allowed.push(route.method)
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
      return errorResponse(error)
    }
  }
}
