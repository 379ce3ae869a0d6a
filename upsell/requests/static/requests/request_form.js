// "Add line" on the new-request form: a blank row from the formset's empty form, numbered,
// and the formset's count raised. Without scripts the same button posts the form back with
// more blank rows.
document.addEventListener("DOMContentLoaded", () => {
  // Enter in the client search looks the client up; it does not send the form.
  const search = document.getElementById("id_client_search");
  if (search) {
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  const button = document.querySelector("[data-add-line]");
  const template = document.getElementById("line-template");
  const total = document.getElementById("id_lines-TOTAL_FORMS");
  const rows = document.querySelector(".request-lines tbody");
  if (!button || !template || !total || !rows) return;
  // No longer a submit button: Enter in a field sends the request, not "Add line".
  button.type = "button";
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const index = Number(total.value);
    const row = template.content.firstElementChild.cloneNode(true);
    for (const element of row.querySelectorAll("[name], [id], [for]")) {
      for (const attribute of ["name", "id", "for"]) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace("__prefix__", String(index)));
      }
    }
    row.querySelector(".line-number").textContent = String(index + 1);
    rows.append(row);
    total.value = String(index + 1);
    row.querySelector("input").focus();
  });
});
