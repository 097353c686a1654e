// What would have to change for a service to be as desired, worked out from its snapshot alone:
// pure and idempotent (the same snapshot always gives the same plan), and it performs nothing.
import type { ServiceSnapshot, ServiceState } from './service-status.ts';

export type ReconcileAction = 'none' | 'start' | 'stop' | 'restart' | 'wait' | 'investigate';

export interface ReconcilePlan {
  name: string;
  desiredRunning: boolean;
  current: ServiceState;
  action: ReconcileAction;
  reason: string;
}

export function planReconcile(snapshot: ServiceSnapshot): ReconcilePlan {
  const wanted = snapshot.desired.enabled;
  const plan = (action: ReconcileAction, reason: string): ReconcilePlan => ({
    name: snapshot.name,
    desiredRunning: wanted,
    current: snapshot.current,
    action,
    reason,
  });
  const current = snapshot.current;
  if (current === 'Unknown') return plan('investigate', 'its state cannot be observed');
  if (current === 'Starting' || current === 'Stopping') return plan('wait', `it is ${current.toLowerCase()}`);
  if (wanted) {
    if (current === 'Running') return plan('none', 'running as desired');
    if (current === 'Degraded') {
      const error = snapshot.status.lastError;
      return plan('restart', error !== null ? `degraded: ${error.message}` : 'degraded');
    }
    return plan('start', `desired running, current ${current}`);
  }
  if (current === 'Running' || current === 'Degraded') return plan('stop', `desired off, current ${current}`);
  return plan('none', `off as desired (${current})`);
}
