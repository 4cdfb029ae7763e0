// 报警提示: on every page of a hub worker, a device's alarm (一键报警, 门禁) arriving on the live
// stream shows a red bar with the place and a link to its event, sounds the alarm and tells the
// page's map (the "pingan:alarm" event) to mark the point. Browsers may refuse sound until the
// user has touched the page: then the bar offers a button that turns it on.
(function () {
  "use strict";
  var bar = document.getElementById("alarm-bar");
  var sound = document.getElementById("alarm-sound");
  if (!bar || !sound || !window.EventSource) { return; }
  var list = bar.querySelector("ul");
  var enable = bar.querySelector("button.enable-sound");
  var played = 0;

  function ring() {
    sound.currentTime = 0;
    var p = sound.play();
    if (p && p.then) {
      p.then(function () {
        played += 1;
        sound.setAttribute("data-played", String(played));
        enable.hidden = true;
      }).catch(function () { enable.hidden = false; });
    }
  }

  enable.addEventListener("click", function () { ring(); });
  bar.querySelector("button.dismiss").addEventListener("click", function () {
    bar.hidden = true;
    list.textContent = "";
    sound.pause();
  });

  var source = new EventSource("/api/v1/stream");
  source.addEventListener("case", function (msg) {
    var c = JSON.parse(msg.data);
    if (!c.alarm) { return; }
    var a = c.alarm;
    var li = document.createElement("li");
    var when = new Date(c.at).toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
    var text = document.createElement("span");
    text.textContent = when + " " + a.signal_label + "：" + a.point_name + "（" + a.kind_label +
      (a.address ? "，" + a.address : "") + "）";
    var link = document.createElement("a");
    link.href = "/events/" + encodeURIComponent(c.case_id);
    link.textContent = "查看并受理 " + c.number;
    li.appendChild(text);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(link);
    list.insertBefore(li, list.firstChild);
    bar.hidden = false;
    ring();
    document.dispatchEvent(new CustomEvent("pingan:alarm", { detail: c }));
  });
})();
