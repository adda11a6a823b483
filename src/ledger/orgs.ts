/**
 * Orgs: creation, the one org resolution every route uses, and the lifecycle Invoance's Go and
 * Ruby SDKs 0.2.0 call (rename, archive, unarchive, delete).
 *
 * Invoance documents `organization_id` as "your external id or the aorg_ id" (invoance-node
 * `src/models/audit.ts`, CHANGELOG 0.3.0 "The API resolves either the external id or the aorg_
 * id"; invoance-go `audit.go`). So a reference is tried as an exact `aorg_` id first, else as an
 * external id, and no external id may start with `aorg_`, which keeps the lookup unambiguous.
 */
import { badRequest, HttpError, notFound } from '../protocol/errors.js'
import { statements, type Db } from './database.js'
import { newId } from './ids.js'

export interface Org {
  id: string
  external_id: string
  name: string | null
  created_at: string
  archived_at: string | null
  /** Set by `PUT /orgs/:id/retention` (the retention work); `null` keeps events forever. */
  retention_days: number | null
}

/** The prefix of the ledger's own org ids; refused at the start of an external id. */
export const ORG_ID_PREFIX = 'aorg_'

const COLUMNS = 'id, external_id, name, created_at, archived_at, retention_days'

/**
 * The org object on the wire, with the fields Invoance's SDK tests read
 * (invoance-ruby `spec/audit_orgs_spec.rb` org_json; invoance-go `audit_orgs_test.go`):
 * `organization_id` is the external id under its current name; `external_id` stays for
 * Python 0.2.0 and the docs' curl example.
 */
export function orgJson(org: Org) {
  return {
    id: org.id,
    organization_id: org.external_id,
    external_id: org.external_id,
    name: org.name,
    // retention_days: the column is the retention work's (`PUT /orgs/:id/retention`).
    retention_days: org.retention_days,
    created_at: org.created_at,
    archived_at: org.archived_at,
  }
}

export class Orgs {
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {
    this.sql = statements(db)
  }

  /** Create an org; a 409 when the external id is taken, a 400 when it looks like an org id. */
  create(externalId: string, name: string | null): Org {
    if (externalId.startsWith(ORG_ID_PREFIX)) {
      throw badRequest(
        `organization_id "${externalId}" starts with "${ORG_ID_PREFIX}", the prefix of the ledger's own org ids; ` +
          'choose an external id without it.',
      )
    }
    if (this.byExternalId(externalId)) {
      throw new HttpError(409, 'conflict', `An org with organization_id "${externalId}" already exists.`)
    }
    const now = this.clock()
    const org: Org = {
      id: newId('aorg', now),
      external_id: externalId,
      name,
      created_at: new Date(now).toISOString(),
      archived_at: null,
      retention_days: null,
    }
    this.sql('INSERT INTO orgs (id, external_id, name, created_at) VALUES (?, ?, ?, ?)').run(
      org.id,
      org.external_id,
      org.name,
      org.created_at,
    )
    return org
  }

  /** Orgs in creation order; archived ones only when asked (Go/Ruby `include_archived`). */
  list(includeArchived = false): Org[] {
    const where = includeArchived ? '' : 'WHERE archived_at IS NULL '
    return this.sql(`SELECT ${COLUMNS} FROM orgs ${where}ORDER BY created_at, id`).all() as Org[]
  }

  byId(id: string): Org | undefined {
    return this.sql(`SELECT ${COLUMNS} FROM orgs WHERE id = ?`).get(id) as Org | undefined
  }

  byExternalId(externalId: string): Org | undefined {
    return this.sql(`SELECT ${COLUMNS} FROM orgs WHERE external_id = ?`).get(externalId) as Org | undefined
  }

  /** The org a reference names (an `aorg_` id, else an external id), or `undefined`. */
  find(ref: string): Org | undefined {
    return ref.startsWith(ORG_ID_PREFIX) ? this.byId(ref) : this.byExternalId(ref)
  }

  /** The org a reference names, or a 404 that says how to find orgs. */
  resolve(ref: string): Org {
    const org = this.find(ref)
    if (!org) throw notFound(`No org has id or organization_id "${ref}"; GET /v1/audit/orgs lists them.`)
    return org
  }

  /**
   * {@link resolve} for a request that writes to the org or hands out access to it (ingest,
   * exports, portal sessions, streams): an archived org is a 409 `org_archived`, as Invoance's
   * Go and Ruby SDKs 0.2.0 document.
   */
  resolveForWriting(ref: string): Org {
    return writable(this.resolve(ref))
  }

  /**
   * The org ingest writes to: an unknown external id creates the org (the ledger's behaviour
   * since `org` was its only field, and what the docs' quick start relies on), an unknown
   * `aorg_` id is a 404.
   */
  resolveForIngest(ref: string): Org {
    const org = this.find(ref) ?? (ref.startsWith(ORG_ID_PREFIX) ? this.resolve(ref) : this.create(ref, null))
    return writable(org)
  }

  /** Set or clear (`null`) an org's display name. */
  rename(ref: string, name: string | null): Org {
    const org = this.resolve(ref)
    this.sql('UPDATE orgs SET name = ? WHERE id = ?').run(name, org.id)
    return { ...org, name }
  }

  /** Archive (`true`) or unarchive an org; idempotent, so a retry keeps the first `archived_at`. */
  setArchived(ref: string, archived: boolean): Org {
    const org = this.resolve(ref)
    if (archived === (org.archived_at !== null)) return org
    const archivedAt = archived ? new Date(this.clock()).toISOString() : null
    this.sql('UPDATE orgs SET archived_at = ? WHERE id = ?').run(archivedAt, org.id)
    return { ...org, archived_at: archivedAt }
  }

  /**
   * Delete an org that never ingested an event (invoance-go `audit_orgs_test.go`: otherwise 409
   * `org_not_deletable`). Events are append-only, so an org with history cannot go. Its unused
   * portal session tokens go with it. One IMMEDIATE transaction, so no ingest slips in between
   * the check and the delete.
   */
  delete(ref: string): Org {
    const run = this.db.transaction(() => {
      const org = this.resolve(ref)
      const used = this.sql('SELECT 1 FROM events WHERE org_id = ? LIMIT 1').get(org.id)
      if (used) {
        throw new HttpError(
          409,
          'org_not_deletable',
          `Org "${org.id}" has ingested events, which are append-only; archive it instead.`,
        )
      }
      this.sql('DELETE FROM portal_sessions WHERE org_id = ?').run(org.id)
      this.sql('DELETE FROM orgs WHERE id = ?').run(org.id)
      return org
    })
    return run.immediate()
  }
}

function writable(org: Org): Org {
  if (org.archived_at !== null) {
    throw new HttpError(
      409,
      'org_archived',
      `Org "${org.id}" is archived; POST /v1/audit/orgs/${org.id}/unarchive before writing to it.`,
    )
  }
  return org
}
