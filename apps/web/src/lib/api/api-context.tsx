'use client';

import { createContext, type ReactNode, useContext } from 'react';
import { type ApiBundle, browserApi } from './browser-api';

const ApiContext = createContext<ApiBundle | null>(null);

/** Tests pass their own client (with a fake fetch); the app uses the tab's shared client. */
export function ApiProvider({ value, children }: { value?: ApiBundle; children: ReactNode }) {
  return <ApiContext.Provider value={value ?? browserApi()}>{children}</ApiContext.Provider>;
}

function useBundle(): ApiBundle {
  return useContext(ApiContext) ?? browserApi();
}

export function useApi() {
  return useBundle().api;
}

export function useApiClient() {
  return useBundle().client;
}
