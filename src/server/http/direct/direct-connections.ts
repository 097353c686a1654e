// Puts direct connections in front of a node:http server: every accepted plain-HTTP socket
// starts as a DirectConnection, and node's own connection listener gets it at the first request
// the direct side cannot take. The server keeps listening, counting connections (maxConnections,
// close) and tracking the sockets it was given; this set tracks the rest, for shutdown.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastPath } from '../fast-path.ts';
import { DirectConnection } from './direct-connection.ts';

export interface DirectConnections {
  /** Closes the idle ones now and the others after their reply in flight (node's closeIdleConnections). */
  closeIdle(): void;
  /** Destroys every one still open (node's closeAllConnections). */
  closeAll(): void;
  readonly size: number;
}

export function installDirectConnections(
  server: Server,
  fast: FastPath,
  limits: { idleTimeoutMs: number; keepAliveTimeoutMs: number },
): DirectConnections {
  const [nodeListener, ...others] = server.listeners('connection') as Array<(socket: Socket) => void>;
  if (nodeListener === undefined || others.length > 0) {
    throw new Error('expected node:http to have exactly one connection listener');
  }
  server.off('connection', nodeListener);
  const open = new Set<DirectConnection>();
  const deps = {
    fast,
    handOver: (socket: Socket) => nodeListener.call(server, socket),
    keepAliveSeconds: Math.floor(limits.keepAliveTimeoutMs / 1000),
    idleTimeoutMs: limits.idleTimeoutMs,
    forget: (connection: DirectConnection) => open.delete(connection),
  };
  let closing = false;
  server.on('connection', (socket: Socket) => {
    const connection = new DirectConnection(socket, deps);
    open.add(connection);
    if (closing) connection.closeWhenIdle();
  });
  return {
    closeIdle: () => {
      closing = true;
      for (const connection of open) connection.closeWhenIdle();
    },
    closeAll: () => {
      for (const connection of open) connection.socket.destroy();
    },
    get size() {
      return open.size;
    },
  };
}
