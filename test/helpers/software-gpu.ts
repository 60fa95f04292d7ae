// A software GPU for the WebGPU tests: ONNX Runtime's WebGPU provider (Dawn) on SwiftShader, the
// Vulkan driver that Chromium ships. The driver's manifest comes from $VK_ICD_FILENAMES, else from
// the Chromium inside the @sparticuz/chromium devDependency (unpacked to the temp folder, next to
// the browser), else from Debian's chromium package. Dawn loads the Vulkan loader libvulkan.so.1:
// the one unpacked beside the driver when there is one (through LD_LIBRARY_PATH), else the system's
// (Debian: apt-get install libvulkan1).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

async function swiftShaderManifest(): Promise<string | undefined> {
  const given = process.env.VK_ICD_FILENAMES;
  if (given) return existsSync(given) ? given : undefined;
  if (process.platform !== 'linux') return undefined;
  try {
    const sparticuz = require('@sparticuz/chromium') as { executablePath(): Promise<string> };
    const manifest = join(dirname(await sparticuz.executablePath()), 'vk_swiftshader_icd.json');
    if (existsSync(manifest)) return manifest;
  } catch {
    // not installed: try the system's Chromium
  }
  const debian = '/usr/lib/chromium/vk_swiftshader_icd.json';
  return existsSync(debian) ? debian : undefined;
}

const systemVulkanLoader = () => spawnSync('sh', ['-c', 'ldconfig -p | grep "libvulkan.so.1 " >/dev/null'], { stdio: 'ignore' }).status === 0;

/** The environment to run a WebGPU session on SwiftShader with, or why there is none. */
export async function softwareGpu(): Promise<{ env: NodeJS.ProcessEnv } | { missing: string }> {
  const manifest = await swiftShaderManifest();
  if (!manifest) return { missing: 'no SwiftShader Vulkan driver (set VK_ICD_FILENAMES, or npm install the devDependencies on Linux)' };
  const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: manifest };
  const beside = dirname(manifest);
  if (existsSync(join(beside, 'libvulkan.so.1'))) {
    env.LD_LIBRARY_PATH = [beside, process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter);
  } else if (!systemVulkanLoader()) {
    return { missing: 'no Vulkan loader (libvulkan.so.1; Debian: apt-get install libvulkan1)' };
  }
  return { env };
}
