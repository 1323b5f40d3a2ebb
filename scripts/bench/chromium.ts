/**
 * The headless Chromium the bench drives (Debian's /usr/bin/chromium, never a downloaded one) and its flags.
 * scripts/bench-gpu.sh adds the flags a real GPU needs (Vulkan, ANGLE on Vulkan) in NEZHA_CHROMIUM_ARGS,
 * space-separated.
 */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--enable-unsafe-webgpu',
  ...(process.env.NEZHA_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean),
];
