/** `auditlens serve`'s webhook-stream flags, turned into the Ledger's `streams` option. */
import { readFileSync } from 'node:fs'
import type { StreamOptions } from '../ledger/streams/streams.js'
import { StreamCa } from '../ledger/streams/tls-trust.js'
import { UsageError } from './io.js'

/** The parseArgs options for the stream flags, spread into `serve`'s. */
export const STREAM_FLAGS = {
  'allow-private-stream-targets': { type: 'boolean', default: false },
  'stream-ca': { type: 'string', multiple: true },
} as const

export interface StreamFlagValues {
  'allow-private-stream-targets'?: boolean | undefined
  'stream-ca'?: string[] | undefined
}

/**
 * The Ledger's stream options from the flags. A `--stream-ca` file that cannot be read or holds
 * no parsable certificate is a usage error here, before the database is opened or a port bound.
 * The certificates go on as a checked {@link StreamCa}, so the Ledger does not parse them again.
 */
export function streamOptionsFromFlags(values: StreamFlagValues): Pick<StreamOptions, 'allowPrivateTargets' | 'ca'> {
  const files = (values['stream-ca'] ?? []).map((file) => {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw new UsageError(`--stream-ca: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    try {
      return StreamCa.parse(text, `--stream-ca ${file}`)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
  })
  return {
    allowPrivateTargets: values['allow-private-stream-targets'] ?? false,
    ...(files.length > 0 && { ca: StreamCa.join(files) }),
  }
}
