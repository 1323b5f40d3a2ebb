/**
 * Prints the WebGPU adapter headless Chromium gets with the flags of scripts/bench-gpu.sh, as one JSON line,
 * so a fallback (software, SwiftShader) adapter is never reported as a GPU: the app's own rule decides
 * (renderer/src/inference/common/backendSelection.ts, `isSoftwareAdapter`). Exits 3 when there is no
 * adapter or only a software one.
 */
import { chromium } from '@playwright/test';
import {
  describeAdapter,
  isSoftwareAdapter,
  type AdapterDescription,
} from '../../renderer/src/inference/common/backendSelection';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  // A secure context is needed for navigator.gpu; about:blank is not one, a data: page neither.
  await page.goto('chrome://gpu').catch(() => undefined);
  const info = await page.evaluate(async (): Promise<AdapterDescription | { error: string }> => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: object): Promise<unknown> } }).gpu;
    if (!gpu) return { error: 'navigator.gpu is missing' };
    const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as {
      info?: Partial<Record<keyof AdapterDescription, unknown>>;
      isFallbackAdapter?: boolean;
    } | null;
    if (!adapter) return { error: 'requestAdapter returned null' };
    const i = adapter.info ?? {};
    return {
      vendor: String(i.vendor ?? ''),
      architecture: String(i.architecture ?? ''),
      device: String(i.device ?? ''),
      description: String(i.description ?? ''),
      isFallbackAdapter: Boolean(i.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
    };
  });
  const software = 'error' in info || isSoftwareAdapter(info);
  console.log(
    JSON.stringify({ ...info, ...('error' in info ? {} : { name: describeAdapter(info), software }) }),
  );
  if (software) process.exitCode = 3;
} finally {
  await browser.close();
}
