// The phone's pages without signal (走访, 新增人员, 上报事件): registers the service worker (sw.js),
// gives each visit or report form a fresh client_id (a kept copy of the form must not reuse one),
// shows how many entries wait on the phone, and asks the worker to send them whenever the signal is
// back.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  var status = document.getElementById("outbox-status");
  function say(n) {
    if (!status) { return; }
    status.hidden = n === 0;
    status.textContent = "手机上还有 " + n + " 条待提交，恢复网络后自动提交。";
  }
  function freshId() {
    if (window.crypto && crypto.randomUUID) { return "web-" + crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var key = document.querySelector(
    "form#visit-form input[name=client_id], form#person-form input[name=client_id], form#report-form input[name=client_id]");
  if (key) { key.value = freshId(); }
  navigator.serviceWorker.addEventListener("message", function (e) {
    if (e.data && typeof e.data.outbox === "number") { say(e.data.outbox); }
  });
  function flush() {
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) { reg.active.postMessage("flush"); }
      if (reg.sync) { reg.sync.register("outbox").catch(function () {}); }
    });
  }
  navigator.serviceWorker.register("/sw.js").then(flush).catch(function () {});
  window.addEventListener("online", flush);
  window.pinganFlush = flush;
})();
