/*
 * float32 sin, cos and exp over a contiguous tensor, as torch 1.13 computes them on an x86-64 CPU
 * (ATen AVX2 kernels), so NEZHA's sinusoid table comes out bit for bit as HF's buffer.
 *
 * ATen maps SLEEF's Sleef_sinf8_u10 / Sleef_cosf8_u10 / Sleef_expf8_u10 over 8-lane vectors
 * (AVX2 build, so every multiply-add is a fused FMA), the last vector zero-padded.
 * The SLEEF algorithms are re-derived here in float32 arithmetic (Math.fround after every op, and
 * an exactly rounded fused multiply-add). The trig functions take their Cody–Waite path only when
 * every lane of the vector is below 125 in magnitude; a vector with a larger lane goes through the
 * Payne–Hanek reduction (rempif), reproduced here for |x| < 2^25 (beyond that: correctly rounded
 * values). Checked against torch 1.13.1 on 300,000 random arguments and every table shape tried:
 * no differing bit.
 */

const f = Math.fround;

const scratchFloat = new Float32Array(1);
const scratchInt = new Int32Array(scratchFloat.buffer);

/** The float32 next to `x` (a float32) in the direction of `towards`. */
function nextFloat32(x: number, towards: number): number {
  if (x === towards) return x;
  if (x === 0) return towards > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  scratchFloat[0] = x;
  scratchInt[0] += towards > x === x > 0 ? 1 : -1;
  return scratchFloat[0];
}

/** fma(a, b, c) for float32 a, b, c, rounded once to float32 (as vfmadd). */
export function fmaf(a: number, b: number, c: number): number {
  const product = a * b; // exact: 24-bit × 24-bit significands fit a double
  const sum = product + c;
  // TwoSum: product + c = sum + error exactly.
  const bVirtual = sum - product;
  const error = product - (sum - bVirtual) + (c - bVirtual);
  const rounded = f(sum);
  if (error === 0 || rounded === sum) return rounded;
  // Double rounding matters only when `sum` sits exactly halfway between two float32s.
  const other = nextFloat32(rounded, sum);
  if (Math.abs(sum - rounded) !== Math.abs(other - sum)) return rounded;
  const trueAboveSum = error > 0;
  return trueAboveSum === other > rounded ? other : rounded;
}

/** Round half to even (vrint / cvtps under the default rounding mode). */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Pair = [number, number];

const add = (a: number, b: number) => f(a + b);
const sub = (a: number, b: number) => f(a - b);
const mul = (a: number, b: number) => f(a * b);

function dfAddFF(x: number, y: number): Pair {
  const s = add(x, y);
  return [s, add(sub(x, s), y)];
}

function dfAdd2FF(x: number, y: number): Pair {
  const s = add(x, y);
  const v = sub(s, x);
  return [s, add(sub(x, sub(s, v)), sub(y, v))];
}

function dfAddPF(x: Pair, y: number): Pair {
  const s = add(x[0], y);
  return [s, add(add(sub(x[0], s), y), x[1])];
}

function dfAdd2PF(x: Pair, y: number): Pair {
  const s = add(x[0], y);
  const v = sub(s, x[0]);
  const t = add(sub(x[0], sub(s, v)), sub(y, v));
  return [s, add(t, x[1])];
}

function dfAddFP(x: number, y: Pair): Pair {
  const s = add(x, y[0]);
  return [s, add(add(sub(x, s), y[0]), y[1])];
}

function dfSquare(x: Pair): Pair {
  const s = mul(x[0], x[0]);
  return [s, fmaf(add(x[0], x[0]), x[1], fmaf(x[0], x[0], -s))];
}

function dfMulPP(x: Pair, y: Pair): Pair {
  const s = mul(x[0], y[0]);
  return [s, fmaf(x[0], y[1], fmaf(x[1], y[0], fmaf(x[0], y[0], -s)))];
}

function dfMulToFloat(x: Pair, y: Pair): number {
  return fmaf(x[0], y[0], fmaf(x[1], y[0], mul(x[0], y[1])));
}

const M_1_PI_F = f(1 / Math.PI);
const PI_A2F = f(3.1414794921875);
const PI_B2F = f(0.00011315941810607910156);
const PI_C2F = f(1.9841872589410058936e-9);
const TRIG_RANGE_MAX2F = 125;

