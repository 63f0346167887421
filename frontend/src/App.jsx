import { api } from "./api.js";
import { MetaContext } from "./choices.js";
import { Dashboard } from "./components/Dashboard.jsx";
import { LoginForm } from "./components/LoginForm.jsx";
import { Nav } from "./components/Nav.jsx";
import { TicketForm } from "./components/TicketForm.jsx";
import { TicketList } from "./components/TicketList.jsx";
import { TrackPage } from "./components/TrackPage.jsx";
import { useApi } from "./hooks/useApi.js";
import { useRoute } from "./hooks/useRoute.js";
import { useSession } from "./hooks/useSession.js";
import { pageFor } from "./routes.js";

export function App() {
  const { path, search, navigate } = useRoute();
  const { session, login, logout } = useSession();
  const { data: meta, error: metaError } = useApi((signal) => api.meta(signal), []);
  const page = pageFor(path);

  let content;
  if (metaError) content = <p className="error" role="alert">{metaError.message}</p>;
  else if (!meta || (page?.staff && session === null)) content = <p>Loading…</p>;
  else if (page?.staff && !session.authenticated) content = <LoginForm onLogin={login} />;
  else if (page?.path === "/tickets") content = <TicketList search={search} navigate={navigate} />;
  else if (page?.path === "/dashboard") content = <Dashboard />;
  else if (page?.path === "/t/") content = <TrackPage token={decodeURIComponent(path.slice(3).replace(/\/$/, ""))} />;
  else if (page?.path === "/login")
    content = session?.authenticated ? <p>You are logged in.</p> : <LoginForm onLogin={async (u, p) => { await login(u, p); navigate("/tickets"); }} />;
  else if (page?.path === "/") content = <TicketForm />;
  else content = <p role="alert">There is no page here.</p>;

  return (
    <MetaContext.Provider value={meta}>
      <Nav path={path} navigate={navigate} session={session} onLogout={logout} />
      <main>{content}</main>
    </MetaContext.Provider>
  );
}
