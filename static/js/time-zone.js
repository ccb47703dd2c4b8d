// The public form reports the browser's time zone, so follow-ups reach customers in their
// waking hours. A file, not an inline script: the Content-Security-Policy allows only our files.
(function () {
  var zone = document.getElementById("id_time_zone");
  try {
    if (zone && !zone.value) { zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; }
  } catch (e) { /* an old browser: the portal's own zone is used */ }
})();
