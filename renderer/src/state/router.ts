/**
 * Hash routing: the route lives in a zustand store and is mirrored to location.hash, so deep links
 * (`#/checkpoints/<id>`) and the back button work in Electron (file-like app:// pages) and in serve
 * mode alike, with no server-side routes.
 */
import { create } from 'zustand';

export const viewNames = [
  'checkpoints',
  'datasets',
  'annotate',
  'train',
  'benchmark',
  'playground',
  // Only on a team server, for its admins and reviewers (views/TeamView.tsx).
  'team',
] as const;
export type ViewName = (typeof viewNames)[number];

export interface Route {
  view: ViewName;
  /** Path segments after the view, decoded (e.g. a checkpoint id). */
  params: string[];
}

export const defaultRoute: Route = { view: 'checkpoints', params: [] };

function isViewName(value: string): value is ViewName {
  return (viewNames as readonly string[]).includes(value);
}

/** `#/checkpoints/abc` → {view:'checkpoints', params:['abc']}; null when the hash names no view. */
export function parseHash(hash: string): Route | null {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  if (path === '') return defaultRoute;
  const [view, ...rest] = path.split('/');
  if (!isViewName(view)) return null;
  const params: string[] = [];
  for (const segment of rest) {
    if (segment === '') continue;
    try {
      params.push(decodeURIComponent(segment));
    } catch {
      return null;
    }
  }
  return { view, params };
}

export function formatHash(route: Route): string {
  return `#/${[route.view, ...route.params.map(encodeURIComponent)].join('/')}`;
}

interface RouterState {
  route: Route;
  /** The hash that did not name a view, so the app can say so instead of silently redirecting. */
  unknownHash: string | null;
  navigate(view: ViewName, ...params: string[]): void;
}

export const useRouter = create<RouterState>()((set) => ({
  route: defaultRoute,
  unknownHash: null,
  navigate(view, ...params) {
    const route: Route = { view, params };
    set({ route, unknownHash: null });
    const hash = formatHash(route);
    if (typeof window !== 'undefined' && window.location.hash !== hash) window.location.hash = hash;
  },
}));

/** Keep the store and location.hash in step (start-up, links, back/forward). Returns a stop function. */
export function startRouterSync(target: Window = window): () => void {
  const apply = () => {
    const route = parseHash(target.location.hash);
    if (route) useRouter.setState({ route, unknownHash: null });
    else useRouter.setState({ route: defaultRoute, unknownHash: target.location.hash });
  };
  apply();
  target.addEventListener('hashchange', apply);
  return () => target.removeEventListener('hashchange', apply);
}
