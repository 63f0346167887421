import { useCallback, useEffect, useState } from "react";

// A tiny router: the path picks the page, the query string holds filters, so links can be shared.
export function useRoute() {
  const [location, setLocation] = useState(() => ({ path: window.location.pathname, search: window.location.search }));

  useEffect(() => {
    const onPop = () => setLocation({ path: window.location.pathname, search: window.location.search });
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const navigate = useCallback((to, { replace = false } = {}) => {
    const url = new URL(to, window.location.origin);
    window.history[replace ? "replaceState" : "pushState"](null, "", url.pathname + url.search);
    setLocation({ path: url.pathname, search: url.search });
  }, []);

  return { ...location, navigate };
}
