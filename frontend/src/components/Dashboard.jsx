import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { useApi } from "../hooks/useApi.js";

function Bars({ title, counts, choices, total }) {
  return (
    <section className="bars" aria-label={title}>
      <h2>{title}</h2>
      <ul>
        {choices.map(([value]) => {
          const count = counts[value] ?? 0;
          const share = total ? Math.round((100 * count) / total) : 0;
          return (
            <li key={value}>
              <span className="bar-label">{label(choices, value)}</span>
              <span className="bar" role="meter" aria-valuenow={count} aria-valuemin={0} aria-valuemax={total} aria-label={label(choices, value)}>
                <span className="bar-fill" style={{ width: `${share}%` }} />
              </span>
              <span className="bar-count">{count}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Dashboard() {
  const { choices } = useMeta();
  const { data: stats, error } = useApi((signal) => api.stats(signal), []);

  if (error)
    return (
      <p className="error" role="alert">
        {error.message}
      </p>
    );
  if (!stats) return <p>Loading…</p>;
  return (
    <section className="card wide">
      <h1>Dashboard</h1>
      <dl className="figures">
        <div>
          <dt>Total tickets</dt>
          <dd data-testid="total-tickets">{stats.total_tickets}</dd>
        </div>
        <div>
          <dt>Open tickets</dt>
          <dd data-testid="open-tickets">{stats.open_tickets}</dd>
        </div>
        <div>
          <dt>Average per day</dt>
          <dd>{stats.avg_tickets_per_day}</dd>
        </div>
      </dl>
      <div className="row">
        <Bars title="By priority" counts={stats.priority_breakdown} choices={choices.priority} total={stats.total_tickets} />
        <Bars title="By category" counts={stats.category_breakdown} choices={choices.category} total={stats.total_tickets} />
      </div>
    </section>
  );
}
