// The sidebar's saved views: their open counts, fresh once a minute while the page stays open (an agent who
// keeps one ticket open for a while still sees the "Unassigned" count move).
document.addEventListener("DOMContentLoaded", () => {
  const views = document.querySelector("[data-view-counts]");
  if (!views) return;
  const refresh = async () => {
    try {
      const response = await fetch(views.dataset.viewCounts, { credentials: "same-origin" });
      if (!response.ok) return;
      const { counts } = await response.json();
      for (const [id, count] of Object.entries(counts)) {
        const badge = document.querySelector(`[data-view-badge="${id}"]`);
        if (badge) badge.textContent = count;
      }
    } catch {
      // Offline for a moment: the counts shown stay until the next try.
    }
  };
  window.setInterval(refresh, 60_000);
});
