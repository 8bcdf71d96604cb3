// Booking form: a refused form's error summary takes the focus (a screen reader reads it, a phone shows it);
// the organisation field shows only for group visits (the server checks it either way).
(function () {
  "use strict";
  var form = document.querySelector(".booking-form");
  if (!form) return;
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  var field = form.querySelector(".field-organisation");
  if (!field) return;
  function update() {
    var chosen = form.querySelector('input[name="visitor_kind"]:checked');
    var isResident = chosen && chosen.value === "resident";
    field.classList.toggle("is-hidden", isResident);
  }
  form.addEventListener("change", update);
  update();
})();
