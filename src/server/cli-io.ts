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

/** Write, waiting for `drain` when the stream asks for it, so output never piles up in memory. */
export async function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
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
