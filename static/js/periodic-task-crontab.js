// Django admin, periodic task page: shows a crontab schedule in words next to the field
// (django-celery-beat's behaviour, kept in a file so the Content-Security-Policy allows it).
(function () {
  var $ = window.django && window.django.jQuery;
  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  if (!$ || !script || !data) { return; }
  var readable = JSON.parse(data.textContent);
  var original = script.getAttribute("data-crontab-help") || "";
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var help = $(".field-crontab .help").empty().text(original);
    help.append("<br>").append(document.createTextNode("Translation: " + (readable[$("#id_crontab").val()] || "")));
  });
})();
