/** The streams a CLI command talks to, injected so commands can be run in-process by tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & AsyncIterable<Uint8Array | string>
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

/** A mistake in how the command was called: reported in one line, exit code 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The first error each output stream reported (EPIPE once the reader has gone). */
const streamErrors = new WeakMap<NodeJS.WritableStream, Error>()
const watched = new WeakSet<NodeJS.WritableStream>()

function watch(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return
  watched.add(stream)
  // Without a listener, an EPIPE after `| head` exits would crash the process.
  stream.on('error', (error: Error) => {
    if (!streamErrors.has(stream)) streamErrors.set(stream, error)
  })
}

/**
 * Write, waiting for `drain` when the stream asks for it, so output never piles up in memory.
 * Rejects with the stream's error (EPIPE once the reader has gone) instead of writing on.
 */
export async function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  watch(stream)
  const failed = streamErrors.get(stream)
  if (failed) throw failed
  if (!stream.write(text)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        stream.off('error', onError)
        resolve()
      }
      const onError = (error: Error) => {
        stream.off('drain', onDrain)
        reject(error)
      }
      stream.once('drain', onDrain)
      stream.once('error', onError)
    })
  }
}
