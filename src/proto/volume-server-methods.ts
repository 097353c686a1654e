// The VolumeServer RPCs by name, and each one's messages as the server and a client see them,
// derived from the generated service definition. Both the gRPC adapter (handlers) and the
// outgoing peer client type their calls with these.
import type { MethodDefinition } from '@grpc/proto-loader';
import type { VolumeServerDefinition } from './generated/volume_server_pb/VolumeServer.ts';

/** The named keys of `T`, without the string/number index signature grpc-js types carry. */
export type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** RPC names of volume_server_pb.VolumeServer, as generated from proto/volume_server.proto. */
export type VolumeServerMethod = KnownKeys<VolumeServerDefinition> & string;

/** Distributes over a union of names: the messages of any one of those RPCs. */
type MethodTypes<K extends VolumeServerMethod> = K extends VolumeServerMethod
  ? VolumeServerDefinition[K] extends MethodDefinition<
      infer RequestIn,
      infer ResponseIn,
      infer RequestOut,
      infer ResponseOut
    >
    ? { requestIn: RequestIn; responseIn: ResponseIn; requestOut: RequestOut; responseOut: ResponseOut }
    : never
  : never;

/** What a handler of RPC `K` receives (decoded: defaults filled, longs as strings). */
export type RequestOf<K extends VolumeServerMethod> = MethodTypes<K>['requestOut'];
/** What a handler of RPC `K` answers or streams (fields optional, longs as number | string). */
export type ResponseOf<K extends VolumeServerMethod> = MethodTypes<K>['responseIn'];
/** What a client of RPC `K` sends. */
export type ClientRequestOf<K extends VolumeServerMethod> = MethodTypes<K>['requestIn'];
/** What a client of RPC `K` gets back (decoded). */
export type ClientResponseOf<K extends VolumeServerMethod> = MethodTypes<K>['responseOut'];
