// Replica placement "XYZ": copies in other data centers, other racks, other servers of the rack.
import { StorageError } from './errors.ts';

export interface ReplicaPlacement {
  readonly diffDataCenterCount: number;
  readonly diffRackCount: number;
  readonly sameRackCount: number;
}

export function replicaPlacementFromByte(value: number): ReplicaPlacement {
  return {
    diffDataCenterCount: Math.floor(value / 100),
    diffRackCount: Math.floor(value / 10) % 10,
    sameRackCount: value % 10,
  };
}

export function replicaPlacementToByte(rp: ReplicaPlacement): number {
  return rp.diffDataCenterCount * 100 + rp.diffRackCount * 10 + rp.sameRackCount;
}

/** Shorter strings are left-padded with zeros ("" is "000", "1" is "001"), as upstream does. */
export function parseReplicaPlacement(text: string): ReplicaPlacement {
  if (!/^\d{0,3}$/.test(text)) {
    throw new StorageError('invalid_replica_placement', `unexpected replication type ${JSON.stringify(text)}`);
  }
  const padded = text.padStart(3, '0');
  const value = Number(padded);
  if (value > 255) {
    throw new StorageError('invalid_replica_placement', `unexpected replication type ${JSON.stringify(text)}`);
  }
  return replicaPlacementFromByte(value);
}

export function replicaPlacementToString(rp: ReplicaPlacement): string {
  return `${rp.diffDataCenterCount}${rp.diffRackCount}${rp.sameRackCount}`;
}

export function copyCount(rp: ReplicaPlacement): number {
  return rp.diffDataCenterCount + rp.diffRackCount + rp.sameRackCount + 1;
}
