// "Show the number" next to a masked phone (registers.personal_admin): without JavaScript the button posts the
// reveal form and a small page answers the number; with it, the number replaces the mask in place.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-reveal]");
  if (!button) return;
  const form = document.getElementById(button.getAttribute("form"));
  if (!form) return;
  event.preventDefault();
  button.disabled = true;
  try {
    const response = await fetch(button.formAction, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const { value } = await response.json();
    const link = document.createElement("a");
    link.href = "tel:" + value;
    link.textContent = value;
    button.closest(".reveal").replaceChildren(link);
  } catch (error) {
    button.disabled = false;
    form.action = button.formAction;
    form.submit();
  }
});
