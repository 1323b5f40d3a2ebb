/**
 * The app's long-lived handles (typed API client, inference worker, which host we run in), created
 * once in main.tsx and read by views through React context.
 */
import { createContext, useContext } from 'react';
import type { Api } from '../api/client';
import type { InferenceClient } from '../inference/ui/client';

export interface AppServices {
  api: Api;
  inference: InferenceClient;
  hostKind: 'electron' | 'serve';
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services)
    throw new Error('useServices() outside <ServicesContext.Provider>: render the app through main.tsx');
  return services;
}
