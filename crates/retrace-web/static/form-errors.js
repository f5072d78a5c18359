// Moves the focus to a form's error summary when a page comes back with
// errors, so a screen reader reads them and the keyboard starts there.
// An external file: the Content-Security-Policy forbids inline script.
(function () {
  "use strict";
  var summary = document.getElementById("form-error");
  if (summary) {
    summary.focus();
  }
})();
