// Which CPU a benchmark ran on: its model, core count and the vector extensions that decide how
// fast ONNX Runtime's and PyTorch's kernels are (AVX2/FMA, AVX-512, VNNI, BF16, AMX). Ratios
// against PyTorch move with these, so every benchmark prints and records them beside its figures.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The extensions worth naming, as /proc/cpuinfo's flags spell them, and as people do. */
const EXTENSIONS: [string, string][] = [
  ['avx2', 'AVX2'],
  ['fma', 'FMA'],
  ['avx_vnni', 'AVX-VNNI'],
  ['avx512f', 'AVX-512F'],
  ['avx512bw', 'AVX-512BW'],
  ['avx512_vnni', 'AVX-512 VNNI'],
  ['avx512_bf16', 'AVX-512 BF16'],
  ['avx512_fp16', 'AVX-512 FP16'],
  ['amx_tile', 'AMX'],
  ['amx_bf16', 'AMX-BF16'],
  ['amx_int8', 'AMX-INT8'],
];

export interface CpuInfo {
  model: string;
  cores: number;
  vector: string[];
}

/** The named extensions among a flags line of /proc/cpuinfo. */
export function vectorExtensions(flags: string): string[] {
  const have = new Set(flags.trim().split(/\s+/));
  return EXTENSIONS.filter(([flag]) => have.has(flag)).map(([, name]) => name);
}

export function cpuInfo(): CpuInfo {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: the model and core count still come from Node
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1];
  const family = field('cpu family');
  const model = field('model');
  const detail = family && model ? ` (family ${family}, model ${model})` : '';
  return { model: `${cpus()[0].model.trim()}${detail}`, cores: cpus().length, vector: vectorExtensions(field('flags') ?? '') };
}

export const describeCpu = (c: CpuInfo) => `${c.model}, ${c.cores} cores, vector extensions: ${c.vector.join(', ') || 'none named'}`;
