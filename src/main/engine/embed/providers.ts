// Execution providers for ONNX backbones: which ones to try for a setting on this platform, in what order, and
// what the process environment needs for the software-Vulkan WebGPU path used on GPU-less test machines.
// CPU is always the last candidate, so a missing driver or library degrades to CPU instead of failing.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { z } from 'zod'

export const EXECUTION_PROVIDERS = ['webgpu', 'cuda', 'dml', 'coreml', 'cpu'] as const
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number]

/** The user's choice: one provider (falling back to CPU) or 'auto' (the platform's GPU paths, then CPU). */
export const ProviderSetting = z.enum(['auto', ...EXECUTION_PROVIDERS])
export type ProviderSetting = z.infer<typeof ProviderSetting>

export const PROVIDER_LABELS: Record<ExecutionProvider, string> = {
  webgpu: 'WebGPU (D3D12 / Vulkan / Metal)',
  cuda: 'CUDA (NVIDIA)',
  dml: 'DirectML (Windows)',
  coreml: 'Core ML (macOS)',
  cpu: 'CPU',
}

/** Which providers this onnxruntime-node build can even attempt on this platform. */
export function platformProviders(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): ExecutionProvider[] {
  // onnxruntime-node 1.30 bundles WebGPU for Linux x64, Windows and macOS; DirectML on Windows; Core ML on
  // macOS; CUDA only on Linux x64 and only after its optional download (see cudaInstalled()).
  const out: ExecutionProvider[] = []
  if (platform === 'darwin') out.push('coreml')
  if (platform === 'win32') out.push('dml')
  if (platform === 'linux' && arch === 'x64') out.push('cuda')
  if (platform === 'darwin' || platform === 'win32' || (platform === 'linux' && arch === 'x64'))
    out.push('webgpu')
  out.push('cpu')
  return out
}

/** Providers to try, in order, for a setting. Dedicated vendor paths first, WebGPU next, CPU always last. */
export function providerCandidates(
  setting: ProviderSetting,
  available: readonly ExecutionProvider[] = platformProviders(),
): ExecutionProvider[] {
  const order: ExecutionProvider[] =
    setting === 'auto'
      ? ['cuda', 'dml', 'coreml', 'webgpu', 'cpu']
      : setting === 'cpu'
        ? ['cpu']
        : [setting, 'cpu']
  return order.filter((p) => p === 'cpu' || available.includes(p))
}

/**
 * Whether onnxruntime-node's optional CUDA libraries are installed (they are downloaded by its install script
 * with `--onnxruntime-node-install=cuda12`, not shipped in the npm package). Without them, trying CUDA only
 * produces a load error, so 'auto' skips it.
 */
export function cudaInstalled(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false
  try {
    const req = createRequire(import.meta.url)
    const root = path.dirname(req.resolve('onnxruntime-node/package.json'))
    return fs.existsSync(path.join(root, 'bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'))
  } catch {
    return false
  }
}

/** The ICD of the SwiftShader software Vulkan driver in Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'

/**
 * Environment for running the WebGPU provider on SwiftShader (software Vulkan): slow, but the real GPU code path,
 * which is how CI checks WebGPU on machines without a GPU. Returns null when the driver is not installed.
 * These variables must be in the native environment of the process before onnxruntime first initialises Dawn:
 * set them in the main thread (process.env assignments there reach the C environment) or in a child's env.
 */
export function softwareVulkanEnv(
  runtimeDir: string,
  icd: string = SWIFTSHADER_ICD,
): Record<string, string> | null {
  if (softwareVulkanMissing(icd)) return null
  return { VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: runtimeDir }
}

/** Folders the dynamic loader searches for libvulkan.so.1 on Debian-like systems, LD_LIBRARY_PATH first. */
function libraryDirs(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)
  return [
    ...fromEnv,
    '/usr/lib/x86_64-linux-gnu',
    '/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ]
}

/**
 * Whether the system's Vulkan loader (libvulkan.so.1, Debian's libvulkan1) can be found. Dawn opens it by name:
 * Chromium's private copy in /usr/lib/chromium is not on the loader's path, and Debian's chromium no longer pulls
 * libvulkan1 in, so a machine can have the SwiftShader ICD and still no Vulkan for onnxruntime.
 */
export function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true
  return libraryDirs().some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')))
}

/**
 * What the software-Vulkan WebGPU path lacks on this machine, in words a person can act on, or null when nothing.
 */
export function softwareVulkanMissing(icd: string = SWIFTSHADER_ICD): string | null {
  if (!fs.existsSync(icd)) return `${icd} is missing (apt-get install chromium)`
  if (!vulkanLoaderPresent())
    return 'the Vulkan loader libvulkan.so.1 is missing (apt-get install libvulkan1)'
  return null
}
