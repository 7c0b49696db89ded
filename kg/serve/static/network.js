// The alliance network page: fetches /api/network for the filters and draws it with Cytoscape.
(function () {
  "use strict";
  var palette = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"];
  var form = document.getElementById("filters");
  var count = document.getElementById("count");
  var blocSelect = document.getElementById("bloc");
  var cy = cytoscape({
    container: document.getElementById("cy"),
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 14, "font-family": "system-ui, sans-serif", "color": "#222",
          "text-valign": "bottom", "text-margin-y": 3, "text-outline-color": "#fff", "text-outline-width": 2,
          "background-color": function (n) { var b = n.data("bloc"); return b < 0 ? "#999" : palette[b % palette.length]; },
          "width": function (n) { return 10 + 4 * Math.sqrt(n.data("degree")); },
          "height": function (n) { return 10 + 4 * Math.sqrt(n.data("degree")); } } },
      { selector: "edge", style: {
          "curve-style": "bezier", "opacity": 0.7,
          "width": function (e) { return 1 + Math.min(5, Math.abs(e.data("weight"))); },
          "line-color": function (e) { return e.data("sign") > 0 ? "#2e8b57" : "#c0392b"; },
          "line-style": function (e) { return e.data("sign") > 0 ? "solid" : "dashed"; } } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#111" } }
    ],
    wheelSensitivity: 0.3
  });
  cy.on("tap", "node", function (ev) { window.location.href = "/actor/" + ev.target.id().split("/").map(encodeURIComponent).join("/"); });

  function params() {
    var p = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v !== "") { p.set(k, v); } });
    return p;
  }

  function load() {
    var p = params();
    count.textContent = "loading…";
    fetch("/api/network?" + p.toString(), { headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (g) {
        var keep = blocSelect.value;
        while (blocSelect.options.length > 1) { blocSelect.remove(1); }
        g.blocs.forEach(function (b) {
          var o = document.createElement("option");
          o.value = String(b); o.textContent = "bloc " + b; blocSelect.appendChild(o);
        });
        blocSelect.value = keep;
        cy.elements().remove();
        cy.add(g.nodes.concat(g.edges));
        cy.layout({ name: "cose", animate: false, randomize: true, padding: 30, nodeOverlap: 40, componentSpacing: 90,
                    nodeRepulsion: function () { return 80000; }, idealEdgeLength: function () { return 110; },
                    gravity: 0.6, numIter: 2500 }).run();
        count.textContent = g.nodes.length + " actors, " + g.edges.length + " ties";
        document.getElementById("cy").setAttribute("data-nodes", String(g.nodes.length));
        document.getElementById("cy").setAttribute("data-edges", String(g.edges.length));
      })
      .catch(function (err) { count.textContent = "could not load the network: " + err.message; });
  }
  form.addEventListener("change", load);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  load();
})();
