/**
 * Loading better-sqlite3, an optional peer dependency: what a user sees when it is missing or
 * its native module does not load. (The real module is exercised by every other ledger test;
 * tests/package/tarball.test.ts runs the packed CLI in a project without it.)
 */
import { describe, expect, it } from 'vitest'
import { openDatabase, SqliteUnavailableError } from '../../src/ledger/database.js'

const failing = (error: Error & { code?: string }) => () => {
  throw error
}

describe('opening the ledger database', () => {
  it('names the install command when better-sqlite3 is not installed', () => {
    const missing = Object.assign(new Error("Cannot find module 'better-sqlite3'\nRequire stack:\n- x.js"), {
      code: 'MODULE_NOT_FOUND',
    })
    expect(() => openDatabase(':memory:', failing(missing))).toThrow(SqliteUnavailableError)
    expect(() => openDatabase(':memory:', failing(missing))).toThrow(/npm install better-sqlite3/)
  })

  it('names the rebuild when better-sqlite3 is installed but its native module does not load', () => {
    class NoBindings {
      constructor() {
        throw new Error('Could not locate the bindings file. Tried:\n → build/better_sqlite3.node')
      }
    }
    expect(() => openDatabase(':memory:', () => NoBindings)).toThrow(
      /native module did not load \(Could not locate the bindings file\. Tried:\).*npm rebuild better-sqlite3/,
    )
  })

  it('passes other failures through unchanged, a missing dependency of better-sqlite3 included', () => {
    const inner = Object.assign(new Error("Cannot find module 'bindings'"), { code: 'MODULE_NOT_FOUND' })
    expect(() => openDatabase(':memory:', failing(inner))).toThrow(inner)
    const locked = new Error('SQLITE_BUSY: database is locked')
    class Busy {
      constructor() {
        throw locked
      }
    }
    expect(() => openDatabase(':memory:', () => Busy)).toThrow(locked)
  })

  it('opens a real database with the installed better-sqlite3', () => {
    const db = openDatabase(':memory:')
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 })
    db.close()
  })
})
