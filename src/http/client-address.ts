/**
 * The network address a Request came from. The fetch API's Request has no such field, so the
 * node:http adapter records the socket's address here, out of band, where no header a client
 * sends can forge it. Other runtimes record nothing and read `null`.
 */
const addresses = new WeakMap<Request, string>()

/** Record the peer address of `request` (the node:http adapter does this). */
export function setClientAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address)
}

/** The peer address recorded for `request`, or `null`. */
export function clientAddress(request: Request): string | null {
  return addresses.get(request) ?? null
}
