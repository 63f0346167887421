import { useCallback, useEffect, useState } from "react";

// One read from the API for a component: cancelled when the component goes or `deps` change, with its error
// message, and `reload()` to read again.
export function useApi(read, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError("");
    read(controller.signal).then(setData, (err) => {
      if (err.name !== "AbortError") setError(err);
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { data, setData, error, reload };
}
