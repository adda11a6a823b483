/** The `auditlens` help texts: the overview, and one per command for `auditlens <command> --help`. */

/** Where the ledger's files live, said once so every command's help agrees with the README. */
const FILES = `Files: the database is --db (default .auditlens/ledger.db, or AUDITLENS_DB); the private
signing keys are 0600 files in keys/ beside it (--db /x/ledger.db keeps them in /x/keys/), and
export files in exports/ beside it.`

export const USAGE = `Usage: auditlens <command> [options]

Commands:
  verify <file.ndjson | ->   Verify an exported NDJSON file offline.
  serve                      Run the reference ledger (an Invoance-compatible audit API).
  seed --org ID --count N    Add N realistic events to an org (created if missing).
  keys create|rotate|list    Make API keys; rotate and list signing keys.
  prune                      Run one retention pass (serve runs one every hour).

Run 'auditlens <command> --help' for a command's options.

Options:
  -h, --help                 Show this help.
  -v, --version              Show the version.

${FILES}
`

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  verify: `Usage: auditlens verify <file.ndjson | -> [options]

Verify an exported NDJSON file offline, as a stream. When the file ends with a checkpoint
trailer, also check that the log is complete: the checkpoint's signature, then every seq from
1 to its size exactly once and the recomputed Merkle root (a whole export), or each event's
inclusion proof (a filtered export).

Options:
  --trusted-key HEX      Pin a public key (repeatable).
  --keys FILE            Pin the keys in a keys document (the /v1/audit/keys response).
  --checkpoint FILE      An earlier checkpoint (as served by .../checkpoint): the file's log
                         must extend it, computed offline from the events.
  --remember FILE        Keep the newest checkpoint per log in FILE: each whole export must
                         extend the one remembered, then becomes it.
  --require-checkpoint   Fail when the file has no checkpoint trailer.
  --require-complete     Fail a filtered export too: it proves each event, not the whole log.
  --origin ORIGIN        The log the checkpoint must be for (…/orgs/<aorg id>); another
                         org's export, signed by the same ledger, then fails.
  --json                 One JSON result per input line instead of a report.
  --allow-empty          Exit 0 for an input with no events (otherwise 1).
  -h, --help             Show this help.

Exit status: 0 when every event is verified (or unpinned) and the checkpoint checks hold,
1 when any event is tampered, untrusted or malformed, a seq is missing or duplicated, the
checkpoint fails or is inconsistent with --checkpoint (or there are no events), 2 for a usage
error, 141 when its output was closed (| head) before anything failed.
`,
  serve: `Usage: auditlens serve [options]

Run the reference ledger, an Invoance-compatible audit API, until Ctrl-C. The port is bound
before anything else is done, so a busy port fails at once.

Options:
  --port N               Port to listen on (default 8787, or PORT; 0 picks a free one).
  --host ADDRESS         Address to listen on (default 127.0.0.1, or HOST).
  --db PATH              The database file (default .auditlens/ledger.db, or AUDITLENS_DB).
  --seed N               On a first run, add N demo events across acme, globex, initech.
  --portal-url URL       The viewer page a portal session's url points to (token in ?token=).
  --cors-origin ORIGIN   A browser origin allowed to call /v1/audit/portal/* (repeatable;
                         default *, safe there: the portal takes bearer tokens, never cookies).
  --issuer-name NAME     The issuer the viewer shows (default "auditlens reference ledger").
  --issuer-logo-url URL  The issuer's logo for the viewer (default none).
  --issuer-domain-verified
                         Let the viewer show the issuer's domain as verified (default off).
  --allow-private-stream-targets
                         Let webhook streams deliver to private and special-purpose addresses
                         (loopback, private networks, link-local...). For local development
                         only: any stream creator could then probe this host's network.
  --stream-ca FILE       Trust the CA certificates in FILE (PEM) for HTTPS stream receivers,
                         besides the public roots and NODE_EXTRA_CA_CERTS, for stream
                         deliveries only (repeatable).
  -h, --help             Show this help.

AUDITLENS_API_KEY sets a development API key with every scope; without it, serve makes one
up for this run and prints it.

${FILES}
`,
  seed: `Usage: auditlens seed --org ID [options]

Add realistic events to an org, created if missing.

Options:
  --org ID               An org id (aorg_...) or external id (required).
  --count N              How many events (default 1000).
  --seed N               Seed of the generator, for repeatable data (default 1).
  --db PATH              The database file (default .auditlens/ledger.db, or AUDITLENS_DB).
  -h, --help             Show this help.

${FILES}
`,
  keys: `Usage: auditlens keys <create | rotate | list> [options]

  keys create --scopes audit:read,audit:write
                         Print a new API key on stdout (shown once).
  keys rotate            Start a new signing key, closing the current one's window.
  keys list              List signing keys and their validity windows.

Options:
  --db PATH              The database file (default .auditlens/ledger.db, or AUDITLENS_DB).
  -h, --help             Show this help.

${FILES}
`,
  prune: `Usage: auditlens prune [options]

Run one retention pass: remove each org's events older than its retention_days (set with
PUT /v1/audit/orgs/:id/retention), oldest first, and write one signed prune marker per batch.
Orgs without a retention keep every event. \`serve\` runs the same pass every hour.

Options:
  --db PATH              The database file (default .auditlens/ledger.db, or AUDITLENS_DB).
  -h, --help             Show this help.

${FILES}
`,
}

/**
 * Whether `args` ask for help: `-h` or `--help` before any `--` (after it, they are file names).
 */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '-h' || arg === '--help')
}
