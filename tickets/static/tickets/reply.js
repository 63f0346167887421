// A ticket's reply box on its change page. Choosing a canned response fills the box and remembers the status it
// moves the ticket to; "Suggest a reply" asks the server for the AI's draft (or, without one, the closest canned
// response) and fills the box with it. Either way the agent may edit, and nothing is sent until "Send reply".
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("id_message_body");
  const status = document.getElementById("id_set_status");
  const select = document.getElementById("id_canned");
  const suggest = document.getElementById("suggest-reply");
  const note = document.getElementById("suggestion-note");
  if (!box || !status) return;

  const fill = (text, moveTo, cannedId) => {
    box.value = text;
    status.value = moveTo || "";
    if (select) select.value = cannedId ? String(cannedId) : "";
    box.focus();
  };

  if (select) {
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      const chosen = option && option.value;
      fill(chosen ? option.dataset.body : "", chosen ? option.dataset.status : "", chosen ? option.value : "");
    });
  }

  if (suggest && note) {
    suggest.addEventListener("click", async () => {
      if (box.value.trim() && !window.confirm("Replace what is in the reply box with a suggestion?")) return;
      const token = box.form.querySelector("[name=csrfmiddlewaretoken]").value;
      suggest.disabled = true;
      note.textContent = "Drafting a reply\u2026";
      try {
        const response = await fetch(suggest.dataset.url, {
          method: "POST",
          headers: { "X-CSRFToken": token, Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        if (data.body) fill(data.body, data.set_status, data.canned_id);
        note.textContent = data.message;
      } catch {
        note.textContent = "No suggestion could be fetched: please write your own reply.";
      } finally {
        suggest.disabled = false;
      }
    });
  }
});
