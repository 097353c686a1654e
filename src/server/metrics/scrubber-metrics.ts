// The continuous scrubber's figures as Prometheus series, read from its stats at each scrape
// (they only grow, so they are counters). Names follow upstream's volumeServer prefix; upstream
// has no scrubber, so these are ours.
import { Counter, type Registry } from 'prom-client';

const PREFIX = 'SeaweedFS_volumeServer_scrub_';

export interface ScrubberFigures {
  readonly stats: {
    bytesChecked: number;
    recordsChecked: number;
    passesCompleted: number;
    findings: number;
    damagedVolumes: number;
    admissionWaits: number;
  };
}

export function registerScrubberMetrics(registry: Registry, scrubber: ScrubberFigures): void {
  const series: Array<[string, string, keyof ScrubberFigures['stats']]> = [
    ['bytes_total', 'Bytes the scrubber read back and checked.', 'bytesChecked'],
    ['records_total', 'Needle records the scrubber checked.', 'recordsChecked'],
    ['passes_total', 'Whole volume passes the scrubber finished.', 'passesCompleted'],
    ['findings_total', 'Damaged needles or index rows the scrubber found.', 'findings'],
    ['damaged_volumes_total', 'Volume passes that found damage.', 'damagedVolumes'],
    [
      'admission_waits_total',
      'Times the scrubber waited because client requests in flight passed its bound.',
      'admissionWaits',
    ],
  ];
  for (const [name, help, field] of series) {
    new Counter({
      name: `${PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(scrubber.stats[field]);
      },
    });
  }
}
