import { once } from 'node:events';
import { Server, Socket, connect, createServer } from 'node:net';

/**
 * A TCP hop between the client and the server that can go silent: while frozen it keeps every
 * connection open but passes nothing on, as a vanished host or a network dropping packets would.
 */
export const silentableProxy = async (targetPort: number) => {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on('data', (chunk) => frozen || outbound.write(chunk));
    outbound.on('data', (chunk) => frozen || inbound.write(chunk));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    freeze: (value: boolean) => void (frozen = value),
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
};
