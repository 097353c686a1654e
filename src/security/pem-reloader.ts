// A certificate/key/CA triple read from PEM files and re-read periodically, so rotated
// certificates (cert-manager, Vault) are picked up without a restart, as upstream's pemfile
// provider does (every 5 h, or WEED_TLS_CERT_REFRESH_INTERVAL).
//
// The first read happens at construction and throws: a server configured for TLS must not start
// without its certificates. Later reads that fail (a half-written file during rotation, a key
// that does not match its certificate) keep the last good material and are reported through
// `log`.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { PemFiles } from './tls-settings.ts';
import { ServiceHealth } from '../status/service-health.ts';
import { type ServiceSnapshot, type StatusSource, emptyStatus } from '../status/service-status.ts';
import type { Logger } from '../log/logger.ts';

/** Reloaders whose timer may run, for the service status (a handful: one per TLS surface). */
const liveReloaders = new Set<PemReloader>();
let nextReloaderId = 1;

/** Every certificate reloader of the process, as one job each. */
export const tlsReloadStatus: StatusSource = {
  snapshots: () => [...liveReloaders].map((r) => r.statusSnapshot()),
};

export const DEFAULT_CERT_REFRESH_MS = 5 * 60 * 60 * 1000;

export interface PemMaterial {
  cert: Buffer;
  key: Buffer;
  /** Undefined when no CA file is configured. */
  ca: Buffer | undefined;
}

function sameMaterial(a: PemMaterial, b: PemMaterial): boolean {
  const caSame = a.ca === undefined || b.ca === undefined ? a.ca === b.ca : a.ca.equals(b.ca);
  return caSame && a.cert.equals(b.cert) && a.key.equals(b.key);
}

function readMaterial(files: PemFiles): PemMaterial {
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  const material: PemMaterial = {
    cert: read('certificate', files.certFile),
    key: read('key', files.keyFile),
    ca: files.caFile === '' ? undefined : read('CA', files.caFile),
  };
  try {
    // Parses all three and checks the key matches the certificate.
    createSecureContext({
      cert: material.cert,
      key: material.key,
      ...(material.ca !== undefined ? { ca: material.ca } : {}),
    });
  } catch (err) {
    throw new Error(
      `bad TLS material (cert ${files.certFile}, key ${files.keyFile}${files.caFile !== '' ? `, ca ${files.caFile}` : ''}): ${(err as Error).message}`,
    );
  }
  return material;
}

export class PemReloader {
  private material: PemMaterial;
  private readonly listeners = new Set<(material: PemMaterial) => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly health = new ServiceHealth();
  private readonly id = nextReloaderId++;

  constructor(
    readonly files: PemFiles,
    private readonly refreshMs: number,
    private readonly log: Logger,
  ) {
    if (!(refreshMs > 0)) throw new Error(`certificate refresh interval must be positive, got ${refreshMs}`);
    this.material = readMaterial(files);
    this.health.succeeded();
  }

  statusSnapshot(): ServiceSnapshot {
    return {
      name: `tls-reload/${this.id}`,
      desired: {
        enabled: true,
        refreshMs: this.refreshMs,
        certFile: this.files.certFile,
        keyFile: this.files.keyFile,
        caFile: this.files.caFile,
      },
      current: this.timer === null ? 'Stopped' : this.health.failing ? 'Degraded' : 'Running',
      status: emptyStatus({
        ...this.health.figures(),
        cancelledBy: ['shutdown'],
        hasShutdownHandle: true,
        detail: this.health.failing ? 'keeping the previous certificate' : `serving ${this.files.certFile}`,
      }),
    };
  }

  get current(): PemMaterial {
    return this.material;
  }

  /** `listener` hears every change of material from now on; the returned function unsubscribes. */
  onChange(listener: (material: PemMaterial) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === null) {
      liveReloaders.add(this);
      this.timer = setInterval(() => this.reload(), this.refreshMs);
      this.timer.unref(); // certificate refresh alone must not keep the process alive
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Re-reads the files now; returns true when the material changed. */
  reload(): boolean {
    let next: PemMaterial;
    try {
      next = readMaterial(this.files);
    } catch (err) {
      this.health.failed(err);
      this.health.count('failures');
      this.log.error(`TLS certificate refresh failed, keeping the previous certificate: ${(err as Error).message}`);
      return false;
    }
    this.health.succeeded();
    this.health.count('reads');
    if (sameMaterial(next, this.material)) return false;
    this.health.count('changes');
    this.material = next;
    this.log.info(`TLS certificate reloaded from ${this.files.certFile}`);
    for (const listener of this.listeners) listener(next);
    return true;
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    liveReloaders.delete(this);
  }
}
