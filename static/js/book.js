// Booking form: show the organisation field only for group visits (the server checks it either way).
(function () {
  "use strict";
  var form = document.querySelector(".booking-form");
  if (!form) return;
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
