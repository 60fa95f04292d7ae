// Where training runs: one session on --ep/--device-id, or data parallel over --devices / --replicas.
import type { SessionConfig } from '../runtime/session';
import { UsageError } from './errors';

interface DeviceFlags {
  ep?: string;
  replicas?: number;
  devices?: string;
  engine?: string;
}

/** The session configs of the replicas, or [] for the single fused step. Throws UsageError on bad combinations. */
export function parseDevices(f: DeviceFlags, base: SessionConfig = {}): SessionConfig[] {
  if (f.devices !== undefined && f.replicas !== undefined) throw new UsageError('give --devices (GPUs) or --replicas (CPU), not both');
  if (f.devices !== undefined) {
    if (f.ep === 'webgpu') throw new UsageError('--devices lists CUDA devices; it cannot be used with --ep webgpu');
    const ids = f.devices.split(',').map((s) => s.trim());
    if (!ids.length || ids.some((id) => !/^\d+$/.test(id)) || new Set(ids).size !== ids.length) {
      throw new UsageError(`--devices must be distinct GPU indices like "0,1", got "${f.devices}"`);
    }
    return ids.map((id) => ({ ...base, ep: 'cuda', deviceId: Number(id) }));
  }
  if (f.replicas !== undefined && f.replicas > 1) {
    if (f.ep !== 'cpu' && f.ep !== undefined) throw new UsageError('--replicas splits batches over CPU sessions; use --devices for GPUs');
    // The intra-op threads are shared out between the replicas, which run concurrently.
    const threads = Math.max(1, Math.floor((base.threads || 2) / f.replicas));
    return Array.from({ length: f.replicas }, () => ({ ...base, ep: 'cpu', threads }));
  }
  return [];
}
