/**
 * Prints the WebGPU adapter headless Chromium gets with the flags of scripts/bench-gpu.sh, as one JSON line,
 * so a fallback (software, SwiftShader) adapter is never reported as a GPU. Exits 3 when there is no adapter
 * or only a fallback one.
 */
import { chromium } from '@playwright/test';

const args = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  ...(process.env.NEZHA_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean),
];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
try {
  const page = await browser.newPage();
  // A secure context is needed for navigator.gpu; about:blank is not one, a data: page neither.
  await page.goto('chrome://gpu').catch(() => undefined);
  const info = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: object): Promise<unknown> } }).gpu;
    if (!gpu) return { error: 'navigator.gpu is missing' };
    const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as {
      info?: Record<string, unknown>;
      isFallbackAdapter?: boolean;
    } | null;
    if (!adapter) return { error: 'requestAdapter returned null' };
    const i = adapter.info ?? {};
    return {
      vendor: i.vendor,
      architecture: i.architecture,
      device: i.device,
      description: i.description,
      isFallbackAdapter: Boolean(i.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
    };
  });
  console.log(JSON.stringify(info));
  const software = /swiftshader|llvmpipe|software/i.test(JSON.stringify(info));
  if ('error' in info || info.isFallbackAdapter || software) process.exitCode = 3;
} finally {
  await browser.close();
}