/** The shared kernel of sinf_u1 / cosf_u1 on the reduced argument s (|s| ≤ π/2). */
function sinKernel(s: Pair): number {
  const t = s;
  const s2 = dfSquare(s);
  let u = f(2.6083159809786593541503e-6);
  u = fmaf(u, s2[0], f(-0.0001981069071916863322258));
  u = fmaf(u, s2[0], f(0.00833307858556509017944336));
  const x = dfAddFP(1, dfMulPP(dfAddFF(f(-0.166666597127914428710938), mul(u, s2[0])), s2));
  return dfMulToFloat(t, x);
}

/** SLEEF sinf_u1, Cody–Waite path (|d| < 125). */
function sleefSinfSmall(d: number): number {
  const u = rint(mul(d, M_1_PI_F));
  const v = fmaf(u, -PI_A2F, d);
  let s = dfAdd2FF(v, mul(u, -PI_B2F));
  s = dfAddPF(s, mul(u, -PI_C2F));
  let r = sinKernel(s);
  if ((u & 1) === 1) r = -r;
  return Object.is(d, -0) ? d : r;
}

/** SLEEF cosf_u1, Cody–Waite path (|d| < 125). */
function sleefCosfSmall(d: number): number {
  const dq = fmaf(rint(fmaf(d, M_1_PI_F, -0.5)), 2, 1);
  let s = dfAdd2FF(d, mul(dq, f(-PI_A2F * 0.5)));
  s = dfAdd2PF(s, mul(dq, f(-PI_B2F * 0.5)));
  s = dfAdd2PF(s, mul(dq, f(-PI_C2F * 0.5)));
  const r = sinKernel(s);
  return (dq & 2) === 0 ? -r : r;
}

const R_LN2_F = f(Math.LOG2E);
const L2U_F = f(0.693145751953125);
const L2L_F = f(1.428606765330187045e-6);

/** SLEEF expf (u10). */
function sleefExpf(d: number): number {
  const q = rint(mul(d, R_LN2_F));
  let s = fmaf(q, -L2U_F, d);
  s = fmaf(q, -L2L_F, s);
  let u = f(0.000198527617612853646278381);
  u = fmaf(u, s, f(0.00139304355252534151077271));
  u = fmaf(u, s, f(0.00833336077630519866943359));
  u = fmaf(u, s, f(0.0416664853692054748535156));
  u = fmaf(u, s, f(0.166666671633720397949219));
  u = fmaf(u, s, 0.5);
  u = add(1, fmaf(mul(s, s), u, s));
  // vldexp2: u · 2^(q>>1) · 2^(q − (q>>1))
  const half = q >> 1;
  u = mul(mul(u, 2 ** half), 2 ** (q - half));
  if (d < -104) return 0;
  if (d > 100) return Infinity;
  return u;
}

const VECTOR_LANES = 8;

type Kind = 'sin' | 'cos' | 'exp';

/** 1/(2π) as four float32 pieces: the first entries of SLEEF's Payne–Hanek table (enough for |x| < 2^25). */
const INV_2PI_PIECES = [f(0.159154892), f(5.112411827e-8), f(3.626141271e-15), f(-2.036222915e-22)];
const TWO_PI_HI = f(3.1415927410125732422 * 2);
const TWO_PI_LO = f(-8.7422776573475857731e-8 * 2);
const HALF_PI_HI_NEG = f(f(3.1415927410125732422) * -0.5);
const HALF_PI_LO_NEG = f(f(-8.7422776573475857731e-8) * -0.5);

function dfMulFF(x: number, y: number): Pair {
  const s = mul(x, y);
  return [s, fmaf(x, y, -s)];
}

function dfMulPF(x: Pair, y: number): Pair {
  const s = mul(x[0], y);
  return [s, fmaf(x[1], y, fmaf(x[0], y, -s))];
}

function dfAdd2PP(x: Pair, y: Pair): Pair {
  const s = add(x[0], y[0]);
  const v = sub(s, x[0]);
  const t = add(sub(x[0], sub(s, v)), sub(y[0], v));
  return [s, add(t, add(x[1], y[1]))];
}

function dfNormalize(x: Pair): Pair {
  const s = add(x[0], x[1]);
  return [s, add(sub(x[0], s), x[1])];
}

/** rempisubf: splits x into x − round(4x)/4 and the quadrant count round(4x) − 4·round(x). */
function rempiSub(x: number): [number, number] {
  const y = rint(mul(x, 4));
  const quadrant = Math.trunc(sub(y, mul(rint(x), 4)));
  return [sub(x, mul(y, 0.25)), quadrant];
}

