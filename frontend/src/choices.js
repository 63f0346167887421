import { createContext, useContext } from "react";

// The product's label sets and limits come from the server (/api/meta/), loaded once by <App>: never a copy here.
export const MetaContext = createContext(null);

export function useMeta() {
  return useContext(MetaContext);
}

export const label = (choices, value) => (choices.find(([v]) => v === value) || [value, value])[1];
