/** HTTP below fetch: for requests a client library would refuse to send. */
import { connect } from 'node:net'

/** Send `text` as-is on a fresh TCP connection and read the whole answer until the server closes. */
export function raw(base: string, text: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(text))
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), head: head.toLowerCase(), body })
    })
  })
}
