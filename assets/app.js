// Sends the session's CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// Word clouds: an element with data-wordcloud='[{"name":…,"value":…}]'.
window.addEventListener("load", function () {
  document.querySelectorAll("[data-wordcloud]").forEach(function (el) {
    if (!window.echarts) return;
    var data = [];
    try { data = JSON.parse(el.getAttribute("data-wordcloud")); } catch (e) { return; }
    if (!data.length) { el.style.display = "none"; return; }
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { formatter: function (p) { return p.name + "：" + p.value + " 件"; } },
      series: [{
        type: "wordCloud", shape: "circle", gridSize: 6, sizeRange: [12, 52], rotationRange: [0, 0],
        textStyle: { fontFamily: "sans-serif", color: function () {
          var palette = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#c2410c", "#0f766e"];
          return palette[Math.floor(Math.random() * palette.length)];
        } },
        data: data
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});

// Category suggestions: clicking one selects it in the form.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-apply-select]");
  if (!button) return;
  var select = document.querySelector('select[name="' + button.getAttribute("data-apply-select") + '"]');
  if (select) { select.value = button.getAttribute("data-value"); }
});
