(function () {
  "use strict";
  var logs = document.getElementById("logs");
  if (!logs || !logs.dataset.follow || !window.EventSource) return;
  var last = Number(logs.dataset.after) || 0;
  var source = new EventSource(logs.dataset.follow);

  // The log of function fn ("" for the build's own), made when a line of
  // a function the page did not know arrives.
  function logOf(fn) {
    var all = logs.querySelectorAll("pre.log");
    for (var i = 0; i < all.length; i++) {
      if (all[i].dataset.function === fn) return all[i];
    }
    var section = document.createElement("section");
    section.className = "stream";
    section.id = fn ? "log-" + fn : "log";
    var title = document.createElement("h3");
    title.textContent = fn || "build";
    var pre = document.createElement("pre");
    pre.className = "log";
    pre.dataset.function = fn;
    section.appendChild(title);
    section.appendChild(pre);
    logs.appendChild(section);
    return pre;
  }

  source.addEventListener("line", function (e) {
    var line = JSON.parse(e.data);
    // A reconnection may send again what the page has.
    if (line.seq <= last) return;
    last = line.seq;
    var span = document.createElement("span");
    span.className = "line";
    span.dataset.seq = line.seq;
    span.textContent = line.text + "\n";
    logOf(line.function || "").appendChild(span);
  });

  source.addEventListener("end", function (e) {
    source.close();
    var state = document.getElementById("state");
    var ended = JSON.parse(e.data).state;
    if (state && ended) {
      state.textContent = ended;
      state.className = "state " + ended;
    }
    // The functions' results are on the page the server renders now.
    window.location.reload();
  });
})();
