// The home-visit form: choosing the care recipient fills in the team, the volunteers, the usual services and the
// length of their last visit (双上门、五确定: fixed on the recipient). A field the user has changed is left alone.
"use strict";
{
  // The admin's jQuery (select2 speaks through its events), read once the page's scripts have all run.
  let $ = null;

  const sameValues = (a, b) => a.length === b.length && a.every((value) => b.includes(value));
  const selectedValues = (select) => Array.from(select.selectedOptions, (option) => option.value);

  // Select the choices ({id, text}) in a select (plain or the admin's autocomplete), adding missing options.
  function choose(select, choices) {
    const wanted = choices.map((choice) => String(choice.id));
    for (const option of select.options) option.selected = wanted.includes(option.value);
    for (const choice of choices) {
      if (!Array.from(select.options).some((option) => option.value === String(choice.id))) {
        select.add(new Option(choice.text, choice.id, true, true));
      }
    }
    if ($) $(select).trigger("change");
    else select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function init() {
    $ = (window.django && window.django.jQuery) || null;
    const recipient = document.getElementById("id_recipient");
    const url = recipient && recipient.dataset.arrangementsUrl;
    if (!url) return;
    const team = document.getElementById("id_team");
    const volunteers = document.getElementById("id_volunteers");
    const minutes = document.getElementById("id_minutes");
    const services = () => Array.from(document.querySelectorAll("input[name=services]"));
    // What was filled in last: a field still holding it (or empty) is the user's to have filled in again.
    let filled = { team: [], volunteers: [], services: [], minutes: "" };

    async function fill() {
      if (!recipient.value) return;
      const response = await fetch(`${url}?recipient=${encodeURIComponent(recipient.value)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      const next = {
        team: data.team ? [String(data.team.id)] : [],
        volunteers: data.volunteers.map((v) => String(v.id)),
        services: data.services.map(String),
        minutes: data.minutes ? String(data.minutes) : "",
      };
      if (team && (!team.value || sameValues(selectedValues(team), filled.team))) {
        choose(team, data.team ? [data.team] : []);
      }
      if (volunteers) {
        const current = selectedValues(volunteers);
        if (!current.length || sameValues(current, filled.volunteers)) choose(volunteers, data.volunteers);
      }
      const checked = services().filter((box) => box.checked).map((box) => box.value);
      if (!checked.length || sameValues(checked, filled.services)) {
        for (const box of services()) box.checked = next.services.includes(box.value);
      }
      if (minutes && (!minutes.value || minutes.value === filled.minutes) && next.minutes) {
        minutes.value = next.minutes;
      }
      filled = next;
    }

    if ($) $(recipient).on("change", fill);
    else recipient.addEventListener("change", fill);
    if (recipient.value && !(team && team.value)) fill(); // an add form opened for one recipient
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}
