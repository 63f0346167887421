import { useCallback, useEffect, useState } from "react";
import { api } from "../api.js";

const LOGGED_OUT = { authenticated: false, username: null, is_staff: false };

export function useSession() {
  const [session, setSession] = useState(null); // null while loading

  useEffect(() => {
    api.session().then(setSession, () => setSession(LOGGED_OUT));
  }, []);

  const login = useCallback(async (username, password) => {
    const next = await api.login(username, password);
    setSession(next);
    return next;
  }, []);

  const logout = useCallback(async () => {
    await api.logout().catch(() => null);
    setSession(LOGGED_OUT);
  }, []);

  return { session, login, logout };
}
