// What every sysctl feature needs from the settings, resolved once per settings object:
// the kernel to assume (and how to name it in messages), host RAM, bytes per entry.

import { entryBytesFor } from '../estimates';
import type { Estimate } from '../estimates';
import { formatBytes, parseBytes, resolveKernel, type KernelVersion } from '../kernel';
import type { Settings } from '../settings';

export interface SysctlContext {
  settings: Settings;
  kernel: KernelVersion;
  /** True when conntrackLens.kernelVersion is empty and the newest known behaviour is assumed. */
  kernelAssumed: boolean;
  /** For messages: "kernel 4.19", or "kernel 6.18 (assumed)" when conntrackLens.kernelVersion is empty. */
  kernelLabel: string;
  /** Longer form for hover text. */
  kernelLabelLong: string;
  /** Host RAM in bytes, when conntrackLens.hostMemory is set and parses. */
  ramBytes?: number;
  /** "64 GiB" (for messages), when known. */
  ramText?: string;
  /** Bytes per conntrack entry (setting override, else by kernel). */
  entryBytes: Estimate;
}

const CACHE = new WeakMap<Settings, SysctlContext>();

export function sysctlContext(settings: Settings): SysctlContext {
  const hit = CACHE.get(settings);
  if (hit) return hit;
  const k = resolveKernel(settings.kernelVersion);
  const ram = settings.hostMemory ? parseBytes(settings.hostMemory) : null;
  const ctx: SysctlContext = {
    settings,
    kernel: k.kernel,
    kernelAssumed: k.assumed,
    kernelLabel: k.assumed ? `kernel ${k.kernel.text} (assumed)` : `kernel ${k.kernel.text}`,
    kernelLabelLong: k.label,
    entryBytes: entryBytesFor(k.kernel, settings.entryBytes > 0 ? settings.entryBytes : undefined),
  };
  if (ram !== null && ram > 0) {
    ctx.ramBytes = ram;
    ctx.ramText = formatBytes(ram);
  }
  CACHE.set(settings, ctx);
  return ctx;
}
