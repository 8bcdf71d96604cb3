// Check-in page: read a booking's QR code with the phone's camera (jsQR, vendored) and look it up, as if it
// had been typed. Without a camera (or script) the reference is typed into the same form.
(function () {
  "use strict";
  var scanner = document.getElementById("scanner");
  var form = document.getElementById("check-in-find");
  if (!scanner || !form || !navigator.mediaDevices || !window.jsQR) return;
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  scanner.hidden = false;

  function look() {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        video.srcObject.getTracks().forEach(function (track) { track.stop(); });
        form.querySelector('input[name="code"]').value = found.data;
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(look);
  }

  document.getElementById("scan-start").addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      status.textContent = scanner.dataset.scanning || "";
      window.requestAnimationFrame(look);
    }).catch(function () {
      status.textContent = scanner.dataset.noCamera || "";
    });
  });
})();
