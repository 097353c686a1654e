// Upper bounds for gRPC streams a client could otherwise keep open forever. Injectable (through
// the server options) so tests can use small values.

export interface GrpcStreamLimits {
  /** How often VolumeTailSender looks for new records (upstream sleeps 2 s). */
  tailPollMs: number;
  /**
   * A tail that sends no new record for this long ends (OK, as an idle timeout does). Caps both
   * idle_timeout_seconds 0 (upstream: forever) and very long client idle timeouts.
   */
  tailMaxIdleMs: number;
  /** A ReceiveFile with no message for this long ends DEADLINE_EXCEEDED, its partial file removed. */
  receiveIdleMs: number;
}

export const DEFAULT_GRPC_STREAM_LIMITS: GrpcStreamLimits = {
  tailPollMs: 2_000,
  tailMaxIdleMs: 10 * 60_000,
  receiveIdleMs: 60_000,
};

export function streamLimits(overrides: Partial<GrpcStreamLimits> = {}): GrpcStreamLimits {
  return { ...DEFAULT_GRPC_STREAM_LIMITS, ...overrides };
}
