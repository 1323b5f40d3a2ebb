#!/usr/bin/env bash
# Runs the "encoder" bench section (tfjs and onnxruntime-web, WASM and WebGPU rows) on a machine with a real
# GPU: headless Chromium with WebGPU on Vulkan. Installs what is missing on a bare Debian/Ubuntu box (chromium,
# libvulkan1, mesa's Vulkan ICDs; an NVIDIA box brings its ICD with the driver), prints the WebGPU adapter
# Chromium gets, and refuses to report figures from a fallback (SwiftShader) adapter as GPU figures.
#
#   scripts/bench-gpu.sh           install if needed, check the adapter, run the bench (bounded, < 9 minutes)
#   scripts/bench-gpu.sh --check   only say whether a real GPU is usable here and why not; installs nothing
#
# Exit status: 0 ok; 3 no real GPU (the reason is printed); 124 the bench ran past its bound.
set -u
cd "$(dirname "$0")/.."

CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1
BOUND_S="${NEZHA_BENCH_GPU_TIMEOUT_S:-500}"
export NEZHA_CHROMIUM_ARGS="${NEZHA_CHROMIUM_ARGS:---enable-features=Vulkan,VulkanFromANGLE --use-angle=vulkan --use-vulkan=native --ignore-gpu-blocklist --disable-vulkan-surface}"
NODE=node_modules/node/bin/node
[ -x "$NODE" ] || NODE=node

say() { echo "bench-gpu: $*"; }

install_missing() {
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1' || need+=(libvulkan1)
  [ -d /usr/share/vulkan/icd.d ] || [ -d /etc/vulkan/icd.d ] || need+=(mesa-vulkan-drivers)
  command -v vulkaninfo >/dev/null || need+=(vulkan-tools)
  [ ${#need[@]} -eq 0 ] && return 0
  say "installing ${need[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
}

# Why there is no real GPU here, or nothing when there may be one.
no_gpu_reason() {
  local icds
  icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')
  if ! command -v nvidia-smi >/dev/null && ! ls /dev/dri/renderD* >/dev/null 2>&1; then
    echo "no GPU device: no nvidia-smi and no /dev/dri/renderD* render node"
    return
  fi
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then echo "libvulkan1 (the Vulkan loader) is missing"; return; fi
  if [ -z "$icds" ]; then echo "no Vulkan ICD (driver manifest) in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d"; return; fi
  if command -v vulkaninfo >/dev/null; then
    local devs
    devs=$(vulkaninfo --summary 2>/dev/null | grep -i 'deviceType' | grep -vi 'CPU' || true)
    [ -z "$devs" ] && { echo "Vulkan lists no hardware device (only CPU/llvmpipe or none; ICDs: $icds)"; return; }
  fi
}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | sed 's/^/bench-gpu: nvidia: /'
[ "$CHECK" -eq 0 ] && install_missing

reason=$(no_gpu_reason)
if [ -n "$reason" ]; then
  say "no real GPU: $reason"
fi
if [ ! -x /usr/bin/chromium ]; then say "no real GPU check possible: /usr/bin/chromium is missing"; exit 3; fi

adapter=$(timeout 120 "$NODE" --import tsx scripts/bench/gpuAdapter.ts 2>&1)
rc=$?
say "WebGPU adapter (Chromium flags: $NEZHA_CHROMIUM_ARGS): $adapter"
if [ $rc -ne 0 ] || [ -n "$reason" ]; then
  say "no real GPU: Chromium's WebGPU adapter is missing or a fallback/software one (not reported as a GPU)"
  exit 3
fi
[ "$CHECK" -eq 1 ] && { say "a real GPU is usable: run without --check to bench"; exit 0; }

say "uptime: $(uptime)"
timeout "$BOUND_S" npm run -s bench -- encoder
rc=$?
[ $rc -eq 124 ] && say "the bench ran past ${BOUND_S}s and was stopped"
exit $rc
