// The review page works without this script; it only fills the correction field with the chosen cell's value.
"use strict";
document.querySelectorAll("details.correct form").forEach(function (form) {
  var select = form.querySelector("select[name=column]");
  var input = form.querySelector("input[name=value]");
  select.addEventListener("change", function () {
    input.value = select.options[select.selectedIndex].getAttribute("data-current") || "";
    input.focus();
  });
});
