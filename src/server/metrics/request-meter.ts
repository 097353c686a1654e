// The per-request series (request_total{type,code}, request_seconds{type}, in_flight_requests{type})
// kept as plain numbers on the hot path and handed to prom-client only when scraped. prom-client
// hashes and validates the label object on every inc/observe, which cost about as much as the
// rest of the metrics work of a small request; here a request costs two map lookups and a few
// additions. The exposition is exactly what prom-client's Counter, Histogram and Gauge print for
// the same values (names, help, label order, buckets), so dashboards see no difference.
import { Counter, Gauge, type Registry } from 'prom-client';
import { assert } from '../../storage/types.ts';

/** request types are HTTP methods (node accepts a fixed set) plus INVALID: a small bound. */
const MAX_TYPES = 64;
/** Status codes seen per type: bounded by the codes the handlers answer with. */
const MAX_CODES_PER_TYPE = 128;

interface CodeCount {
  readonly labels: { type: string; code: string };
  /** Requests not yet handed to the prom-client counter. */
  pending: number;
}

interface TypeState {
  readonly labels: { type: string };
  inFlight: number;
  /** Per upper bound (not cumulative); the +Inf bucket is `count`. */
  readonly bucketCounts: Float64Array;
  sumSeconds: number;
  count: number;
  /** Whether the histogram prints this type (from its first finished request on, as prom-client). */
  timed: boolean;
  readonly codes: Map<number, CodeCount>;
}

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

/** request_seconds as prom-client's registry reads a metric (get / getForPromString). */
class SecondsHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    /** In the order first timed: the order prom-client prints them in. */
    private readonly timedInOrder: TypeState[],
  ) {}

  getForPromString(): { name: string; help: string; type: string; values: ExportedValue[]; aggregator: string } {
    const values: ExportedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const state of this.timedInOrder) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += state.bucketCounts[i] as number;
        values.push({ labels: { le: bound }, sharedLabels: state.labels, value: cumulative, metricName: bucketName });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: state.labels, value: state.count, metricName: bucketName });
      values.push({ labels: {}, sharedLabels: state.labels, value: state.sumSeconds, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: state.labels, value: state.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  get(): {
    name: string;
    help: string;
    type: string;
    values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }>;
    aggregator: string;
  } {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...labels, ...sharedLabels },
        value,
        metricName,
      })),
    };
  }

  reset(): void {
    for (const state of this.timedInOrder) {
      state.bucketCounts.fill(0);
      state.sumSeconds = 0;
      state.count = 0;
      state.timed = false;
    }
    // As prom-client's reset: no series until a type is timed again.
    this.timedInOrder.length = 0;
  }
}

export class RequestMeter {
  private readonly states = new Map<string, TypeState>();
  /** Every (type, code) in the order first seen: the order prom-client prints them in. */
  private readonly codesInOrder: CodeCount[] = [];
  private readonly timedInOrder: TypeState[] = [];

  constructor(
    registry: Registry,
    names: { total: string; seconds: string; inFlight: string },
    private readonly upperBounds: readonly number[],
  ) {
    const states = this.states;
    const codesInOrder = this.codesInOrder;
    new Counter({
      name: names.total,
      help: 'Counter of volume server requests.',
      labelNames: ['type', 'code'],
      registers: [registry],
      collect() {
        for (const code of codesInOrder) {
          if (code.pending === 0) continue;
          this.inc(code.labels, code.pending);
          code.pending = 0;
        }
      },
    });
    registry.registerMetric(
      new SecondsHistogram(
        names.seconds,
        'Bucketed histogram of volume server request processing time.',
        upperBounds,
        this.timedInOrder,
      ) as unknown as Counter,
    );
    new Gauge({
      name: names.inFlight,
      help: 'Current number of in-flight requests being handled by volume server.',
      labelNames: ['type'],
      registers: [registry],
      collect() {
        for (const state of states.values()) this.set(state.labels, state.inFlight);
      },
    });
  }

  private stateOf(type: string): TypeState {
    let state = this.states.get(type);
    if (state === undefined) {
      assert(this.states.size < MAX_TYPES, `more than ${MAX_TYPES} request types`);
      state = {
        labels: { type },
        inFlight: 0,
        bucketCounts: new Float64Array(this.upperBounds.length),
        sumSeconds: 0,
        count: 0,
        timed: false,
        codes: new Map(),
      };
      this.states.set(type, state);
    }
    return state;
  }

  /** A request of `type` started (in_flight_requests, which only the admin port keeps). */
  begin(type: string): void {
    this.stateOf(type).inFlight++;
  }

  end(type: string): void {
    this.stateOf(type).inFlight--;
  }

  /** A request finished: counted by status and timed. */
  record(type: string, status: number, seconds: number): void {
    assert(Number.isFinite(seconds), `request time ${seconds} is a number`);
    const state = this.stateOf(type);
    let code = state.codes.get(status);
    if (code === undefined) {
      assert(state.codes.size < MAX_CODES_PER_TYPE, `more than ${MAX_CODES_PER_TYPE} status codes for ${type}`);
      code = { labels: { type, code: String(status) }, pending: 0 };
      state.codes.set(status, code);
      this.codesInOrder.push(code);
    }
    code.pending++;
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= (bounds[i] as number)) {
        state.bucketCounts[i] = (state.bucketCounts[i] ?? 0) + 1;
        break;
      }
    }
    state.sumSeconds += seconds;
    state.count++;
    if (!state.timed) {
      state.timed = true;
      this.timedInOrder.push(state);
    }
  }

  /** Requests of every type in flight now (the scrubber's admission bound). */
  totalInFlight(): number {
    let total = 0;
    for (const state of this.states.values()) total += state.inFlight;
    return total;
  }

  /** The in-flight count of a type now (for tests and status). */
  inFlightOf(type: string): number {
    return this.states.get(type)?.inFlight ?? 0;
  }
}
