// The protobuf type of `state.pb`, loaded from our proto/ definitions (the same files the gRPC
// service uses). Kept under store/ because store must not depend on server/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** proto/ under the package's root (its self-reference: in the built server every module is inside one bundle). */
const PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.resolve('needlework/package.json'))), 'proto');
const STATE_TYPE_NAME = 'volume_server_pb.VolumeServerState';

let stateType: protobuf.Type | null = null;

/** Parsed on first use only: a server that never touches state.pb pays nothing. */
export function volumeServerStateType(): protobuf.Type {
  if (stateType === null) {
    const root = new protobuf.Root().loadSync(path.join(PROTO_DIR, 'volume_server.proto'), { keepCase: true });
    root.resolveAll();
    stateType = root.lookupType(STATE_TYPE_NAME);
  }
  return stateType;
}

/**
 * Protobuf bytes of `value` as Go's proto.Marshal writes a proto3 message: fields in number order
 * (protobufjs sorts them) and fields at their default value left out, which protobufjs would
 * otherwise write whenever the property is present. Meant for messages of plain scalars (bool,
 * 32-bit numbers, string), whose defaults compare with ===.
 */
export function encodeProto3(type: protobuf.Type, value: Record<string, unknown>): Uint8Array {
  const present: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null || v === field.typeDefault) continue;
    present[field.name] = v;
  }
  return type.encode(present).finish();
}
