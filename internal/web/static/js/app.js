// Pingyi's few lines of script for every page (the pages work without it).
// A row of tabs or the main navigation that scrolls sideways on a phone
// brings its active entry into view, and says on which sides there is more
// (class more-left / more-right: the stylesheet fades that edge).
(function () {
  function edges(bar) {
    var max = bar.scrollWidth - bar.clientWidth;
    bar.classList.toggle("more-left", bar.scrollLeft > 1);
    bar.classList.toggle("more-right", bar.scrollLeft < max - 1);
  }
  function init(root) {
    (root || document).querySelectorAll(".mainnav-inner, .tabs").forEach(function (bar) {
      var active = bar.querySelector("a.active, a[aria-current]");
      if (active) {
        var ar = active.getBoundingClientRect(), br = bar.getBoundingClientRect();
        var left = ar.left - br.left + bar.scrollLeft, right = left + ar.width;
        if (right > bar.scrollLeft + bar.clientWidth || left < bar.scrollLeft) {
          bar.scrollLeft = Math.max(0, left - (bar.clientWidth - ar.width) / 2);
        }
      }
      edges(bar);
      if (!bar.dataset.edges) {
        bar.dataset.edges = "1";
        bar.addEventListener("scroll", function () { edges(bar); }, { passive: true });
        window.addEventListener("resize", function () { edges(bar); });
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
