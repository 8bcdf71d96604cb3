// The list filters chosen in a search box (registers/autocomplete_filter.py): choosing or clearing a value
// reloads the list with it, keeping the other filters (the form's hidden fields).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  django.jQuery(document).on("change", "form.autocomplete-filter select", function () {
    this.form.submit();
  });
});
