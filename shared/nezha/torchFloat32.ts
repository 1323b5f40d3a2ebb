/*
 * float32 sin, cos and exp as torch 1.13 computes them on CPU (placeholder: correctly rounded).
 */
export function torchSinf(x: number): number {
  return Math.fround(Math.sin(Math.fround(x)));
}
export function torchCosf(x: number): number {
  return Math.fround(Math.cos(Math.fround(x)));
}
export function torchExpf(x: number): number {
  return Math.fround(Math.exp(Math.fround(x)));
}
