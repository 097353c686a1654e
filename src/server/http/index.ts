// Public surface of the HTTP layer.
export { createAdminApp, createPublicApp } from './app.ts';
export type { DeleteContext, FileTarget, HttpDeps, HttpHooks, ServerContext, WriteContext } from './deps.ts';
export { deleteLocally, writeLocally } from './default-hooks.ts';
export { type HttpListenOptions, type HttpServers, listenHttpServers } from './listen.ts';
export { type HttpStartConfig, type HttpStartOptions, startHttpServers } from './start.ts';
