/**
 * Window bounds and maximised state, saved in the settings table (internal key) and restored on
 * start only where they still fit one of the displays (a monitor may have been unplugged).
 */
import { defaultWindowBounds, minimumWindowSize, type WindowBounds } from './windowOptions';

export interface WindowState {
  bounds: WindowBounds;
  maximized: boolean;
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const windowStateKey = 'windowState';

function isRectangle(value: unknown): value is Rectangle {
  const r = value as Partial<Rectangle> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    [r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

/**
 * The state to open with: the saved one when it is well-formed and at least 100×100 px of it lies on
 * a display's work area; else the default size, centred by Electron.
 */
export function restoreWindowState(saved: unknown, workAreas: Rectangle[]): WindowState {
  const fallback: WindowState = { bounds: { ...defaultWindowBounds }, maximized: false };
  const state = saved as Partial<WindowState> | null;
  if (!state || !isRectangle(state.bounds)) return fallback;
  const bounds = {
    x: Math.round(state.bounds.x),
    y: Math.round(state.bounds.y),
    width: Math.max(minimumWindowSize.width, Math.round(state.bounds.width)),
    height: Math.max(minimumWindowSize.height, Math.round(state.bounds.height)),
  };
  const visible = workAreas.some((area) => {
    const overlapX = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const overlapY = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return overlapX >= 100 && overlapY >= 100;
  });
  const maximized = state.maximized === true;
  if (!visible) return { bounds: { width: bounds.width, height: bounds.height }, maximized };
  return { bounds, maximized };
}
