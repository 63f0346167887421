// The app's pages, in one table: the router (App.jsx) draws the page the address names, the menu (Nav.jsx) lists
// those marked `menu`. Django serves index.html for every path outside /api/, /admin/ and /static/, so no page is
// listed on the server. `render` gets what a page may need: the address's query string, navigate, the session.
import { Dashboard } from "./components/Dashboard.jsx";
import { LoginForm } from "./components/LoginForm.jsx";
import { MyTickets } from "./components/MyTickets.jsx";
import { Rating } from "./components/Rating.jsx";
import { TicketForm } from "./components/TicketForm.jsx";
import { TicketList } from "./components/TicketList.jsx";
import { MINE, TrackPage } from "./components/TrackPage.jsx";

export const PAGES = [
  { path: "/", title: "Submit a ticket", menu: true, render: () => <TicketForm /> },
  { path: "/my-tickets", title: "My tickets", menu: true, render: ({ navigate }) => <MyTickets navigate={navigate} /> },
  {
    path: "/my-tickets/",
    title: "My ticket",
    prefix: true,
    render: ({ path, navigate }) => {
      const id = path.slice("/my-tickets/".length).replace(/\/$/, "");
      return /^[0-9]{1,18}$/.test(id) ? (
        <>
          <p className="back">
            <a
              href="/my-tickets"
              onClick={(event) => {
                event.preventDefault();
                navigate("/my-tickets");
              }}
            >
              ← All my tickets
            </a>
          </p>
          <TrackPage key={id} token={id} source={MINE} />
        </>
      ) : (
        <p role="alert">There is no page here.</p>
      );
    },
  },
  {
    path: "/tickets",
    title: "Tickets",
    menu: true,
    staff: true,
    render: ({ search, navigate }) => <TicketList search={search} navigate={navigate} />,
  },
  { path: "/dashboard", title: "Dashboard", menu: true, staff: true, render: () => <Dashboard /> },
  {
    path: "/login",
    title: "Log in",
    render: ({ session, login, navigate }) =>
      session?.authenticated ? (
        <p>You are logged in.</p>
      ) : (
        <LoginForm
          onLogin={async (username, password) => {
            await login(username, password);
            navigate("/tickets");
          }}
        />
      ),
  },
  {
    path: "/t/",
    title: "Your ticket",
    prefix: true,
    render: ({ path }) => <TrackPage token={decodeURIComponent(path.slice(3).replace(/\/$/, ""))} />,
  },
  {
    path: "/rate/",
    title: "How did we do?",
    prefix: true,
    render: ({ path, search }) => (
      <section className="card">
        <Rating
          token={decodeURIComponent(path.slice(6).replace(/\/$/, ""))}
          initial={new URLSearchParams(search).get("rating") || ""}
        />
      </section>
    ),
  },
];

export function pageFor(path) {
  const clean = path.length > 1 ? path.replace(/\/$/, "") : path;
  return PAGES.find((page) => (page.prefix ? clean.startsWith(page.path) : clean === page.path)) || null;
}