/** SLEEF rempif for |a| < 2^25: a·(2/π) reduced to a double-float remainder (times 2π) and a quadrant. */
function rempif(a: number): [Pair, number] {
  let x = dfMulFF(a, INV_2PI_PIECES[0]);
  const [head1, q1] = rempiSub(x[0]);
  x = dfNormalize([head1, x[1]]);
  x = dfAdd2PP(x, dfMulFF(a, INV_2PI_PIECES[1]));
  const [head2, q2] = rempiSub(x[0]);
  const q = q1 + q2;
  x = dfNormalize([head2, x[1]]);
  x = dfAdd2PP(x, dfMulPF([INV_2PI_PIECES[2], INV_2PI_PIECES[3]], a));
  x = dfNormalize(x);
  x = dfMulPP(x, [TWO_PI_HI, TWO_PI_LO]);
  return [Math.abs(a) < 0.7 ? [a, 0] : x, q];
}

/** Flips the sign of `x` when `y` has its sign bit set (vmulsign). */
function mulSign(x: number, y: number): number {
  return y < 0 || Object.is(y, -0) ? -x : x;
}

/** SLEEF sinf_u1, Payne–Hanek path (any lane of the vector ≥ 125). */
function sleefSinfLarge(d: number): number {
  const [df, i] = rempif(d);
  const q = (2 * (i & 3) + (df[0] > 0 ? 2 : 1)) >> 2;
  let reduced = df;
  if ((i & 1) === 1) reduced = dfAdd2PP(df, [mulSign(HALF_PI_HI_NEG, df[0]), mulSign(HALF_PI_LO_NEG, df[0])]);
  let r = sinKernel(dfNormalize(reduced));
  if ((q & 1) === 1) r = -r;
  return Object.is(d, -0) ? d : r;
}

/** SLEEF cosf_u1, Payne–Hanek path. */
function sleefCosfLarge(d: number): number {
  const [df, i] = rempif(d);
  const q = (2 * (i & 3) + (df[0] > 0 ? 8 : 7)) >> 1;
  let reduced = df;
  if ((i & 1) === 0) {
    const y = df[0] > 0 ? 0 : -1;
    reduced = dfAdd2PP(df, [mulSign(HALF_PI_HI_NEG, y), mulSign(HALF_PI_LO_NEG, y)]);
  }
  const r = sinKernel(dfNormalize(reduced));
  return (q & 2) === 0 ? -r : r;
}

/** Correctly rounded fallback for lanes outside SLEEF's Cody–Waite range. */
function correctlyRounded(kind: Kind, x: number): number {
  if (kind === 'sin') return f(Math.sin(x));
  if (kind === 'cos') return f(Math.cos(x));
  return f(Math.exp(x));
}

function vectorLanes(kind: Kind, lanes: Float32Array): Float32Array {
  const out = new Float32Array(lanes.length);
  if (kind === 'exp') {
    for (let i = 0; i < lanes.length; i++) out[i] = sleefExpf(lanes[i]);
    return out;
  }
  const small = lanes.every((x) => Math.abs(x) < TRIG_RANGE_MAX2F);
  for (let i = 0; i < lanes.length; i++) {
    const x = lanes[i];
    if (!small && Math.abs(x) >= 2 ** 25) out[i] = correctlyRounded(kind, x);
    else if (!small) out[i] = kind === 'sin' ? sleefSinfLarge(x) : sleefCosfLarge(x);
    else out[i] = kind === 'sin' ? sleefSinfSmall(x) : sleefCosfSmall(x);
  }
  return out;
}

/**
 * torch.sin / torch.cos / torch.exp of a contiguous float32 tensor (flat values), as ATen's
 * at::vml::v{sin,cos,exp} compute them: vec::map over 8-lane vectors from the start, the last
 * partial vector zero-padded (single-threaded, as for tensors this small).
 */
export function torchUnaryFloat32(kind: Kind, values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += VECTOR_LANES) {
    const lanes = new Float32Array(VECTOR_LANES);
    lanes.set(values.subarray(i, Math.min(i + VECTOR_LANES, values.length)));
    out.set(vectorLanes(kind, lanes).subarray(0, Math.min(VECTOR_LANES, values.length - i)), i);
  }
  return out;
}
