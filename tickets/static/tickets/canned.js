// A ticket's change page: choosing a canned response fills the reply box (the agent may still edit it) and
// remembers the status it moves the ticket to; nothing is sent until the agent clicks "Send reply".
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_canned");
  const box = document.getElementById("id_message_body");
  const status = document.getElementById("id_set_status");
  if (!select || !box || !status) return;
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    box.value = option && option.value ? option.dataset.body : "";
    status.value = option && option.value ? option.dataset.status : "";
    box.focus();
  });
});
