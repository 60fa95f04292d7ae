// The benchmarks name the CPU's vector extensions from /proc/cpuinfo's flags.
import { cpuInfo, vectorExtensions } from '../../bench/cpu-info';

test('vector extensions are named from the flags line, in a fixed order', () => {
  const sapphireRapids = 'fpu sse2 avx fma avx2 avx512f avx512bw avx512_vnni avx512_bf16 avx_vnni avx512_fp16 amx_bf16 amx_tile amx_int8';
  expect(vectorExtensions(sapphireRapids)).toEqual(['AVX2', 'FMA', 'AVX-VNNI', 'AVX-512F', 'AVX-512BW', 'AVX-512 VNNI', 'AVX-512 BF16', 'AVX-512 FP16', 'AMX', 'AMX-BF16', 'AMX-INT8']);
  expect(vectorExtensions('fpu sse2 avx fma avx2 bmi2')).toEqual(['AVX2', 'FMA']);
  expect(vectorExtensions('')).toEqual([]);
});

test('this machine: a model and at least one core', () => {
  const cpu = cpuInfo();
  expect(cpu.model.length).toBeGreaterThan(0);
  expect(cpu.cores).toBeGreaterThan(0);
});
