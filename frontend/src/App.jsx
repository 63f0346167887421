import { useState } from "react";
import { Dashboard } from "./components/Dashboard.jsx";
import { LoginForm } from "./components/LoginForm.jsx";
import { Nav } from "./components/Nav.jsx";
import { TicketForm } from "./components/TicketForm.jsx";
import { TicketList } from "./components/TicketList.jsx";
import { TrackPage } from "./components/TrackPage.jsx";
import { useRoute } from "./hooks/useRoute.js";
import { useSession } from "./hooks/useSession.js";

const STAFF_PAGES = ["/tickets", "/dashboard"];

export function App() {
  const { path, search, navigate } = useRoute();
  const { session, login, logout } = useSession();
  const [refreshKey, setRefreshKey] = useState(0);
  const staffPage = STAFF_PAGES.includes(path.replace(/\/$/, ""));

  let page;
  if (staffPage && session === null) page = <p>Loading…</p>;
  else if (staffPage && !session.authenticated) page = <LoginForm onLogin={login} />;
  else if (path.startsWith("/tickets"))
    page = <TicketList search={search} navigate={navigate} onChanged={() => setRefreshKey((k) => k + 1)} />;
  else if (path.startsWith("/dashboard")) page = <Dashboard refreshKey={refreshKey} />;
  else if (path.startsWith("/t/")) page = <TrackPage token={decodeURIComponent(path.slice(3).replace(/\/$/, ""))} />;
  else if (path.startsWith("/login"))
    page = session?.authenticated ? <p>You are logged in.</p> : <LoginForm onLogin={async (u, p) => { await login(u, p); navigate("/tickets"); }} />;
  else page = <TicketForm />;

  return (
    <>
      <Nav path={path} navigate={navigate} session={session} onLogout={logout} />
      <main>{page}</main>
    </>
  );
}
