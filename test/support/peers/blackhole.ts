import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP peer that accepts connections and never answers. */
export interface Blackhole {
  host: string;
  port: number;
  /** `http://host:port/`, for an HTTP output pointed at it. */
  url: string;
  /** Drops every connection (a client waiting on one then fails) and stops listening. */
  close(): void;
}

/**
 * A peer that hangs: it accepts connections, reads and ignores what arrives (so a client's writes
 * never block on a full socket) and never answers, as a destination that went silent. Benchmarks use
 * it to keep every alert owed to an output (its backlog on disk), or to time the sender alone.
 */
export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    // A client that gives up resets the connection: nothing to report.
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}/`,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
