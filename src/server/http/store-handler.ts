// Method dispatch of Go's privateStoreHandler (admin port) and publicReadOnlyHandler (public
// port), with the CORS headers both add when the request has an Origin.
import type { Context } from 'hono';
import type { ServerContext } from './deps.ts';
import { handleDelete } from './handle-delete.ts';
import { handleRead } from './handle-read.ts';
import { handleWrite } from './handle-write.ts';
import type { AppEnv } from './request-info.ts';
import { emptyResponse, jsonError } from './responses.ts';

export type Port = 'admin' | 'public';

const ALLOW_METHODS: Record<Port, string> = {
  admin: 'PUT, POST, GET, DELETE, OPTIONS',
  public: 'GET, OPTIONS',
};

async function dispatch(c: Context<AppEnv>, server: ServerContext, port: Port): Promise<Response> {
  const { hooks } = server;
  const info = c.get('info');
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return hooks.aroundDownload(c, () => handleRead(c, server));
  if (method === 'OPTIONS') {
    return emptyResponse(
      200,
      new Headers({ 'Access-Control-Allow-Methods': ALLOW_METHODS[port], 'Access-Control-Allow-Headers': '*' }),
    );
  }
  // The public port is read-only: anything else is accepted and ignored.
  if (port === 'public') return emptyResponse(200);
  if (method === 'POST' || method === 'PUT') {
    return hooks.aroundUpload(c, async () => (hooks.guardWrite(c) ? handleWrite(c, server) : emptyResponse(401)));
  }
  if (method === 'DELETE') return hooks.guardWrite(c) ? handleDelete(c, server) : emptyResponse(401);
  return jsonError(400, `unsupported method ${method}`, info.pretty);
}

export function storeHandler(server: ServerContext, port: Port) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const response = await dispatch(c, server, port);
    if (c.req.header('origin')) {
      response.headers.set('Access-Control-Allow-Origin', '*');
      response.headers.set('Access-Control-Allow-Credentials', 'true');
    }
    return response;
  };
}
