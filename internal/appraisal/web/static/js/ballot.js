// The phone ballot's progress line: how many targets are rated so far
// (the page works without it: the line then shows what was rated when the
// page was written).
(function () {
  var form = document.querySelector("form.ballot"), out = document.getElementById("rated");
  if (!form || !out) return;
  function count() { out.textContent = form.querySelectorAll(".opts input:checked").length; }
  form.addEventListener("change", count);
  form.addEventListener("reset", function () { setTimeout(count, 0); });
  count();
})();
