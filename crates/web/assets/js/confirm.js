// Forms that ask before they act (吊销, 停用): `data-confirm` holds the question. The pages' policy
// allows no inline handlers, so the question is asked here.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) { e.preventDefault(); }
    });
  });
})();
