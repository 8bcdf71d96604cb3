// A background job's page: asks for its progress every second and updates the bar; once the job moves to
// another step (checked, imported, failed) the page is loaded again to show the result.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (!job || job.dataset.ended) { return; }
  var status = job.dataset.status;
  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }
  function poll() {
    fetch(job.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        if (p.status !== status) { window.location.reload(); return; }
        var bar = document.getElementById("job-bar");
        if (bar) { bar.max = p.total || 100; bar.value = p.rows; }
        text("job-status", p.status_label);
        var waiting = job.dataset.kind === "export" ? "等待后台处理…" : "正在读取文件…";
        text("job-rows", p.rows ? p.rows + " / " + (p.total || "?") + " 行" : waiting);
        text("job-percent", p.percent === null ? "" : "(" + p.percent + "%)");
        text("job-rate", (p.rate ? p.rate + " 行/秒" : "") + (p.seconds_left === null ? "" : " · 约 " + p.seconds_left + " 秒"));
        if (status === "checked") { return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (status !== "checked") { window.setTimeout(poll, 1000); }
})();
