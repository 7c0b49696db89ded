// The article page: the sentence named by the URL's #anchor is highlighted (every piece of the text in it).
(function () {
  "use strict";
  function show() {
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!/^s-[0-9a-f]+$/.test(id)) { return; }
    var first = null;
    document.querySelectorAll("#text [data-s]").forEach(function (e) {
      if (e.getAttribute("data-s").split(" ").indexOf(id) >= 0) { e.classList.add("hl"); first = first || e; }
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }
  window.addEventListener("hashchange", show);
  show();
})();
